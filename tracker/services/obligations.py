"""What a unit owes (本单位应报): every required report of the tasks it leads that is not
accepted yet, with its due date and the working days left (issue 3 §6 "less burden").

Reads only; nothing is flushed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from config.settings import LagThresholds
from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag import LagState, ReportDue, report_state
from tracker.domain.periods import Period, parse_period
from tracker.domain.policy import UnitRole
from tracker.extensions import db
from tracker.models import ProgressReport, ReportStatus, Task, TaskUnit, Unit
from tracker.services.calendar import load_calendar
from tracker.services.errors import ServiceError
from tracker.services.reports import IN_REVIEW
from tracker.services.scan import lag_settings, report_dues

#: Shown when a period has no report at all yet.
NOT_STARTED = "未填报"


@dataclass(frozen=True, slots=True)
class Obligation:
    """One report a unit owes: ``task`` and ``period``, due on ``due`` (working days after
    the period ends, per the plan's rule), ``workdays_left`` working days from the day
    after today up to the due date (0 on the due date, negative once overdue: -1 the
    working day after), the period's current report (None when nothing was written) and
    ``flag``: :data:`LagState.OVERDUE`, :data:`LagState.DUE_SOON` or None (not near, or
    waiting for review)."""

    task: Task
    period: Period
    due: date
    workdays_left: int
    report: ProgressReport | None
    flag: LagState | None

    @property
    def status_label(self) -> str:
        """ "未填报", or the current report's status in Chinese (草稿, 待审核, 已退回 …)."""
        return NOT_STARTED if self.report is None else self.report.status_label

    @property
    def days_left_text(self) -> str:
        """ "剩3个工作日", "今天截止" or "已逾期2个工作日"."""
        if self.workdays_left > 0:
            return f"剩{self.workdays_left}个工作日"
        if self.workdays_left == 0:
            return "今天截止"
        return f"已逾期{-self.workdays_left}个工作日"

    @property
    def overdue(self) -> bool:
        """True when the report is past its due date (plus the plan's grace)."""
        return self.flag is LagState.OVERDUE

    @property
    def due_soon(self) -> bool:
        """True when the report is due within the due-soon window and not yet submitted."""
        return self.flag is LagState.DUE_SOON

    @property
    def in_review(self) -> bool:
        """True when the report is with the unit's approver or the office."""
        return self.report is not None and self.report.status in IN_REVIEW


def owed_reports(unit: Unit, today: date, *, lag: LagThresholds) -> list[Obligation]:
    """Every report ``unit`` owes as of ``today``: for each open task it leads, each period
    up to the current one whose report is required (see :func:`scan.report_dues`) and not
    accepted, flagged under the thresholds ``lag``. Sorted by due date, then plan and task
    order."""
    calendar = load_calendar()
    tasks = _led_tasks(unit.id)
    ids = [task.id for task in tasks]
    accepted, reports = _accepted_periods(ids), _open_reports(ids)
    dues: dict[object, list[ReportDue]] = {}
    owed = [
        obligation
        for task in tasks
        for obligation in _task_obligations(
            task,
            accepted.get(task.id, set()),
            reports.get(task.id, []),
            _dues(task, today, calendar, dues),
            (today, calendar, lag),
        )
    ]
    return sorted(owed, key=lambda o: (o.due, o.task.plan_id, o.task.position))


def owed_for_period(
    unit: Unit, period_code: str, today: date, *, lag: LagThresholds
) -> list[Obligation]:
    """The obligations of :func:`owed_reports` for one period ("2020Q3"), in task order.

    Raises :class:`ServiceError` (field "period") when the code is not a period code.
    """
    code = checked_period(period_code).code
    owed = [o for o in owed_reports(unit, today, lag=lag) if o.period.code == code]
    return sorted(owed, key=lambda o: (o.task.plan_id, o.task.position))


def checked_period(code: str) -> Period:
    """The period of ``code``; raises :class:`ServiceError` (field "period") if invalid."""
    try:
        return parse_period(code)
    except ValueError as error:
        raise ServiceError(str(error), field="period") from error


def owed_periods(obligations: Sequence[Obligation]) -> list[Period]:
    """The distinct periods of ``obligations``, latest first."""
    periods = {o.period.code: o.period for o in obligations}
    return sorted(periods.values(), key=lambda p: (p.end, p.code), reverse=True)


def default_period(obligations: Sequence[Obligation], today: date) -> Period | None:
    """The period the template offers first: the latest owed period that has ended by
    ``today`` (the one usually being reported), else the latest owed one, else None."""
    periods = owed_periods(obligations)
    ended = [period for period in periods if period.end < today]
    chosen = ended or periods
    return chosen[0] if chosen else None


def workdays_left(due: date, today: date, calendar: WorkdayCalendar) -> int:
    """Working days in ``(today, due]``; when ``due`` has passed, minus the working days in
    ``(due, today]``. Example: due 2020-10-14, today 2020-10-09 → 4 (Oct 10 is a 调休
    workday, Oct 12–14); today 2020-10-16 → -2."""
    if due >= today:
        return calendar.workdays_between(today + timedelta(days=1), due)
    return -calendar.workdays_between(due + timedelta(days=1), today)


def _led_tasks(unit_id: int) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task)
            .join(TaskUnit, TaskUnit.task_id == Task.id)
            .where(
                TaskUnit.unit_id == unit_id,
                TaskUnit.role == UnitRole.LEAD,
                Task.closed_at.is_(None),
                Task.archived_at.is_(None),
            )
            .order_by(Task.plan_id, Task.position)
            # joined, not selectin: one query however many tasks (selectin: one per 500)
            .options(joinedload(Task.milestones), joinedload(Task.plan))
        ).unique()
    )


