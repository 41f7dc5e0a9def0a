"""The league table of units (排名 / 晾晒) from the stored scan results.

A unit is ranked by its lead tasks that something was due for: the share on track
(正常, 已完成, 已补齐) first, then fewer overdue and missed, then fewer behind. A unit none
of whose lead tasks had anything due yet (暂无, 临期 only) is listed apart, unranked. The
change in rank compares with the ranking on the last period's stored day (positive:
moved up). Reports on time: of the first submissions per task and period, the share
that reached the office by the due date (``report_due_workdays`` working days after the
period); average working days late over the late ones.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from tracker.domain.lag import LagState
from tracker.domain.policy import UnitRole
from tracker.extensions import db
from tracker.models import (
    Instruction,
    Plan,
    ProgressReport,
    ReportStatus,
    SupervisionNotice,
    Task,
    TaskState,
    TaskUnit,
    Unit,
)
from tracker.services.calendar import load_calendar

#: States that mean something was due for the task.
DUE_STATES = frozenset(
    {
        LagState.DONE,
        LagState.ON_TRACK,
        LagState.RECOVERED,
        LagState.BEHIND,
        LagState.MISSED,
        LagState.OVERDUE,
    }
)
#: States counted as on track in the ranking.
GOOD_STATES = frozenset({LagState.DONE, LagState.ON_TRACK, LagState.RECOVERED})

_UNSENT = (ReportStatus.DRAFT, ReportStatus.PENDING_APPROVAL)

_punctual: dict[Hashable, dict[int, tuple[int, int, int]]] = {}
_punctual_lock = threading.Lock()


@dataclass
class UnitRow:
    """One unit's line of the league table."""

    unit_id: int
    name: str
    counts: Counter[LagState] = field(default_factory=Counter)
    reports: int = 0
    on_time: int = 0
    late_workdays: int = 0
    open_notices: int = 0
    unanswered: int = 0
    rank: int | None = None
    previous_rank: int | None = None

    @property
    def due(self) -> int:
        """Lead tasks something was due for."""
        return sum(n for state, n in self.counts.items() if state in DUE_STATES)

    @property
    def score(self) -> float | None:
        """Per cent of the due lead tasks on track (None when nothing was due)."""
        return _score(self.counts)

    @property
    def on_time_percent(self) -> float | None:
        """Per cent of the reports submitted by their due date."""
        return None if not self.reports else round(100 * self.on_time / self.reports, 1)

    @property
    def average_late_workdays(self) -> float | None:
        """Average working days late of the late reports."""
        late = self.reports - self.on_time
        return None if not late else round(self.late_workdays / late, 1)

    @property
    def rank_change(self) -> int | None:
        """Places moved up since the last period (negative: down)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def _score(counts: Counter[LagState]) -> float | None:
    due = sum(n for state, n in counts.items() if state in DUE_STATES)
    if not due:
        return None
    return round(100 * sum(counts[s] for s in GOOD_STATES) / due, 1)


def _rank_key(counts: Counter[LagState]) -> tuple[float, int, int]:
    score = _score(counts) or 0.0
    return (-score, counts[LagState.OVERDUE] + counts[LagState.MISSED], counts[LagState.BEHIND])


def _ranks(by_unit: dict[int, Counter[LagState]]) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) of the units with something due."""
    keyed = sorted(
        (_rank_key(counts), unit_id)
        for unit_id, counts in by_unit.items()
        if _score(counts) is not None
    )
    ranks: dict[int, int] = {}
    for position, (key, unit_id) in enumerate(keyed, start=1):
        previous = keyed[position - 2] if position > 1 else None
        ranks[unit_id] = ranks[previous[1]] if previous and previous[0] == key else position
    return ranks


def league_table(
    plan: Plan, now: date, previous: date | None
) -> tuple[list[UnitRow], list[UnitRow]]:
    """The ranked units and, apart, the units with nothing due, of ``plan`` on ``now``."""
    days = [now] if previous is None else [now, previous]
    query = (
        sa.select(TaskState.as_of, TaskUnit.unit_id, Unit.name, TaskState.state, sa.func.count())
        .join(
            TaskUnit, sa.and_(TaskUnit.task_id == TaskState.task_id, TaskUnit.role == UnitRole.LEAD)
        )
        .join(Unit, Unit.id == TaskUnit.unit_id)
        .where(TaskState.plan_id == plan.id, TaskState.as_of.in_(days))
        .group_by(TaskState.as_of, TaskUnit.unit_id, Unit.name, TaskState.state)
    )
    rows: dict[int, UnitRow] = {}
    before: dict[int, Counter[LagState]] = {}
    for as_of, unit_id, name, state, count in db.session.execute(query):
        if as_of == now:
            rows.setdefault(unit_id, UnitRow(unit_id, name)).counts[LagState(state)] = count
        else:
            before.setdefault(unit_id, Counter())[LagState(state)] = count
    _add_reports(plan, rows)
    _add_open_items(plan, rows)
    ranks, previous_ranks = _ranks({u: r.counts for u, r in rows.items()}), _ranks(before)
    for unit_id, row in rows.items():
        row.rank, row.previous_rank = ranks.get(unit_id), previous_ranks.get(unit_id)
    ranked = sorted(
        (r for r in rows.values() if r.rank is not None), key=lambda r: (r.rank, r.name)
    )
    idle = sorted((r for r in rows.values() if r.rank is None), key=lambda r: r.name)
    return ranked, idle


