"""Stored states at past quarter ends, for the dashboard's trend and change in rank.

The daily scan stores each day's :class:`~tracker.models.TaskState` from the day it runs;
the quarters before that (a plan imported late, a demo) have none. This module assesses
the plan as of each missing quarter end (and ``today``) with the scan's own
:func:`~tracker.services.scan.assess_plan` and inserts the rows that are missing. It
never replaces a stored row: what the scan found on a day stays what it found.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from config.settings import LagThresholds
from tracker.extensions import db
from tracker.models import Plan, Task, TaskState
from tracker.services.calendar import load_calendar
from tracker.services.scan import assess_plan


def quarter_ends(first: date, until: date) -> list[date]:
    """Quarter ends from the quarter of ``first`` up to, not including, ``until``."""
    ends: list[date] = []
    year, quarter = first.year, (first.month - 1) // 3 + 1
    while True:
        end = _quarter_end(year, quarter)
        if end >= until:
            return ends
        ends.append(end)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def _quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, 31 if month in (3, 12) else 30)


def backfill_dates(plan: Plan, today: date) -> list[date]:
    """The days the dashboard needs states for: every quarter end of the plan before
    ``today`` (and before the plan's end), and ``today`` itself."""
    until = min(today, plan.end)
    days = quarter_ends(plan.start, until)
    if plan.start <= today:
        days.append(until)
    return days


def backfill_plan(plan: Plan, today: date, *, lag: LagThresholds) -> int:
    """Insert the missing task states of ``plan`` at :func:`backfill_dates`; returns how
    many rows were inserted. Flushes; the caller commits."""
    days = backfill_dates(plan, today)
    if not days:
        return 0
    task_count = db.session.scalar(sa.select(sa.func.count(Task.id)).where(Task.plan_id == plan.id))
    stored: dict[date, set[int]] = {}
    query = sa.select(TaskState.as_of, TaskState.task_id).where(
        TaskState.plan_id == plan.id, TaskState.as_of.in_(days)
    )
    for as_of, task_id in db.session.execute(query):
        stored.setdefault(as_of, set()).add(task_id)
    calendar = load_calendar()
    inserted = 0
    for day in days:
        have = stored.get(day, set())
        if len(have) >= (task_count or 0):
            continue
        rows = [
            {
                "task_id": status.task.id,
                "plan_id": plan.id,
                "as_of": day,
                "state": status.state,
                "expected": status.assessment.expected,
                "actual": status.assessment.actual,
            }
            for status in assess_plan(plan, day, calendar, lag=lag)
            if status.task.id not in have
        ]
        if rows:
            db.session.execute(sa.insert(TaskState), rows)
            inserted += len(rows)
    db.session.flush()
    return inserted


def backfill(today: date, plan_id: int | None = None, *, lag: LagThresholds) -> int:
    """:func:`backfill_plan` for one plan or every plan; the rows inserted in all."""
    query = sa.select(Plan).order_by(Plan.id)
    if plan_id is not None:
        query = query.where(Plan.id == plan_id)
    return sum(backfill_plan(plan, today, lag=lag) for plan in db.session.scalars(query))
