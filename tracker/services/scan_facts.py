"""The lag scan's facts, loaded set-based (issue 14 §1, issue 18 §1).

A chunk of tasks costs a fixed number of queries whatever its size — the tasks, their
milestones in force, their reports and their lead units, each one ``SELECT`` of plain
columns read through the session's Core connection (tuples: no ORM rows, no lazy loads) —
and a plan's report due dates are worked out once (:class:`PlanRules`), not per task. Each
report becomes the domain's :class:`~tracker.domain.lag.ReportFact` as it is read, and the
day each period's report reached the office is kept beside it, so building a task's
:class:`~tracker.domain.lag.TaskFacts` copies nothing. What each task's state depends on is
digested by the database (:mod:`tracker.services.scan_heads`).

Reads only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm

from config.settings import LagThresholds
from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag import LagSettings, ReportDue, ReportFact, TaskFacts
from tracker.domain.milestones import NUMERIC_KINDS, MilestoneKind, MilestoneSpec, Relative
from tracker.domain.periods import Cadence, Period, periods_between, report_due_date
from tracker.domain.policy import UnitRole
from tracker.extensions import db
from tracker.models import Milestone, Plan, ProgressReport, ReportStatus, Task, TaskUnit
from tracker.services.bulk import among

#: Reports whose values the lag rules see (a superseded revision gave way to its correction).
COUNTED = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.RETURNED})

#: The same, as the stored texts a query reads.
_COUNTED_TEXT = frozenset(status.value for status in COUNTED)

#: Reports that have not reached the office yet: they do not answer a required report.
NOT_RECEIVED_TEXT = frozenset({ReportStatus.DRAFT.value, ReportStatus.PENDING_APPROVAL.value})

_ACCEPTED = ReportStatus.ACCEPTED.value


@dataclass(frozen=True, slots=True)
class TaskRange:
    """The tasks whose ids are in ``[lo, hi]`` (of the plan ``plan_id`` only, when set):
    a chunk named by two bounds, not by a thousand ids."""

    lo: int
    hi: int
    plan_id: int | None = None


#: Which tasks a query covers: a few task ids, every task of one plan (its id), or a range.
Scope = Sequence[int] | int | TaskRange

_KINDS = {kind.value: kind for kind in MilestoneKind}
#: The kinds that ask for periodic reports: the numeric ones and ``ongoing``.
REPORTING_KINDS = NUMERIC_KINDS | {MilestoneKind.ONGOING}


def tasks_in(column: sa.orm.InstrumentedAttribute[int], scope: Scope) -> sa.ColumnElement[bool]:
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
    return among(column, scope)


def text_of(column: sa.orm.InstrumentedAttribute[Any]) -> sa.ColumnElement[str]:
    """``column`` read as its stored text (an enum's value), mapped back by a dict."""
    return sa.type_coerce(column, sa.String)


def rows_of(query: sa.Executable) -> list[tuple[Any, ...]]:
    """``query``'s rows as plain tuples through the session's connection (no ORM layer).

    On PostgreSQL they are the driver's own tuples (psycopg returns dates, numbers and
    texts as Python values already, so SQLAlchemy has nothing to convert and building its
    rows would cost five times the fetch); elsewhere SQLAlchemy's rows (SQLite stores dates
    as text, which SQLAlchemy converts)."""
    result = db.session.connection().execute(query)
    if result.dialect.name != "postgresql" or not result.returns_rows:
        return result.all()  # type: ignore[return-value]
    rows = list(result.cursor.fetchall())
    result.close()
    return rows


@dataclass(frozen=True, slots=True)
class PlanRules:
    """What a plan's tasks share in an assessment as of a day: the plan's period and
    reporting rules, the thresholds in working days, the periods up to ``min(as_of, end)``
    with their report due dates (worked out once per plan), and ``salt``, the part of each
    task's fingerprint that the app-wide thresholds and the calendar give (the same for
    every plan; the database digests it with the plan's rules and the task's facts,
    :mod:`tracker.services.scan_heads`)."""

    id: int
    start: date
    end: date
    settings: LagSettings
    periods: tuple[tuple[Period, date], ...]
    salt: str

    def dues(
        self, milestones: Sequence[MilestoneSpec], submitted: Mapping[str, date]
    ) -> list[ReportDue]:
        """The reports a task with ``milestones`` owes (as
        :func:`tracker.domain.lag.required_report_dues` over the plan's period), each with
        the day it reached the office from ``submitted`` (period code → day)."""
        last = None
        for m in milestones:
            if m.kind in REPORTING_KINDS and (last is None or m.due > last):
                last = m.due
        if last is None:
            return []
        get = submitted.get
        return [
            ReportDue(period, due, get(period.code))
            for period, due in self.periods
            if period.start <= last
        ]


def salt_of(rules: Mapping[int, PlanRules]) -> str:
    """The :attr:`PlanRules.salt` every plan of ``rules`` shares ("" for no plan)."""
    return next(iter(rules.values())).salt if rules else ""


def plan_rules(
    as_of: date, calendar: WorkdayCalendar, lag: LagThresholds, plan_id: int | None = None
) -> dict[int, PlanRules]:
    """Every plan's rules (or one plan's) as of ``as_of``, by plan id, in id order: one
    query; the periods and due dates worked out once per shape of plan (years, cadence,
    due rule), which a province's districts share."""
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
    salt = f"{lag.missed_grace_workdays}:{lag.due_soon_workdays}:{calendar.fingerprint()}"
    shared: dict[tuple[int, int, str, int], tuple[tuple[Period, date], ...]] = {}
    for pid, first, last, cadence, due_workdays, grace in rows_of(query):
        start, end = date(first, 1, 1), date(last, 12, 31)
        shape = (first, last, cadence, due_workdays)  # plans alike share their periods
        if shape not in shared:
            shared[shape] = _periods(
                start, min(as_of, end), Cadence(cadence), calendar, due_workdays
            )
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
            periods=shared[shape],
            salt=salt,
        )
    return found


