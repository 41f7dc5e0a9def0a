"""Progress reports of lead units: drafts, submission, unit approval, review, corrections.

Lifecycle (issue 3 §3): 草稿 → (待本单位审批 →) 待审核 → 已审核, or 已退回 → resubmitted.
An accepted report is locked; a correction is a new revision, and the accepted one stays
until the correction is accepted, when it becomes 已更正. Every step is in the audit trail.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.domain.milestones import MilestoneKind
from tracker.domain.periods import Period, parse_period, periods_between
from tracker.extensions import db
from tracker.models import ProgressReport, ReportStatus, Task, Unit, User
from tracker.services import audit, instructions
from tracker.services.contributions import request_contributions
from tracker.services.errors import Conflict, NotFound, ServiceError

#: Statuses a lead unit may still edit.
EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
#: Statuses whose report is on its way to, or at, the office.
IN_REVIEW = frozenset({ReportStatus.PENDING_APPROVAL, ReportStatus.SUBMITTED})


@dataclass(frozen=True, slots=True)
class ReportInput:
    """What a lead unit writes for a period: a value in the task's unit (%, 倍, 人, 家, 元)
    or None for tasks without a numeric target, and the three texts of the ledger."""

    period: str
    value: float | None
    progress: str
    problems: str = ""
    next_steps: str = ""
    value_confirmed: bool = False  # the writer confirmed an unusual (negative) value

    @classmethod
    def of(cls, report: ProgressReport) -> ReportInput:
        """The content of a stored report."""
        return cls(report.period, report.value, report.progress, report.problems, report.next_steps)


class EditConflict(Conflict):
    """Someone saved the report after this writer opened it. ``theirs`` is what is stored
    now (with ``version``), ``mine`` what this writer sent; nothing was saved."""

    def __init__(self, message: str, theirs: ReportInput, mine: ReportInput, version: int) -> None:
        super().__init__(message, field="period")
        self.theirs = theirs
        self.mine = mine
        self.version = version


def value_unit(task: Task) -> str | None:
    """The unit a task's reports use: that of its first numeric milestone (growth targets
    are factors, so a growth-only task reports in % )."""
    for milestone in task.milestones:
        if milestone.kind is not MilestoneKind.GROWTH and milestone.has_target:
            return milestone.report_unit
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
        for report in current_reports(task.id)
        if report.status is ReportStatus.ACCEPTED
    }
    return [p for p in reversed(reportable_periods(task, today)) if p.code not in accepted]


def default_period(task: Task, today: date) -> Period | None:
    """The period a report form starts on: the latest open period that has ended by
    ``today`` (the one usually being reported), else the latest open one, else None."""
    periods = open_periods(task, today)
    ended = [period for period in periods if period.end < today]
    chosen = ended or periods
    return chosen[0] if chosen else None


def find_report(task_id: int, period: str) -> ProgressReport | None:
    """The current (highest) revision of a task's report for a period, if any."""
    return db.session.scalar(
        sa.select(ProgressReport)
        .where(ProgressReport.task_id == task_id, ProgressReport.period == period)
        .order_by(ProgressReport.revision.desc())
        .limit(1)
    )


def reports_of_task(task_id: int) -> list[ProgressReport]:
    """All of a task's reports, every revision, latest period and revision first."""
    return list(
        db.session.scalars(
            sa.select(ProgressReport)
            .where(ProgressReport.task_id == task_id)
            .order_by(ProgressReport.period_end.desc(), ProgressReport.revision.desc())
        )
    )


def current_reports(task_id: int) -> list[ProgressReport]:
    """The current revision of each period's report, latest period first."""
    seen: set[str] = set()
    current = []
    for report in reports_of_task(task_id):
        if report.period not in seen:
            seen.add(report.period)
            current.append(report)
    return current


def last_accepted(task_id: int) -> ProgressReport | None:
    """The accepted report of the latest period, the one a new report starts from."""
    return next((r for r in current_reports(task_id) if r.status is ReportStatus.ACCEPTED), None)


def get_report(report_id: int) -> ProgressReport:
    """A report by id; raises :class:`NotFound`."""
    report = db.session.get(ProgressReport, report_id)
    if report is None:
        raise NotFound(f"没有编号为 {report_id} 的填报")
    return report