def _add_reports(plan: Plan, rows: dict[int, UnitRow]) -> None:
    """Each unit's reports, on time and working days late (:func:`_punctuality`), kept
    per process until the plan's reports, its due rule or the calendar change."""
    fingerprint = db.session.execute(
        sa.select(
            sa.func.count(ProgressReport.id),
            sa.func.max(ProgressReport.id),
            sa.func.max(ProgressReport.updated_at),
        )
        .join(Task, Task.id == ProgressReport.task_id)
        .where(Task.plan_id == plan.id)
    ).one()
    calendar = load_calendar()
    key = (
        str(db.engine.url),
        plan.id,
        plan.report_due_workdays,
        tuple(fingerprint),
        tuple(calendar._changed),  # the days that differ from Monday–Friday
    )
    with _punctual_lock:
        found = _punctual.get(key)
    if found is None:
        found = _punctuality(plan)
        with _punctual_lock:
            if len(_punctual) >= 64:
                _punctual.clear()
            _punctual[key] = found
    for unit_id, (count, on_time, late_days) in found.items():
        row = rows.get(unit_id)
        if row is not None:
            row.reports, row.on_time, row.late_workdays = count, on_time, late_days


def _punctuality(plan: Plan) -> dict[int, tuple[int, int, int]]:
    """Reports on time and working days late, from the first submission per task, unit
    and period: the working days late of each (period, day) pair are worked out once
    (a handful of pairs, however many tasks), then summed per unit in SQL."""
    first = (
        sa.select(
            ProgressReport.unit_id.label("unit_id"),
            ProgressReport.period_end.label("period_end"),
            sa.func.min(ProgressReport.submitted_on).label("submitted_on"),
        )
        .join(Task, Task.id == ProgressReport.task_id)
        .where(
            Task.plan_id == plan.id,
            ProgressReport.submitted_on.is_not(None),
            ProgressReport.status.not_in(_UNSENT),
        )
        .group_by(ProgressReport.task_id, ProgressReport.unit_id, ProgressReport.period_end)
        .subquery()
    )
    pairs = db.session.execute(
        sa.select(ProgressReport.period_end, ProgressReport.submitted_on)
        .join(Task, Task.id == ProgressReport.task_id)
        .where(Task.plan_id == plan.id, ProgressReport.submitted_on.is_not(None))
        .distinct()
    ).all()
    late = _late_workdays(plan, [(end, day) for end, day in pairs])
    if not late:
        return {}
    table = (
        sa.values(
            sa.column("period_end", sa.Date),
            sa.column("submitted_on", sa.Date),
            sa.column("late", sa.Integer),
            name="late_days",
        )
        .data([(end, day, days) for (end, day), days in late.items()])
        .cte("late_days")
    )
    query = (
        sa.select(
            first.c.unit_id,
            sa.func.count(),
            sa.func.sum(sa.case((table.c.late == 0, 1), else_=0)),
            sa.func.sum(table.c.late),
        )
        .join(
            table,
            sa.and_(
                table.c.period_end == first.c.period_end,
                table.c.submitted_on == first.c.submitted_on,
            ),
        )
        .group_by(first.c.unit_id)
    )
    return {
        unit_id: (count, on_time or 0, late_days or 0)
        for unit_id, count, on_time, late_days in db.session.execute(query)
    }


def _late_workdays(
    plan: Plan, pairs: Sequence[tuple[date, date | None]]
) -> dict[tuple[date, date], int]:
    """Working days late of a report for the period ending ``end`` that reached the
    office on ``day`` (0 when on time), for each pair."""
    calendar = load_calendar()
    due_of: dict[date, date] = {}
    late: dict[tuple[date, date], int] = {}
    for end, day in pairs:
        if day is None:
            continue
        due = due_of.get(end)
        if due is None:
            due = due_of[end] = calendar.add_workdays(end, plan.report_due_workdays)
        late[(end, day)] = calendar.workdays_between(due + timedelta(days=1), day)
    return late


def _add_open_items(plan: Plan, rows: dict[int, UnitRow]) -> None:
    """Open supervision notices and unanswered 批示 on the unit's lead tasks."""
    notices = (
        sa.select(SupervisionNotice.unit_id, sa.func.count())
        .where(SupervisionNotice.plan_id == plan.id, SupervisionNotice.answered_at.is_(None))
        .group_by(SupervisionNotice.unit_id)
    )
    for unit_id, count in db.session.execute(notices):
        if unit_id in rows:
            rows[unit_id].open_notices = count
    instructions = (
        sa.select(TaskUnit.unit_id, sa.func.count())
        .select_from(Instruction)
        .join(Task, Task.id == Instruction.task_id)
        .join(TaskUnit, sa.and_(TaskUnit.task_id == Task.id, TaskUnit.role == UnitRole.LEAD))
        .where(Task.plan_id == plan.id, Instruction.answered_at.is_(None))
        .group_by(TaskUnit.unit_id)
    )
    for unit_id, count in db.session.execute(instructions):
        if unit_id in rows:
            rows[unit_id].unanswered = count


def forget_punctuality() -> None:
    """Empty the per-process punctuality figures (tests)."""
    with _punctual_lock:
        _punctual.clear()
