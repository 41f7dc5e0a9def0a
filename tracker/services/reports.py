"""Progress reports of lead units, their review, and cooperating units' contributions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.domain.milestones import MilestoneKind
from tracker.domain.periods import Period, parse_period, periods_between
from tracker.extensions import db
from tracker.models import (
    Contribution,
    ContributionStatus,
    ProgressReport,
    ReportStatus,
    Task,
    Unit,
    User,
)
from tracker.services.errors import Conflict, NotFound, ServiceError


@dataclass(frozen=True, slots=True)
class ReportInput:
    """What a lead unit writes for a period: a value in the task's unit (%, 倍, 人, 家, 元)
    or None for tasks without a numeric target, and the three texts of the ledger."""

    period: str
    value: float | None
    progress: str
    problems: str = ""
    next_steps: str = ""


def value_unit(task: Task) -> str | None:
    """The unit a task's reports use: that of its first numeric milestone (growth targets
    are factors, so a growth-only task reports in % )."""
    for milestone in task.milestones:
        if milestone.kind is not MilestoneKind.GROWTH and milestone.target_value is not None:
            return milestone.unit
    return "%" if any(m.kind is MilestoneKind.GROWTH for m in task.milestones) else None


def is_cumulative(task: Task) -> bool:
    """True when the task's value is a running total (it has a cumulative target)."""
    return any(milestone.kind is MilestoneKind.CUMULATIVE for milestone in task.milestones)


def reportable_periods(task: Task, today: date) -> list[Period]:
    """Periods a report may be written for: from the plan's start to the current one."""
    plan = task.plan
    last = min(today, plan.end)
    if last < plan.start:
        return []
    return periods_between(plan.start, last, plan.cadence)


def open_periods(task: Task, today: date) -> list[Period]:
    """Reportable periods whose report is not accepted yet (accepted ones are locked),
    latest first."""
    accepted = {
        report.period
        for report in reports_of_task(task.id)
        if report.status is ReportStatus.ACCEPTED
    }
    return [p for p in reversed(reportable_periods(task, today)) if p.code not in accepted]


def default_period(task: Task, today: date) -> Period | None:
    """The period a report form starts on: the latest open period that has ended by
    ``today`` (the one usually being reported), else the latest open one, else None."""
    periods = open_periods(task, today)
    ended = [period for period in periods if period.end < today]
    return (ended or periods or [None])[0]


def submit_report(
    task: Task,
    unit: Unit,
    author: User,
    data: ReportInput,
    today: date,
    expected_version: int | None = None,
) -> ProgressReport:
    """Save and submit the lead unit's report for ``data.period``, and ask each cooperating
    unit to confirm its part.

    A report that was returned or is awaiting review is replaced by the new text; an
    accepted report is locked. ``expected_version`` is the version the writer started
    from (0 for a new report; None skips the check): if someone saved in between, the
    save is refused.
    Raises :class:`ServiceError` (field "period" or "value") for a period outside the plan
    or a missing, infinite or negative value; :class:`Conflict` when locked or stale.
    """
    period = _checked_period(task, data.period, today)
    if value_unit(task) is not None and data.value is None:
        raise ServiceError("请填写完成值", field="value")
    if data.value is not None and not math.isfinite(data.value):
        raise ServiceError("完成值应为有限的数字", field="value")
    if data.value is not None and data.value < 0:
        raise ServiceError("完成值不能为负数", field="value")
    report = find_report(task.id, period.code)
    if report is not None and report.status is ReportStatus.ACCEPTED:
        raise Conflict(f"{period.label}的填报已审核通过，不能再修改", field="period")
    if expected_version is not None and (report.version if report else 0) != expected_version:
        raise Conflict(
            f"{period.label}的填报已被他人于您打开表单后修改，请刷新后核对再提交", field="period"
        )
    if report is None:
        report = ProgressReport(task=task, unit=unit, period=period.code, period_end=period.end)
        db.session.add(report)
    report.unit = unit
    report.value = data.value
    report.value_unit = value_unit(task)
    report.progress = data.progress.strip()
    report.problems = data.problems.strip()
    report.next_steps = data.next_steps.strip()
    report.author_id = author.id
    report.status = ReportStatus.SUBMITTED
    report.submitted_on = today
    report.return_reason = ""
    _request_contributions(report, task, today)
    db.session.flush()
    return report


