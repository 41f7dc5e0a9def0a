"""The lag scan's facts, loaded set-based (issue 14 §1, issue 18 §1).

A chunk of tasks costs a fixed number of queries whatever its size — the tasks, their
milestones in force, their reports and their lead units, each one ``SELECT`` of plain
columns (no ORM objects, no lazy loads) — and a plan's report due dates are worked out
once (:class:`PlanRules`), not per task. :func:`fingerprints` digests in three grouped
queries what each task's state depends on, so a rerun or a page can tell which stored
states (:class:`~tracker.models.TaskState`) are still current without loading the facts.

Reads only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm

from config.settings import LagThresholds
from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag import LagSettings, ReportDue, ReportFact, TaskFacts
from tracker.domain.milestones import MilestoneKind, MilestoneSpec, Relative
from tracker.domain.periods import Cadence, Period, periods_between, report_due_date
from tracker.domain.policy import UnitRole
from tracker.extensions import db
from tracker.models import Milestone, Plan, ProgressReport, ReportStatus, Task, TaskUnit

#: Reports whose values the lag rules see (a superseded revision gave way to its correction).
COUNTED = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.RETURNED})

#: Reports that have not reached the office yet: they do not answer a required report.
_NOT_RECEIVED = frozenset({ReportStatus.DRAFT, ReportStatus.PENDING_APPROVAL})


@dataclass(frozen=True, slots=True)
class TaskRange:
    """The tasks whose ids are in ``[lo, hi]`` (of the plan ``plan_id`` only, when set):
    a chunk named by two bounds, not by a thousand ids."""

    lo: int
    hi: int
    plan_id: int | None = None


#: Which tasks a query covers: a few task ids, every task of one plan (its id), or a range.
Scope = Sequence[int] | int | TaskRange

_STATUSES = {status.value: status for status in ReportStatus}
_KINDS = {kind.value: kind for kind in MilestoneKind}


def _tasks_in(column: sa.orm.InstrumentedAttribute[int], scope: Scope) -> sa.ColumnElement[bool]:
    """Rows of the tasks in ``scope``; a plan or a range leaves archived tasks out (issue 11 §2:
    a revision archives the tasks it drops, and archived tasks are not scanned)."""
    live = sa.select(Task.id).where(Task.archived_at.is_(None))
    if isinstance(scope, TaskRange):
        inside = column.between(scope.lo, scope.hi)
        of_range = live.where(Task.id.between(scope.lo, scope.hi))
        if scope.plan_id is not None:
            of_range = of_range.where(Task.plan_id == scope.plan_id)
        return sa.and_(inside, column.in_(of_range.scalar_subquery()))
    if isinstance(scope, int):
        return column.in_(live.where(Task.plan_id == scope).scalar_subquery())
    return column.in_(list(scope))


def _text_of(column: sa.orm.InstrumentedAttribute[Any]) -> sa.ColumnElement[str]:
    """``column`` read as its stored text (an enum's value), mapped back by a dict."""
    return sa.type_coerce(column, sa.String)


def digest(
    plan_key: str,
    baseline: float | None,
    closed: object,
    reports: tuple[object, ...],
    milestones: tuple[object, ...],
) -> str:
    """The fingerprint of a task: its plan's key, baseline, closing, its reports' (count,
    last change, sum of versions) and its milestones' in force (count, sum of ids)."""
    text = f"{plan_key}|{baseline!r}|{closed!r}|{reports!r}|{milestones!r}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class PlanRules:
    """What a plan's tasks share in an assessment as of a day: the plan's period and
    reporting rules, the thresholds in working days, the periods up to ``min(as_of, end)``
    with their report due dates (worked out once per plan), and ``key``, the part of each
    task's fingerprint that comes from the plan, the thresholds and the calendar."""

    id: int
    start: date
    end: date
    settings: LagSettings
    periods: tuple[tuple[Period, date], ...]
    key: str

    def dues(
        self, milestones: Sequence[MilestoneSpec], submitted: Mapping[str, date]
    ) -> list[ReportDue]:
        """The reports a task with ``milestones`` owes (as
        :func:`tracker.domain.lag.required_report_dues` over the plan's period), each with
        the day it reached the office from ``submitted`` (period code → day)."""
        relevant = [m for m in milestones if m.is_numeric or m.kind is MilestoneKind.ONGOING]
        if not relevant:
            return []
        last = max(m.due for m in relevant)
        return [
            ReportDue(period, due, submitted.get(period.code))
            for period, due in self.periods
            if period.start <= last
        ]


def plan_rules(
    as_of: date, calendar: WorkdayCalendar, lag: LagThresholds, plan_id: int | None = None
) -> dict[int, PlanRules]:
    """Every plan's rules (or one plan's) as of ``as_of``, by plan id, in id order: one
    query."""
    query = sa.select(
        Plan.id,
        Plan.first_year,
        Plan.last_year,
        Plan.cadence,
        Plan.report_due_workdays,
        Plan.overdue_grace_workdays,
    ).order_by(Plan.id)
    if plan_id is not None:
        query = query.where(Plan.id == plan_id)
    found: dict[int, PlanRules] = {}
    calendar_key = calendar.fingerprint()
    for pid, first, last, cadence, due_workdays, grace in db.session.execute(query):
        start, end = date(first, 1, 1), date(last, 12, 31)
        settings = LagSettings(
            missed_grace_workdays=lag.missed_grace_workdays,
            overdue_grace_workdays=grace,
            due_soon_workdays=lag.due_soon_workdays,
        )
        found[pid] = PlanRules(
            id=pid,
            start=start,
            end=end,
            settings=settings,
            periods=_periods(start, min(as_of, end), Cadence(cadence), calendar, due_workdays),
            key=f"{first}-{last}:{cadence}:{due_workdays}:{settings}:{calendar_key}",
        )
    return found


def _periods(
    start: date, last: date, cadence: Cadence, calendar: WorkdayCalendar, due_workdays: int
) -> tuple[tuple[Period, date], ...]:
    return tuple(
        (period, report_due_date(period, calendar, due_workdays))
        for period in periods_between(start, last, cadence)
    )


@dataclass(frozen=True, slots=True)
class ReportRow:
    """The columns of a report the lag rules read (and its last change and version, for
    the fingerprint)."""

    period: str
    period_end: date
    status: ReportStatus
    value: float | None
    submitted_on: date | None
    approved_on: date | None
    updated_at: datetime | None = None
    version: int = 1

    @property
    def received_on(self) -> date | None:
        """The day it reached the office (approval where the plan asks for it), or None."""
        if self.status in _NOT_RECEIVED:
            return None
        return self.approved_on or self.submitted_on


@dataclass(slots=True)
class TaskRow:
    """One task's facts as plain values: its milestones in force (ids beside the specs),
    its reports and its lead units in the table's order."""

    id: int
    plan_id: int
    baseline: float | None
    closed_at: datetime | None
    milestone_ids: list[int] = field(default_factory=list)
    milestones: list[MilestoneSpec] = field(default_factory=list)
    reports: list[ReportRow] = field(default_factory=list)
    lead_unit_ids: list[int] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        """True once the office closed the task (销号)."""
        return self.closed_at is not None

    def fingerprint(self, rules: PlanRules) -> str:
        """This task's :func:`digest` (equal to what :func:`fingerprints` reads in SQL)."""
        reports: tuple[object, ...] = ()
        if self.reports:
            changed = [r.updated_at for r in self.reports if r.updated_at is not None]
            reports = (
                len(self.reports),
                max(changed) if changed else None,
                sum(r.version for r in self.reports),
            )
        milestones: tuple[object, ...] = ()
        if self.milestone_ids:
            bases = sum(m.relative.base_value or 0 for m in self.milestones if m.relative)
            milestones = (len(self.milestone_ids), sum(self.milestone_ids), float(bases))
        return digest(rules.key, self.baseline, self.closed_at, reports, milestones)

    def facts(self, rules: PlanRules) -> TaskFacts:
        """The :class:`TaskFacts` of this task under its plan's ``rules``."""
        submitted: dict[str, date] = {}
        for report in self.reports:
            received = report.received_on
            if received is not None:
                submitted[report.period] = min(received, submitted.get(report.period, received))
        return TaskFacts(
            milestones=self.milestones,
            reports=[
                ReportFact(
                    period_end=r.period_end,
                    value=r.value,
                    accepted=r.status is ReportStatus.ACCEPTED,
                    submitted_on=r.submitted_on,
                )
                for r in self.reports
                if r.status in COUNTED
            ],
            report_dues=rules.dues(self.milestones, submitted),
            plan_start=rules.start,
            baseline=self.baseline,
            closed=self.closed,
        )


def ranges(ids: Iterable[int], size: int, plan_id: int | None = None) -> list[TaskRange]:
    """``ids`` in id order cut into ranges of at most ``size`` tasks each."""
    ordered = sorted(ids)
    return [
        TaskRange(ordered[start], ordered[min(start + size, len(ordered)) - 1], plan_id)
        for start in range(0, len(ordered), size)
    ]


def task_ids(plan_ids: Iterable[int]) -> list[int]:
    """The ids of the tasks of ``plan_ids``, by plan and table order: one query."""
    ids = list(plan_ids)
    if not ids:
        return []
    query = (
        sa.select(Task.id)
        .where(Task.plan_id.in_(ids), Task.archived_at.is_(None))
        .order_by(Task.plan_id, Task.position)
    )
    return list(db.session.scalars(query))


def load_tasks(scope: Scope) -> list[TaskRow]:
    """The facts of the tasks in ``scope``, by plan and table order: four queries."""
    rows = {
        tid: TaskRow(tid, pid, baseline, closed)
        for tid, pid, baseline, closed in db.session.execute(
            sa.select(Task.id, Task.plan_id, Task.baseline_value, Task.closed_at)
            .where(_tasks_in(Task.id, scope))
            .order_by(Task.plan_id, Task.position)
        )
    }
    if not rows:
        return []
    for tid, mid, *spec in db.session.execute(
        sa.select(
            Milestone.task_id,
            Milestone.id,
            _text_of(Milestone.kind),
            Milestone.due,
            Milestone.comparator,
            Milestone.target_value,
            Milestone.target_text,
            Milestone.unit,
            Milestone.start,
            Milestone.upper,
            Milestone.source,
            Milestone.relative_kind,
            Milestone.relative_base_year,
            Milestone.relative_amount,
            Milestone.base_value,
        )
        .where(_tasks_in(Milestone.task_id, scope), Milestone.superseded_at.is_(None))
        .order_by(Milestone.task_id, Milestone.position)
    ):
        kind, due, comparator, value, text, unit, start, upper, source, *relative = spec
        rows[tid].milestone_ids.append(mid)
        rows[tid].milestones.append(
            MilestoneSpec(
                kind=_KINDS[kind],
                due=due,
                comparator=comparator,
                target=value if value is not None else text,
                unit=unit,
                start=start,
                upper=upper,
                source=source,
                relative=Relative.from_columns(*relative),
            )
        )
    reports = db.session.execute(
        sa.select(
            ProgressReport.task_id,
            ProgressReport.period,
            ProgressReport.period_end,
            _text_of(ProgressReport.status),
            ProgressReport.value,
            ProgressReport.submitted_on,
            ProgressReport.approved_on,
            ProgressReport.updated_at,
            ProgressReport.version,
        ).where(_tasks_in(ProgressReport.task_id, scope))
    )
    for tid, period, end, status, value, submitted, approved, changed, version in reports:
        rows[tid].reports.append(
            ReportRow(period, end, _STATUSES[status], value, submitted, approved, changed, version)
        )
    for tid, unit_id in db.session.execute(
        sa.select(TaskUnit.task_id, TaskUnit.unit_id)
        .where(_tasks_in(TaskUnit.task_id, scope), TaskUnit.role == UnitRole.LEAD)
        .order_by(TaskUnit.task_id, TaskUnit.position)
    ):
        rows[tid].lead_unit_ids.append(unit_id)
    return list(rows.values())


def fingerprints(scope: Scope, rules: Mapping[int, PlanRules]) -> dict[int, str]:
    """A digest per task in ``scope`` of what its state depends on besides the day: its
    plan's ``rules`` (reporting rules, thresholds, calendar), closing and baseline, its
    reports (count, last change, versions) and its milestones in force (a correction
    supersedes rows and adds new ones, so their ids change). One query (the tasks joined
    to their grouped reports and milestones)."""
    reports = (
        sa.select(
            ProgressReport.task_id.label("task_id"),
            sa.func.count(ProgressReport.id).label("n"),
            sa.func.max(ProgressReport.updated_at).label("changed"),
            sa.func.sum(ProgressReport.version).label("versions"),
        )
        .where(_tasks_in(ProgressReport.task_id, scope))
        .group_by(ProgressReport.task_id)
        .subquery()
    )
    milestones = (
        sa.select(
            Milestone.task_id.label("task_id"),
            sa.func.count(Milestone.id).label("n"),
            sa.func.sum(Milestone.id).label("ids"),
            sa.func.sum(sa.func.coalesce(Milestone.base_value, 0)).label("bases"),
        )
        .where(_tasks_in(Milestone.task_id, scope), Milestone.superseded_at.is_(None))
        .group_by(Milestone.task_id)
        .subquery()
    )
    query = (
        sa.select(
            Task.id,
            Task.plan_id,
            Task.baseline_value,
            Task.closed_at,
            reports.c.n,
            reports.c.changed,
            reports.c.versions,
            milestones.c.n,
            milestones.c.ids,
            milestones.c.bases,
        )
        .outerjoin(reports, reports.c.task_id == Task.id)
        .outerjoin(milestones, milestones.c.task_id == Task.id)
        .where(_tasks_in(Task.id, scope))
    )
    found: dict[int, str] = {}
    for row in db.session.execute(query):
        tid, pid, baseline, closed, r_n, changed, versions, m_n, m_ids, m_bases = row
        plan = rules.get(pid)
        key = plan.key if plan else "-"
        report_part = (r_n, changed, versions) if r_n else ()
        milestone_part = (m_n, m_ids, float(m_bases or 0)) if m_n else ()
        found[tid] = digest(key, baseline, closed, report_part, milestone_part)
    return found
