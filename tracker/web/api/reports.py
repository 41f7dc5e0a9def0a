"""Progress reports of ``/api/v1``: a lead unit drafts, edits and submits; the unit's
approver and the office decide; every step through :mod:`tracker.services.reports`.

The request's unit of work commits each step (:class:`tracker.unit_of_work.TrackerFlask`).
"""

from __future__ import annotations

from dataclasses import replace

from flask import url_for

from tracker.clock import today
from tracker.domain.periods import parse_period
from tracker.domain.policy import Action
from tracker.models import ProgressReport, Task
from tracker.services import reports as report_service
from tracker.services.reports import EditConflict, ReportInput
from tracker.unit_of_work import attempt
from tracker.web.api import bp
from tracker.web.api.auth import addressed, api_user, report_for, report_to_review, task_for
from tracker.web.api.errors import ApiError, conflict_details
from tracker.web.api.responses import Report
from tracker.web.api.schemas import Decision, NewReport, ReportPatch, Submit
from tracker.web.api.spec import answers, spec

#: A new report's answer: the report and where it lives.
Created = tuple[Report, int, dict[str, str]]

_BODY_ERRORS = (400, 403, 404, 409, 413, 415, 422)


def _created(report: ProgressReport) -> Created:
    location = url_for("api.get_report", report_id=report.id)
    return Report.of(report), 201, {"Location": location}


@bp.post("/tasks/<int:task_id>/reports")
@addressed("task", task_for(Action.REPORT))
@spec.validate(resp=answers(Report, *_BODY_ERRORS, status=201, description="已创建"))
def create_report(task: Task, json: NewReport) -> Created:
    """牵头单位新建草稿

    A draft for ``period``. 403 unless the user's unit leads the task; 409 when the
    period already has a report (with ``report_id`` and both contents) or is locked;
    422 a period outside the plan or a bad value."""
    user = api_user()
    unit = user.unit
    if unit is None:  # the policy lets only unit users report; never true here
        raise ApiError(403)
    texts = json.texts()
    data = ReportInput(
        json.period, json.value, texts["progress"], texts["problems"], texts["next_steps"]
    )
    outcome = attempt(lambda: report_service.save_draft(task, unit, user, data, today(), 0))
    if isinstance(outcome.error, EditConflict):
        raise _period_taken(task, json.period, outcome.error)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.value is not None
    return _created(outcome.value)


def _period_taken(task: Task, period: str, error: EditConflict) -> ApiError:
    """The 409 for a second draft of a period: which report to PATCH instead."""
    existing = report_service.find_report(task.id, parse_period(period).code)
    report_id = existing.id if existing else None
    message = f"该期间已有填报（编号 {report_id}），请用 PATCH /api/v1/reports/{report_id} 修改"
    return ApiError(409, message, error.field, **conflict_details(error), report_id=report_id)


@bp.get("/reports/<int:report_id>")
@addressed("report", report_for(Action.VIEW_TASK))
@spec.validate(resp=answers(Report, 403, 404))
def get_report(report: ProgressReport) -> Report:
    """一份填报

    The report with its contributions; another unit's draft only as 草稿中
    (``content_hidden``). 404; 403 unless the user may view its task."""
    return Report.for_viewer(report, api_user())


@bp.patch("/reports/<int:report_id>")
@addressed("report", report_for(Action.REPORT, current=True))
@spec.validate(resp=answers(Report, *_BODY_ERRORS))
def patch_report(report: ProgressReport, json: ReportPatch) -> Report:
    """修改草稿或被退回的填报（变为草稿）

    Only the fields given change, as "save draft" on the web. 409 when the report is in
    review, accepted or not the current revision, or when ``version`` is stale (with
    ``theirs``, ``mine``, ``version``); 422 a bad value."""
    data = replace(ReportInput.of(report), **json.changes())
    report_service.save_draft(
        report.task, report.unit, api_user(), data, today(), expected_version=json.version
    )
    return Report.of(report)


@bp.post("/reports/<int:report_id>/submit")
@addressed("report", report_for(Action.REPORT, current=True))
@spec.validate(resp=answers(Report, *_BODY_ERRORS))
def submit_report(report: ProgressReport, json: Submit) -> Report:
    """提交填报

    To the unit's approver where the plan asks, else to the office; the cooperating
    units are asked to confirm. The body may be left out unless leaders' instructions
    are open. 409 wrong status; 422 no value, no progress or an unanswered instruction
    (with field)."""
    report_service.submit(report, api_user(), today(), json.instruction_answers)
    return Report.of(report)


@bp.post("/reports/<int:report_id>/review")
@addressed("report", report_to_review)
@spec.validate(resp=answers(Report, *_BODY_ERRORS))
def review_report(report: ProgressReport, json: Decision) -> Report:
    """改革办审核：通过或退回（退回须写理由）

    403 for everyone but the office (before 404, as on the web); 409 not awaiting
    review; 422 a return without a reason."""
    report_service.review_report(report, api_user(), json.accept, json.reason, today())
    return Report.of(report)


@bp.post("/reports/<int:report_id>/approve")
@addressed("report", report_for(Action.APPROVE_REPORT))
@spec.validate(resp=answers(Report, *_BODY_ERRORS))
def approve_report(report: ProgressReport, json: Decision) -> Report:
    """本单位审批人审批：报送或退回

    For plans with unit approval. 403 unless the approver of a lead unit; 409 not
    pending approval."""
    report_service.approve(report, api_user(), json.accept, json.reason, today())
    return Report.of(report)


@bp.post("/reports/<int:report_id>/correct")
@addressed("report", report_for(Action.REPORT))
@spec.validate(resp=answers(Report, 403, 404, 409, status=201, description="已创建更正稿"))
def correct_report(report: ProgressReport) -> Created:
    """更正已审核的填报（新建草稿版次）

    409 unless it is the accepted current revision."""
    return _created(report_service.start_correction(report, api_user()))