def _accepted_periods(task_ids: list[int]) -> dict[int, set[str]]:
    """The periods of each task with an accepted report: plain rows (most of a unit's
    reports are accepted, and none of them is shown)."""
    grouped: dict[int, set[str]] = defaultdict(set)
    if not task_ids:
        return grouped
    query = sa.select(ProgressReport.task_id, ProgressReport.period).where(
        ProgressReport.task_id.in_(task_ids), ProgressReport.status == ReportStatus.ACCEPTED
    )
    for task_id, period in db.session.execute(query):
        grouped[task_id].add(period)
    return grouped


def _open_reports(task_ids: list[int]) -> dict[int, list[ProgressReport]]:
    """The reports of each task that are not accepted (drafts, waiting, returned,
    superseded): the current one of a period not accepted is among them."""
    grouped: dict[int, list[ProgressReport]] = defaultdict(list)
    if not task_ids:
        return grouped
    query = sa.select(ProgressReport).where(
        ProgressReport.task_id.in_(task_ids), ProgressReport.status != ReportStatus.ACCEPTED
    )
    for report in db.session.scalars(query):
        grouped[report.task_id].append(report)
    return grouped


def _current_by_period(reports: Sequence[ProgressReport]) -> dict[str, ProgressReport]:
    """The highest revision of each period's report."""
    current: dict[str, ProgressReport] = {}
    for report in reports:
        if report.period not in current or report.revision > current[report.period].revision:
            current[report.period] = report
    return current


def _dues(
    task: Task, today: date, calendar: WorkdayCalendar, memo: dict[object, list[ReportDue]]
) -> list[ReportDue]:
    """The reports ``task`` owes by ``today`` (:func:`report_dues` without their days of
    receipt, which are not shown here), worked out once for the tasks of a plan whose
    milestones have the same kinds and dates (all that the dues depend on)."""
    key = (task.plan_id, tuple((m.kind, m.due) for m in task.milestones))
    found = memo.get(key)
    if found is None:
        found = memo[key] = report_dues(task, [], today, calendar)
    return found


def _task_obligations(
    task: Task,
    accepted: set[str],
    reports: Sequence[ProgressReport],
    dues: Sequence[ReportDue],
    when: tuple[date, WorkdayCalendar, LagThresholds],
) -> list[Obligation]:
    """The task's obligations: each of ``dues`` whose period is not in ``accepted``, with
    the current one of ``reports`` (those not accepted), flagged as of ``when`` (today,
    the calendar, the thresholds)."""
    today, calendar, lag = when
    current = _current_by_period(reports)
    settings = lag_settings(task.plan, lag)
    owed = []
    for due in dues:
        if due.period.code in accepted:
            continue
        report = current.get(due.period.code)
        waiting = report is not None and report.status in IN_REVIEW
        unsent = ReportDue(due.period, due.due, None)
        flag = None if waiting else report_state(unsent, today, calendar, settings)
        owed.append(
            Obligation(
                task=task,
                period=due.period,
                due=due.due,
                workdays_left=workdays_left(due.due, today, calendar),
                report=report,
                flag=flag,
            )
        )
    return owed
