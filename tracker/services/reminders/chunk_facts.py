"""A chunk of open tasks' reminder facts, read lean (issue 14 §2): what a reminder pass
reasons on, without loading every task's facts again.

- **Report facts** are needed only for reports not submitted (submitted ones make no
  intent, and the catch-up passes them by). The database works out per task the last
  due date of its milestones that ask for reports and the periods whose report reached
  the office by the day (one query); the plan's periods up to the day, computed once per
  plan (:class:`~tracker.services.scan_facts.PlanRules`), then give the dues not submitted,
  one fact per lead unit (one more query for those tasks' lead units).
- **Milestone facts** (behind or missed milestones) come from a task's assessment, but a
  task's state is the most urgent of its milestones' and reports' states and a done task
  has no events, so a task with a behind or missed milestone is itself overdue, missed
  or behind. The day's scan stored every task's state (``task_states``); where that state
  is still current — its fingerprint matches the task's facts now
  (:func:`~tracker.services.scan_heads.heads`, one query) — and is none of those three,
  the task has no milestone fact and is not assessed. Every other task (lagging, changed
  since the scan, or never scanned that day) is loaded (:func:`~tracker.services.
  scan_facts.load_tasks`, four queries) and assessed as before.

A chunk costs at most eight queries whatever its size. Reads only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag import LagState, assess_task
from tracker.domain.periods import Period
from tracker.domain.policy import UnitRole
from tracker.domain.reminders import MilestoneReminderFact, ReportReminderFact
from tracker.models import Milestone, ProgressReport, TaskUnit
from tracker.services.bulk import among
from tracker.services.scan_facts import (
    NOT_RECEIVED_TEXT,
    REPORTING_KINDS,
    PlanRules,
    load_tasks,
    rows_of,
    salt_of,
    tasks_in,
    text_of,
)
from tracker.services.scan_heads import heads

#: Task states that may come with a behind or missed milestone (see the module docstring).
LAGGING = frozenset({LagState.OVERDUE, LagState.MISSED, LagState.BEHIND})

_REMINDED = frozenset({LagState.BEHIND, LagState.MISSED})

#: Between the period codes the database joins per task (codes are "2020Q3"-like).
_SEPARATOR = ","


@dataclass(slots=True)
class TaskFacts:
    """One task's reminder facts: its reports not submitted (per due and lead unit) and
    its behind or missed milestones (per event and lead unit), in the pass's order."""

    reports: list[ReportReminderFact] = field(default_factory=list)
    milestones: list[MilestoneReminderFact] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Context:
    """What every chunk of a pass shares: the day, the calendar, each plan's rules by id
    and the unit names by id."""

    as_of: date
    calendar: WorkdayCalendar
    rules: Mapping[int, PlanRules]
    units: Mapping[int, str]


def chunk_facts(
    tasks: Sequence[tuple[int, int]], ctx: Context, *, assess_all: bool = False
) -> tuple[dict[int, TaskFacts], int]:
    """The facts of ``tasks`` ((task id, plan id) of open tasks) by task id (a task with
    none left out), and how many tasks were assessed. ``assess_all``: assess every task
    whatever its stored state (the reference the lean path is tested against)."""
    ids = [tid for tid, _pid in tasks]
    found: dict[int, TaskFacts] = defaultdict(TaskFacts)
    owed = _unsubmitted(ids, {tid: pid for tid, pid in tasks}, ctx)
    leads = _lead_units(sorted(owed))
    for tid, dues in owed.items():
        found[tid].reports.extend(
            ReportReminderFact(
                task_id=tid,
                unit_id=unit_id,
                unit_name=ctx.units.get(unit_id, ""),
                period_code=period.code,
                period_label=period.label,
                due=due,
                submitted=False,
            )
            for period, due in dues
            for unit_id in leads.get(tid, ())
        )
    todo = ids if assess_all else _to_assess(ids, ctx)
    for row in load_tasks(todo) if todo else ():
        rules = ctx.rules[row.plan_id]
        assessment = assess_task(row.facts(rules), ctx.as_of, ctx.calendar, rules.settings)
        milestones = [
            MilestoneReminderFact(
                row.id,
                unit_id,
                row.milestone_ids[event.milestone_index],
                str(event.kind),
                event.due,
                event.message,
            )
            for event in assessment.events
            if event.milestone_index is not None and event.kind in _REMINDED
            for unit_id in row.lead_unit_ids
        ]
        if milestones:
            found[row.id].milestones.extend(milestones)
    return dict(found), len(todo)


def _to_assess(ids: list[int], ctx: Context) -> list[int]:
    """Those of ``ids`` whose stored state of the day is missing, out of date or
    lagging: one query."""
    keep = set()
    for tid, _pid, stale, state, _expected, _actual in heads(ids, ctx.as_of, salt_of(ctx.rules)):
        if stale is None and state is not None and state not in LAGGING:
            keep.add(tid)
    return [tid for tid in ids if tid not in keep]


def _unsubmitted(
    ids: list[int], plans: Mapping[int, int], ctx: Context
) -> dict[int, list[tuple[Period, date]]]:
    """The reports each of ``ids`` owes up to the day and that did not reach the office
    by then — (period, due date) in period order, tasks owing none left out: one query.

    As :meth:`~tracker.services.scan_facts.PlanRules.dues`: a task owes the plan's periods
    (up to the day) that begin on or before the last due date of its milestones in force
    of a kind that asks for reports; a period's report reached the office when a report
    of it that is neither a draft nor awaiting the unit's approval was approved (where the
    plan asks for approval) or else submitted on or before the day."""
    if not ids:
        return {}
    last = (
        sa.select(Milestone.task_id.label("task_id"), sa.func.max(Milestone.due).label("last"))
        .where(
            tasks_in(Milestone.task_id, ids),
            Milestone.superseded_at.is_(None),
            text_of(Milestone.kind).in_(sorted(kind.value for kind in REPORTING_KINDS)),
        )
        .group_by(Milestone.task_id)
        .subquery()
    )
    received_on = sa.func.coalesce(ProgressReport.approved_on, ProgressReport.submitted_on)
    received = (
        sa.select(
            ProgressReport.task_id.label("task_id"),
            sa.func.aggregate_strings(ProgressReport.period, _SEPARATOR).label("codes"),
        )
        .where(
            tasks_in(ProgressReport.task_id, ids),
            text_of(ProgressReport.status).not_in(sorted(NOT_RECEIVED_TEXT)),
            received_on <= ctx.as_of,
        )
        .group_by(ProgressReport.task_id)
        .subquery()
    )
    query = sa.select(last.c.task_id, last.c.last, received.c.codes).outerjoin(
        received, received.c.task_id == last.c.task_id
    )
    owed: dict[int, list[tuple[Period, date]]] = {}
    for tid, last_due, codes in rows_of(query):
        done = set(codes.split(_SEPARATOR)) if codes else set()
        dues = [
            (period, due)
            for period, due in ctx.rules[plans[tid]].periods
            if period.start <= last_due and period.code not in done
        ]
        if dues:
            owed[tid] = dues
    return owed


def _lead_units(ids: list[int]) -> dict[int, list[int]]:
    """The lead units of ``ids`` by task, in the table's order: one query (none when
    ``ids`` is empty)."""
    found: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return found
    query = (
        sa.select(TaskUnit.task_id, TaskUnit.unit_id)
        .where(among(TaskUnit.task_id, ids), TaskUnit.role == UnitRole.LEAD)
        .order_by(TaskUnit.task_id, TaskUnit.position)
    )
    for tid, unit_id in rows_of(query):
        found[tid].append(unit_id)
    return found
