"""The tasks' current lag states: the scan's stored ones, fresh where facts moved on.

:func:`current_states` is what the ledger, the dashboard and the API read instead of
assessing every task per request (issue 14 §1, §3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa

from config.settings import LagThresholds
from tracker.domain.lag import LagState, assess_task
from tracker.extensions import db
from tracker.models import Milestone, ProgressReport, Task, TaskState
from tracker.services.calendar import load_calendar
from tracker.services.scan_facts import load_tasks, plan_rules

_STATES = {state.value: state for state in LagState}

#: Past this many stale tasks, the facts of the whole plan are loaded (one IN list less).
_WHOLE_PLAN = 2000


@dataclass(frozen=True, slots=True)
class StateRow:
    """One task's lag state as of a day: ``expected`` and ``actual`` in the task's
    milestone unit (None where there is none); ``stored`` is False when the state was
    assessed for this call because the scan's row was missing or older than the facts."""

    task_id: int
    plan_id: int
    state: LagState
    expected: float | None
    actual: float | None
    stored: bool = True

    def to_json(self) -> dict[str, object]:
        """``{"id", "state", "expected", "actual"}`` (values rounded to 2 decimals)."""
        return {
            "id": self.task_id,
            "state": str(self.state),
            "expected": None if self.expected is None else round(self.expected, 2),
            "actual": None if self.actual is None else round(self.actual, 2),
        }


def current_states(
    plan_id: int,
    as_of: date,
    task_ids: Iterable[int] | None = None,
    *,
    lag: LagThresholds,
) -> dict[int, StateRow]:
    """The lag state as of ``as_of`` (under the thresholds ``lag``) of every task of the
    plan ``plan_id``, or of its tasks among ``task_ids``, by task id.

    A task's :class:`~tracker.models.TaskState` row of that day is used unless its facts
    changed after the row was written (a report submitted, reviewed or corrected, a
    milestone corrected, the task closed: :func:`_changed_since_scanned`); any other task
    (no row yet — the day's scan has not run — or facts newer than the row) is assessed
    in memory, the same way as the scan does, and nothing is written: safe in a GET.
    A change of the plan's rules, the thresholds or the calendar shows from the next
    scan on (the scan's fingerprints catch it; a rerun the same day assesses the tasks).

    Costs a bounded number of queries whatever the plan's size: the stored rows, the
    tasks, the changed ones, and (only when some task is stale) the calendar, the plan
    and four loads. An unknown plan gives ``{}``.
    """
    tasks = sa.select(Task.id).where(Task.plan_id == plan_id)
    ids = None if task_ids is None else list(task_ids)
    if ids is not None:
        tasks = tasks.where(Task.id.in_(ids))
    found = stored_states(plan_id, as_of, ids)
    count = sa.select(sa.func.count()).select_from(tasks.subquery())
    if db.session.scalar(count) == len(found):  # every task has its row: no id list needed
        current = list(found)
        stale = _changed_since_scanned(plan_id, as_of, ids)
    else:
        current = list(db.session.scalars(tasks))
        stale = [tid for tid in current if tid not in found]
        stale += _changed_since_scanned(plan_id, as_of, ids)
    found.update(_assess(plan_id, as_of, stale, lag))
    return {tid: found[tid] for tid in current if tid in found}


def stored_states(plan_id: int, as_of: date, task_ids: list[int] | None) -> dict[int, StateRow]:
    """The scan's stored rows of ``as_of`` of the plan's tasks (of ``task_ids`` only, when
    given), as they are; one query of plain columns."""
    table = cast(sa.Table, TaskState.__table__)  # Core rows: 10,000 of them cost little
    query = sa.select(
        table.c.task_id, sa.type_coerce(table.c.state, sa.String), table.c.expected, table.c.actual
    ).where(table.c.plan_id == plan_id, table.c.as_of == as_of)
    if task_ids is not None:
        query = query.where(table.c.task_id.in_(task_ids))
    return {
        tid: StateRow(tid, plan_id, _STATES[state], expected, actual)
        for tid, state, expected, actual in db.session.connection().execute(query)
    }


def fresh_states(plan_id: int, as_of: date, *, lag: LagThresholds) -> dict[int, StateRow]:
    """Only the live (not archived) tasks of the plan ``plan_id`` whose stored state of
    ``as_of`` is missing or older than their facts, assessed in memory as
    :func:`current_states` does (usually none: the ledger reads every other task's state
    from the stored rows in SQL).

    Three queries (the plan's live rows counted with their oldest stamp and how many lack
    a fingerprint, its live tasks counted, the facts changed since that stamp), one more
    for the rows of changed tasks or rows without a fingerprint when there are any, one
    more for the tasks without a row when the counts differ, plus the assessment's own
    loads when some task is stale."""
    table = cast(sa.Table, TaskState.__table__)
    archived = sa.select(Task.id).where(Task.plan_id == plan_id, Task.archived_at.is_not(None))
    rows, oldest, unprinted = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.min(table.c.scanned_at),
            sa.func.count(sa.case((table.c.fingerprint.is_(None), 1))),
        ).where(
            table.c.plan_id == plan_id,
            table.c.as_of == as_of,
            table.c.task_id.not_in(archived.scalar_subquery()),
        )
    ).one()
    live = sa.select(sa.func.count(Task.id)).where(
        Task.plan_id == plan_id, Task.archived_at.is_(None)
    )
    stale = []
    if rows != db.session.scalar(live):  # some task has no row yet
        has_row = sa.exists().where(table.c.task_id == Task.id, table.c.as_of == as_of)
        stale = list(
            db.session.scalars(
                sa.select(Task.id).where(
                    Task.plan_id == plan_id, Task.archived_at.is_(None), ~has_row
                )
            )
        )
    if oldest is not None:
        stale += _stale_rows(plan_id, as_of, oldest, None, unprinted > 0)
    return _assess(plan_id, as_of, stale, lag)


