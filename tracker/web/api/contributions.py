"""Contributions (配合确认) of ``/api/v1``: a cooperating unit reads, confirms or disputes
the request addressed to its own unit."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from tracker.clock import today
from tracker.domain.policy import Action
from tracker.extensions import db
from tracker.models import Contribution
from tracker.services import contributions as contribution_service
from tracker.web.api import bp, schemas
from tracker.web.api.auth import api_user, require_api
from tracker.web.api.errors import ApiError
from tracker.web.api.reports import contribution_json


def _own_contribution(contribution_id: int) -> Contribution:
    """The request, if the user's unit cooperates on its task and it is addressed to
    that unit (as on the web). Raises 404 / 403."""
    item = contribution_service.get_contribution(contribution_id)
    require_api(Action.CONFIRM_CONTRIBUTION, item.report.task)
    if item.unit_id != api_user().unit_id:
        raise ApiError(403, "这份配合确认不是发给本单位的")
    return item


def _json(item: Contribution) -> dict[str, Any]:
    return {**contribution_json(item), "report_id": item.report_id, "task_id": item.report.task_id}


@bp.get("/contributions/<int:contribution_id>")
def get_contribution(contribution_id: int) -> Response:
    """The request with ``report_id`` and ``task_id``. 404; 403 unless it is the user's
    unit's own."""
    return jsonify(_json(_own_contribution(contribution_id)))


@bp.post("/contributions/<int:contribution_id>/confirm")
def confirm(contribution_id: int) -> tuple[Response, int]:
    """Confirm the unit's part: ``{"text"?}``. 409 once the report is accepted."""
    return _answer(contribution_id, confirm=True)


@bp.post("/contributions/<int:contribution_id>/dispute")
def dispute(contribution_id: int) -> tuple[Response, int]:
    """Dispute it: ``{"reason", "text"?}``. 422 (field "reason") without a reason; 409
    once the report is accepted."""
    return _answer(contribution_id, confirm=False)


def _answer(contribution_id: int, *, confirm: bool) -> tuple[Response, int]:
    item = _own_contribution(contribution_id)
    body = schemas.answer(schemas.json_body(optional=True), dispute=not confirm)
    contribution_service.answer_contribution(
        item, api_user(), confirm, body.text, body.reason, today()
    )
    db.session.commit()
    return jsonify(_json(item)), 200
