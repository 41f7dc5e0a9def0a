"""Contributions (配合确认) of ``/api/v1``: a cooperating unit reads, confirms or disputes
the request addressed to its own unit (:func:`tracker.web.api.auth.own_contribution`)."""

from __future__ import annotations

from tracker.clock import today
from tracker.models import Contribution
from tracker.services import contributions as contribution_service
from tracker.web.api import bp
from tracker.web.api.auth import addressed, api_user, own_contribution
from tracker.web.api.responses import ContributionDetail
from tracker.web.api.schemas import Confirm, Dispute
from tracker.web.api.spec import answers, spec

_BODY_ERRORS = (400, 403, 404, 409, 413, 415, 422)


@bp.get("/contributions/<int:contribution_id>")
@addressed("contribution", own_contribution)
@spec.validate(resp=answers(ContributionDetail, 403, 404))
def get_contribution(contribution: Contribution) -> ContributionDetail:
    """本单位的配合确认请求

    With ``report_id`` and ``task_id``. 404; 403 unless it is the user's unit's own."""
    return ContributionDetail.of(contribution)


@bp.post("/contributions/<int:contribution_id>/confirm")
@addressed("contribution", own_contribution)
@spec.validate(resp=answers(ContributionDetail, *_BODY_ERRORS))
def confirm(contribution: Contribution, json: Confirm) -> ContributionDetail:
    """确认配合情况

    The body may be left out. 409 once the report is accepted."""
    contribution_service.answer_contribution(contribution, api_user(), True, json.text, "", today())
    return ContributionDetail.of(contribution)


@bp.post("/contributions/<int:contribution_id>/dispute")
@addressed("contribution", own_contribution)
@spec.validate(resp=answers(ContributionDetail, *_BODY_ERRORS))
def dispute(contribution: Contribution, json: Dispute) -> ContributionDetail:
    """提出异议（须写理由）

    422 (field "reason") without a reason; 409 once the report is accepted."""
    contribution_service.answer_contribution(
        contribution, api_user(), False, json.text, json.reason, today()
    )
    return ContributionDetail.of(contribution)