def _checked_period(task: Task, code: str, today: date) -> Period:
    try:
        period = parse_period(code)
    except ValueError as error:
        raise ServiceError(str(error), field="period") from error
    allowed = {p.code for p in reportable_periods(task, today)}
    if period.code not in allowed:
        raise ServiceError(f"{period.label}不在可填报的期间内", field="period")
    return period


def _request_contributions(report: ProgressReport, task: Task, today: date) -> None:
    asked = {contribution.unit_id for contribution in report.contributions}
    for unit in task.cooperating_units:
        if unit.id not in asked:
            report.contributions.append(Contribution(unit=unit, requested_on=today))


def find_report(task_id: int, period: str) -> ProgressReport | None:
    """The report of a task for a period, if any."""
    return db.session.scalar(
        sa.select(ProgressReport).where(
            ProgressReport.task_id == task_id, ProgressReport.period == period
        )
    )


def get_report(report_id: int) -> ProgressReport:
    """A report by id; raises :class:`NotFound`."""
    report = db.session.get(ProgressReport, report_id)
    if report is None:
        raise NotFound(f"没有编号为 {report_id} 的填报")
    return report


def reports_of_task(task_id: int) -> list[ProgressReport]:
    """A task's reports, latest period first."""
    return list(
        db.session.scalars(
            sa.select(ProgressReport)
            .where(ProgressReport.task_id == task_id)
            .order_by(ProgressReport.period_end.desc())
        )
    )


def review_report(
    report: ProgressReport, reviewer: User, accept: bool, reason: str, today: date
) -> ProgressReport:
    """The office accepts a submitted report, or returns it with a reason.

    Raises :class:`Conflict` unless the report awaits review, :class:`ServiceError`
    (field "reason") when a return has no reason.
    """
    if report.status is not ReportStatus.SUBMITTED:
        raise Conflict(f"这份填报的状态是「{report.status_label}」，不能审核")
    if not accept and not reason.strip():
        raise ServiceError("退回时请写明理由", field="reason")
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.return_reason = "" if accept else reason.strip()
    report.reviewer_id = reviewer.id
    report.reviewed_on = today
    db.session.flush()
    return report


def get_contribution(contribution_id: int) -> Contribution:
    """A contribution request by id; raises :class:`NotFound`."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound(f"没有编号为 {contribution_id} 的配合确认")
    return contribution


def answer_contribution(
    contribution: Contribution, user: User, confirm: bool, text: str, reason: str, today: date
) -> Contribution:
    """A cooperating unit confirms its part (with a short text) or disputes it (reason
    required). An answer can be changed until the report is accepted.

    Raises :class:`ServiceError` (field "reason") for a dispute without a reason and
    :class:`Conflict` once the report is accepted.
    """
    if contribution.report.status is ReportStatus.ACCEPTED:
        raise Conflict("该填报已审核通过，配合确认已关闭")
    if not confirm and not reason.strip():
        raise ServiceError("有异议时请写明理由", field="reason")
    contribution.status = ContributionStatus.CONFIRMED if confirm else ContributionStatus.DISPUTED
    contribution.text = text.strip()
    contribution.reason = "" if confirm else reason.strip()
    contribution.answered_on = today
    contribution.answered_by_id = user.id
    db.session.flush()
    return contribution


def contributions_of_unit(unit_id: int) -> list[Contribution]:
    """Contribution requests addressed to a unit, open ones first."""
    return list(
        db.session.scalars(
            sa.select(Contribution)
            .where(Contribution.unit_id == unit_id)
            .order_by((Contribution.status != ContributionStatus.REQUESTED), Contribution.id.desc())
        )
    )
