"""Progress reports of ``/api/v1``: a lead unit drafts, edits and submits; the unit's
approver and the office decide; every step through :mod:`tracker.services.reports`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask import Response, jsonify, url_for

from tracker.clock import today
from tracker.domain.periods import parse_period
from tracker.domain.policy import Action
from tracker.extensions import db
from tracker.models import Contribution, ProgressReport
from tracker.services import reports as report_service
from tracker.services import tasks as task_service
from tracker.services.errors import Conflict
from tracker.services.reports import EditConflict, ReportInput
from tracker.web.api import bp, schemas
from tracker.web.api.auth import api_user, require_api
from tracker.web.api.errors import ApiError, edit_conflict_response


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _period_label(code: str) -> str:
    try:
        return parse_period(code).label
    except ValueError:
        return code


def contribution_json(item: Contribution) -> dict[str, Any]:
    """``{"id", "unit", "status", "text", "reason", "due_on", "answered_on"}``."""
    return {
        "id": item.id,
        "unit": item.unit.name,
        "status": str(item.status),
        "text": item.text,
        "reason": item.reason,
        "due_on": _day(item.due_on),
        "answered_on": _day(item.answered_on),
    }


def report_json(report: ProgressReport) -> dict[str, Any]:
    """The report shape of the API (see the OpenAPI ``Report`` schema)."""
    return {
        "id": report.id,
        "task_id": report.task_id,
        "unit": report.unit.name,
        "period": report.period,
        "period_label": _period_label(report.period),
        "revision": report.revision,
        "status": str(report.status),
        "value": report.value,
        "value_unit": report.value_unit,
        "progress": report.progress,
        "problems": report.problems,
        "next_steps": report.next_steps,
        "submitted_on": _day(report.submitted_on),
        "reviewed_on": _day(report.reviewed_on),
        "return_reason": report.return_reason,
        "version": report.version,
        "contributions": [contribution_json(c) for c in report.contributions],
    }


def _require_current(report: ProgressReport) -> None:
    """Refuse (409) a step on a revision that is no longer its period's current one."""
    if report_service.find_report(report.task_id, report.period) is not report:
        raise Conflict("这不是该期间最新的填报版本，请对最新版本操作", field="period")


def _saved(report: ProgressReport, status: int = 200) -> tuple[Response, int]:
    """Commit, then answer with the report (and its URL for a new one)."""
    db.session.commit()
    response = jsonify(report_json(report))
    if status == 201:
        response.headers["Location"] = url_for("api.get_report", report_id=report.id)
    return response, status


@bp.post("/tasks/<int:task_id>/reports")
def create_report(task_id: int) -> tuple[Response, int]:
    """Create a draft for ``{"period", "value"?, "progress"?, "problems"?,
    "next_steps"?}`` → 201 report. 403 unless the user's unit leads the task; 409 when
    the period already has a report (``report_id``, both texts) or it is locked; 422
    period outside the plan or a bad value."""
    task = task_service.get_task(task_id)
    require_api(Action.REPORT, task)
    body = schemas.new_report(schemas.json_body())
    user = api_user()
    if user.unit is None:  # the policy lets only unit users report; never true here
        raise ApiError(403)
    data = ReportInput(body.period, body.value, body.progress, body.problems, body.next_steps)
    try:
        report = report_service.save_draft(task, user.unit, user, data, today(), 0)
    except EditConflict as error:
        db.session.rollback()
        existing = report_service.find_report(task.id, parse_period(body.period).code)
        report_id = existing.id if existing else None
        message = f"该期间已有填报（编号 {report_id}），请用 PATCH /api/v1/reports/{report_id} 修改"
        return edit_conflict_response(error, message, report_id=report_id)
    return _saved(report, 201)


@bp.get("/reports/<int:report_id>")
def get_report(report_id: int) -> Response:
    """One report with its contributions. 404; 403 unless the user may view its task."""
    report = report_service.get_report(report_id)
    require_api(Action.VIEW_TASK, report.task)
    return jsonify(report_json(report))


@bp.patch("/reports/<int:report_id>")
def patch_report(report_id: int) -> tuple[Response, int]:
    """Edit a draft or returned report (it becomes a draft, as "save draft" on the web):
    ``{"value"?, "progress"?, "problems"?, "next_steps"?, "version"?}``. 409 when the
    report is in review, accepted or not the current revision, or when ``version`` is
    stale (``theirs``, ``mine``, ``version``); 422 bad value."""
    report = report_service.get_report(report_id)
    require_api(Action.REPORT, report.task)
    _require_current(report)
    patch = schemas.report_patch(schemas.json_body())
    data = replace(ReportInput.of(report), **patch.changes)
    user = api_user()
    report_service.save_draft(
        report.task, report.unit, user, data, today(), expected_version=patch.version
    )
    return _saved(report)


@bp.post("/reports/<int:report_id>/submit")
def submit_report(report_id: int) -> tuple[Response, int]:
    """Submit a draft or returned report (to the unit's approver where the plan asks,
    else to the office) and ask the cooperating units. The optional body
    ``{"instruction_answers": {"<id>": "text"}}`` answers leaders' open instructions,
    which a submission must. 409 wrong status; 422 no value, no progress or an
    unanswered instruction (with field)."""
    report = report_service.get_report(report_id)
    require_api(Action.REPORT, report.task)
    _require_current(report)
    answers = schemas.instruction_answers(schemas.json_body(optional=True))
    report_service.submit(report, api_user(), today(), answers)
    return _saved(report)


@bp.post("/reports/<int:report_id>/review")
def review_report(report_id: int) -> tuple[Response, int]:
    """The office accepts or returns a submitted report: ``{"decision": "accept" |
    "return", "reason"?}``. 403 for everyone but the office (before 404, as on the web);
    409 not awaiting review; 422 a return without a reason."""
    require_api(Action.REVIEW_REPORT)
    report = report_service.get_report(report_id)
    choice = schemas.decision(schemas.json_body())
    report_service.review_report(report, api_user(), choice.accept, choice.reason, today())
    return _saved(report)


@bp.post("/reports/<int:report_id>/approve")
def approve_report(report_id: int) -> tuple[Response, int]:
    """The lead unit's approver passes a report on or returns it (plans with unit
    approval): body as review. 403 unless approver of a lead unit; 409 not pending."""
    report = report_service.get_report(report_id)
    require_api(Action.APPROVE_REPORT, report.task)
    choice = schemas.decision(schemas.json_body())
    report_service.approve(report, api_user(), choice.accept, choice.reason, today())
    return _saved(report)


@bp.post("/reports/<int:report_id>/correct")
def correct_report(report_id: int) -> tuple[Response, int]:
    """Start a correction of an accepted report → 201 the new draft revision. 409 unless
    it is the accepted current revision."""
    report = report_service.get_report(report_id)
    require_api(Action.REPORT, report.task)
    correction = report_service.start_correction(report, api_user())
    return _saved(correction, 201)