def save_draft(
    task: Task,
    unit: Unit,
    author: User,
    data: ReportInput,
    today: date,
    expected_version: int | None = None,
) -> ProgressReport:
    """Save the lead unit's report for ``data.period`` as a draft (incomplete is fine).

    ``expected_version`` is the version the writer started from (0 for a new report;
    None skips the check). Raises :class:`ServiceError` (field "period" or "value") for a
    period outside the plan or a bad value, :class:`EditConflict` when someone saved in
    between (with both texts), :class:`Conflict` when the report is accepted or in review.
    """
    report = _writable_report(task, unit, data, today, expected_version, allow_in_review=False)
    before = audit.snapshot(report) if report.id else None
    _write(report, author, data, task)
    report.status = ReportStatus.DRAFT
    audit.record("save_draft", report, user=author, task_id=task.id, before=before)
    return report


def submit_report(
    task: Task,
    unit: Unit,
    author: User,
    data: ReportInput,
    today: date,
    expected_version: int | None = None,
    answers: Mapping[int, str] | None = None,
) -> ProgressReport:
    """Save ``data`` and submit it in one step (a report awaiting review is replaced by
    the new text). ``answers`` answer leaders' open instructions ``{instruction id: text}``.
    Raises as :func:`save_draft` and :func:`submit`."""
    report = _writable_report(task, unit, data, today, expected_version, allow_in_review=True)
    before = audit.snapshot(report) if report.id else None
    _write(report, author, data, task)
    if report.status in IN_REVIEW:
        _check_complete(report)
        report.submitted_on = today
        audit.record("resubmit", report, user=author, task_id=task.id, before=before)
        instructions.answer_instructions(report, answers or {}, author)
        return report
    audit.record("save_draft", report, user=author, task_id=task.id, before=before)
    return submit(report, author, today, answers)


def submit(
    report: ProgressReport,
    user: User,
    today: date,
    answers: Mapping[int, str] | None = None,
) -> ProgressReport:
    """Send a draft or returned report on: to the unit's approver where the plan asks for
    unit approval, else to the office; then ask each cooperating unit for its part. The
    report must answer every open leader's instruction (``answers``: id → text).

    Raises :class:`Conflict` unless the report is a draft or returned, and
    :class:`ServiceError` when it lacks a value (numeric tasks), 进展情况 or an answer to
    an open instruction (field "instructions").
    """
    if report.status not in EDITABLE:
        raise Conflict(f"这份填报的状态是「{report.status_label}」，不能提交")
    _check_complete(report)
    instructions.require_answers(report.task, answers or {})
    instructions.answer_instructions(report, answers or {}, user)
    before = audit.snapshot(report)
    report.status = (
        ReportStatus.PENDING_APPROVAL if report.task.plan.unit_approval else ReportStatus.SUBMITTED
    )
    report.submitted_on = today
    report.return_reason = ""
    audit.record("submit", report, user=user, task_id=report.task_id, before=before)
    request_contributions(report, user, today)
    return report


def approve(
    report: ProgressReport, approver: User, accept: bool, reason: str, today: date
) -> ProgressReport:
    """The unit's approver passes a report on to the office, or returns it to the writer
    with a reason. Raises :class:`Conflict` unless it awaits the unit's approval and
    :class:`ServiceError` (field "reason") for a return without a reason."""
    if report.status is not ReportStatus.PENDING_APPROVAL:
        raise Conflict(f"这份填报的状态是「{report.status_label}」，不需要本单位审批")
    if not accept and not reason.strip():
        raise ServiceError("退回时请写明理由", field="reason")
    before = audit.snapshot(report)
    report.status = ReportStatus.SUBMITTED if accept else ReportStatus.RETURNED
    report.return_reason = "" if accept else reason.strip()
    report.approver_id = approver.id
    report.approved_on = today if accept else None
    audit.record(
        "unit_approve" if accept else "unit_return",
        report,
        user=approver,
        task_id=report.task_id,
        before=before,
    )
    return report


def review_report(
    report: ProgressReport, reviewer: User, accept: bool, reason: str, today: date
) -> ProgressReport:
    """The office accepts a submitted report, or returns it with a reason. Accepting a
    correction marks the revision it corrects 已更正.

    Raises :class:`Conflict` unless the report awaits review, :class:`ServiceError`
    (field "reason") when a return has no reason.
    """
    if report.status is not ReportStatus.SUBMITTED:
        raise Conflict(f"这份填报的状态是「{report.status_label}」，不能审核")
    if not accept and not reason.strip():
        raise ServiceError("退回时请写明理由", field="reason")
    before = audit.snapshot(report)
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.return_reason = "" if accept else reason.strip()
    report.reviewer_id = reviewer.id
    report.reviewed_on = today
    audit.record(
        "accept" if accept else "return",
        report,
        user=reviewer,
        task_id=report.task_id,
        before=before,
        summary=report.return_reason,
    )
    if accept:
        _supersede_earlier(report, reviewer)
    return report