def _assess(plan_id: int, as_of: date, stale: list[int], lag: LagThresholds) -> dict[int, StateRow]:
    """The tasks ``stale`` of the plan assessed in memory (the calendar, the plan's rules
    and the tasks' facts loaded in a bounded number of queries); ``{}`` for none."""
    if not stale:
        return {}
    calendar = load_calendar()
    rules = plan_rules(as_of, calendar, lag, plan_id)
    plan = rules[plan_id]
    wanted = set(stale)
    found = {}
    for row in load_tasks(plan_id if len(stale) > _WHOLE_PLAN else stale):
        if row.id not in wanted:
            continue
        done = assess_task(row.facts(plan), as_of, calendar, plan.settings)
        found[row.id] = StateRow(
            row.id, plan_id, done.state, done.expected, done.actual, stored=False
        )
    return found


def _changed_since_scanned(plan_id: int, as_of: date, ids: list[int] | None) -> list[int]:
    """Tasks whose stored state of ``as_of`` is older than their facts: a report
    submitted, reviewed or corrected, a milestone superseded, or the task closed after
    the row was written (or a row without a fingerprint, from before migration 0009).
    The plan's oldest row of the day, then :func:`_stale_rows`."""
    oldest = db.session.scalar(
        sa.select(sa.func.min(TaskState.scanned_at)).where(
            TaskState.plan_id == plan_id, TaskState.as_of == as_of
        )
    )
    if oldest is None:
        return []
    return _stale_rows(plan_id, as_of, oldest, ids, True)


def _stale_rows(
    plan_id: int, as_of: date, oldest: datetime, ids: list[int] | None, unprinted: bool
) -> list[int]:
    """The tasks (of ``ids`` when given) whose row of ``as_of`` is older than their facts,
    given the plan's oldest row of the day ``oldest``; rows without a fingerprint count
    only when ``unprinted`` says some row of the plan may lack one.

    The plan's reports, milestones and tasks stamped since ``oldest`` (ranges of the
    indexes of migration 0016, so the cost follows what changed, not the plan's size),
    then, when there are any (or ``unprinted``), the rows of those tasks, compared here.
    No probe per row, which PostgreSQL would also price high enough to JIT-compile the
    query."""
    of_plan = sa.select(Task.id).where(Task.plan_id == plan_id).scalar_subquery()
    changed: sa.CompoundSelect[Any] = sa.union_all(
        sa.select(ProgressReport.task_id, ProgressReport.updated_at).where(
            ProgressReport.updated_at > oldest, _unindexed(ProgressReport.task_id).in_(of_plan)
        ),
        sa.select(Milestone.task_id, Milestone.superseded_at).where(
            Milestone.superseded_at > oldest, _unindexed(Milestone.task_id).in_(of_plan)
        ),
        sa.select(Task.id, Task.closed_at).where(
            Task.closed_at > oldest, _unindexed(Task.plan_id) == plan_id
        ),
    )
    latest: dict[int, Any] = {}
    for task_id, stamp in db.session.execute(changed):
        if task_id not in latest or stamp > latest[task_id]:
            latest[task_id] = stamp
    if not latest and not unprinted:
        return []
    query = sa.select(TaskState.task_id, TaskState.scanned_at, TaskState.fingerprint).where(
        TaskState.plan_id == plan_id,
        TaskState.as_of == as_of,
        sa.or_(TaskState.fingerprint.is_(None), TaskState.task_id.in_(list(latest))),
    )
    if ids is not None:
        query = query.where(TaskState.task_id.in_(ids))
    return [
        task_id
        for task_id, scanned_at, fingerprint in db.session.execute(query)
        if fingerprint is None or latest[task_id] > scanned_at
    ]


def _unindexed(column: sa.orm.InstrumentedAttribute[int]) -> sa.ColumnElement[int]:
    """``column + 0``: the same value, but no index of it for a planner to prefer over a
    stamp's range. Without statistics SQLite takes an equality on the task or plan index
    as the better bet and probes every report or milestone of a 10,000-task plan (37 ms a
    ledger request) instead of the few rows stamped since the scan."""
    return column + sa.literal_column("0", sa.Integer)