def _periods(
    start: date, last: date, cadence: Cadence, calendar: WorkdayCalendar, due_workdays: int
) -> tuple[tuple[Period, date], ...]:
    return tuple(
        (period, report_due_date(period, calendar, due_workdays))
        for period in periods_between(start, last, cadence)
    )


@dataclass(slots=True)
class TaskRow:
    """One task's facts as plain values: its milestones in force (ids beside the specs),
    the reports the lag rules count (as the domain's facts), the day each period's report
    reached the office (period code → day: its first submission, or the unit's approval
    where the plan asks for one) and its lead units in the table's order."""

    id: int
    plan_id: int
    baseline: float | None
    closed_at: datetime | None
    milestone_ids: list[int] = field(default_factory=list)
    milestones: list[MilestoneSpec] = field(default_factory=list)
    reports: list[ReportFact] = field(default_factory=list)
    submitted: dict[str, date] = field(default_factory=dict)
    lead_unit_ids: list[int] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        """True once the office closed the task (销号)."""
        return self.closed_at is not None

    def facts(self, rules: PlanRules) -> TaskFacts:
        """The :class:`TaskFacts` of this task under its plan's ``rules``."""
        return TaskFacts(
            self.milestones,
            self.reports,
            rules.dues(self.milestones, self.submitted),
            rules.start,
            self.baseline,
            self.closed_at is not None,
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
    return [tid for (tid,) in rows_of(query)]


def load_tasks(scope: Scope) -> list[TaskRow]:
    """The facts of the tasks in ``scope``, by plan and table order: four queries."""
    rows = {
        tid: TaskRow(tid, pid, baseline, closed)
        for tid, pid, baseline, closed in rows_of(
            sa.select(Task.id, Task.plan_id, Task.baseline_value, Task.closed_at)
            .where(tasks_in(Task.id, scope))
            .order_by(Task.plan_id, Task.position)
        )
    }
    if not rows:
        return []
    _add_milestones(rows, scope)
    _add_reports(rows, scope)
    for tid, unit_id in rows_of(
        sa.select(TaskUnit.task_id, TaskUnit.unit_id)
        .where(tasks_in(TaskUnit.task_id, scope), TaskUnit.role == UnitRole.LEAD)
        .order_by(TaskUnit.task_id, TaskUnit.position)
    ):
        rows[tid].lead_unit_ids.append(unit_id)
    return list(rows.values())


def _add_milestones(rows: Mapping[int, TaskRow], scope: Scope) -> None:
    query = (
        sa.select(
            Milestone.task_id,
            Milestone.id,
            text_of(Milestone.kind),
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
        .where(tasks_in(Milestone.task_id, scope), Milestone.superseded_at.is_(None))
        .order_by(Milestone.task_id, Milestone.position)
    )
    for tid, mid, kind, due, comparator, value, text, unit, start, upper, source, *rel in rows_of(
        query
    ):
        row = rows[tid]
        row.milestone_ids.append(mid)
        row.milestones.append(
            MilestoneSpec(
                _KINDS[kind],
                due,
                comparator,
                value if value is not None else text,
                unit,
                start,
                upper,
                source,
                None if rel[0] is None else Relative.from_columns(*rel),
            )
        )


def _add_reports(rows: Mapping[int, TaskRow], scope: Scope) -> None:
    """Each report counted as a :class:`ReportFact`, and the first day each period's report
    reached the office (its approval where the plan asks for one, else its submission)."""
    query = sa.select(
        ProgressReport.task_id,
        ProgressReport.period,
        ProgressReport.period_end,
        text_of(ProgressReport.status),
        ProgressReport.value,
        ProgressReport.submitted_on,
        ProgressReport.approved_on,
    ).where(tasks_in(ProgressReport.task_id, scope))
    counted, not_received = _COUNTED_TEXT, NOT_RECEIVED_TEXT
    for tid, period, end, status, value, submitted_on, approved_on in rows_of(query):
        row = rows[tid]
        if status in counted:
            row.reports.append(ReportFact(end, value, status == _ACCEPTED, submitted_on))
        if status in not_received:
            continue
        received = approved_on or submitted_on
        if received is not None:
            known = row.submitted.get(period)
            if known is None or received < known:
                row.submitted[period] = received