def start_correction(report: ProgressReport, user: User) -> ProgressReport:
    """A new draft revision of an accepted report, starting from its content. The
    accepted revision stays in force until the correction is accepted.

    Raises :class:`Conflict` unless ``report`` is the accepted current revision, or when
    a correction is already under way.
    """
    current = find_report(report.task_id, report.period)
    if current is not report or report.status is not ReportStatus.ACCEPTED:
        raise Conflict("只有已审核的最新填报可以更正")
    correction = ProgressReport(
        task_id=report.task_id,
        unit_id=report.unit_id,
        period=report.period,
        period_end=report.period_end,
        revision=report.revision + 1,
        status=ReportStatus.DRAFT,
        value=report.value,
        value_unit=report.value_unit,
        progress=report.progress,
        problems=report.problems,
        next_steps=report.next_steps,
        author_id=user.id,
    )
    db.session.add(correction)
    audit.record(
        "start_correction",
        correction,
        user=user,
        task_id=report.task_id,
        summary=f"更正第{report.revision}版",
    )
    return correction


def _supersede_earlier(report: ProgressReport, user: User) -> None:
    earlier = db.session.scalars(
        sa.select(ProgressReport).where(
            ProgressReport.task_id == report.task_id,
            ProgressReport.period == report.period,
            ProgressReport.revision < report.revision,
            ProgressReport.status == ReportStatus.ACCEPTED,
        )
    )
    for old in earlier:
        before = audit.snapshot(old)
        old.status = ReportStatus.SUPERSEDED
        audit.record("supersede", old, user=user, task_id=old.task_id, before=before)


def _writable_report(
    task: Task,
    unit: Unit,
    data: ReportInput,
    today: date,
    expected_version: int | None,
    *,
    allow_in_review: bool,
) -> ProgressReport:
    period = _checked_period(task, data.period, today)
    _check_value(data.value, data.value_confirmed)
    report = find_report(task.id, period.code)
    if report is not None and report.status is ReportStatus.ACCEPTED:
        raise Conflict(
            f"{period.label}的填报已审核通过，不能再修改；如需更正，请在任务页点击「更正」",
            field="period",
        )
    if report is not None and report.status is ReportStatus.SUPERSEDED:
        raise Conflict(f"{period.label}的这份填报已被更正版取代", field="period")
    if report is not None and report.status in IN_REVIEW and not allow_in_review:
        raise Conflict(f"{period.label}的填报已提交，正在审核中，不能存为草稿", field="period")
    if expected_version is not None and (report.version if report else 0) != expected_version:
        if report is None:  # a form opened on another period's report, or a forged version
            raise Conflict(f"{period.label}还没有填报，请重新打开填报表单", field="period")
        raise EditConflict(
            f"{period.label}的填报已被他人于您打开表单后保存。下面是双方的内容，"
            "请核对合并后再保存。",
            theirs=ReportInput.of(report),
            mine=data,
            version=report.version,
        )
    if report is None:
        report = ProgressReport(task=task, unit=unit, period=period.code, period_end=period.end)
        db.session.add(report)
    return report


def _write(report: ProgressReport, author: User, data: ReportInput, task: Task) -> None:
    report.value = data.value
    report.value_unit = value_unit(task)
    report.progress = data.progress.strip()
    report.problems = data.problems.strip()
    report.next_steps = data.next_steps.strip()
    report.author_id = author.id


def _check_value(value: float | None, confirmed: bool) -> None:
    if value is not None and not math.isfinite(value):
        raise ServiceError("完成值应为有限的数字", field="value")
    if value is not None and value < 0 and not confirmed:
        raise ServiceError("完成值是负数，请核对；确属下降请在表单中确认后再提交", field="value")


def _check_complete(report: ProgressReport) -> None:
    if value_unit(report.task) is not None and report.value is None:
        raise ServiceError("请填写完成值", field="value")
    if not report.progress.strip():
        raise ServiceError("请填写进展情况", field="progress")


def _checked_period(task: Task, code: str, today: date) -> Period:
    try:
        period = parse_period(code)
    except ValueError as error:
        raise ServiceError(str(error), field="period") from error
    allowed = {p.code for p in reportable_periods(task, today)}
    if period.code not in allowed:
        raise ServiceError(f"{period.label}不在可填报的期间内", field="period")
    return period
