"""Tasks of ``/api/v1``: the ledger as JSON, one task, its reports and its history."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.lag import LagState
from tracker.domain.policy import Action
from tracker.extensions import db
from tracker.models import AuditEntry, Unit
from tracker.services import plans
from tracker.services import reports as report_service
from tracker.services import tasks as task_service
from tracker.services.audit import changes, history_of_task
from tracker.services.ledger import LedgerFilter, build_ledger
from tracker.services.scan import TaskStatus, assess_one
from tracker.services.units import UnitDirectory
from tracker.web.api import bp
from tracker.web.api.auth import MAX_ID, api_allowed, api_user, require_api
from tracker.web.api.errors import ApiError
from tracker.web.api.reports import report_json


def task_json(status: TaskStatus) -> dict[str, Any]:
    """``plan show --json``'s task plus ``{"state", "expected", "actual", "plan_id"}``."""
    return {
        **plans.task_to_json(status.task),
        **status.to_json(),
        "plan_id": status.task.plan_id,
    }


@bp.get("/tasks")
def list_tasks() -> Response:
    """``{"as_of", "tasks": [task…]}``: every plan's tasks (or ``?plan=<id>``'s), filtered
    by ``?unit=<id or name>`` and ``?state=<lag state>``. A unit user sees only tasks
    its unit leads or cooperates on, as on the ledger page. 404 unknown plan, 422 bad
    filter (with field)."""
    require_api(Action.VIEW_LEDGER)
    user = api_user()
    filters = LedgerFilter(
        unit_id=_unit_filter(request.args.get("unit")),
        state=_state_filter(request.args.get("state")),
        visible_unit_id=None if api_allowed(Action.VIEW_ALL_TASKS) else user.unit_id or -1,
    )
    day = today()
    statuses = [
        status
        for plan_id in _plan_ids(request.args.get("plan"))
        for status in build_ledger(plan_id, day, filters, lag=app_settings.current().lag).statuses
    ]
    return jsonify({"as_of": day.isoformat(), "tasks": [task_json(s) for s in statuses]})


def _plan_ids(raw: str | None) -> list[int]:
    if raw is None or raw == "":
        return [plan.id for plan in plans.list_plans()]
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise ApiError(422, "参数 plan 应为方案编号", field="plan")
    return [int(raw)]


def _unit_filter(raw: str | None) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    if raw.isdigit():
        unit = db.session.get(Unit, int(raw)) if int(raw) <= MAX_ID else None
    else:
        unit = UnitDirectory().find(raw)
    if unit is None:
        raise ApiError(422, f"没有编号或名称为「{raw}」的单位", field="unit")
    return unit.id


def _state_filter(raw: str | None) -> LagState | None:
    if raw is None or raw == "":
        return None
    try:
        return LagState(raw)
    except ValueError as error:
        states = "、".join(state.value for state in LagState)
        raise ApiError(422, f"参数 state 应为 {states} 之一", field="state") from error


@bp.get("/tasks/<int:task_id>")
def get_task(task_id: int) -> Response:
    """One task as in :func:`task_json`, assessed as of today. 404, 403."""
    task = task_service.get_task(task_id)
    require_api(Action.VIEW_TASK, task)
    return jsonify(task_json(assess_one(task, today(), lag=app_settings.current().lag)))


@bp.get("/tasks/<int:task_id>/reports")
def task_reports(task_id: int) -> Response:
    """``{"task_id", "reports": [report…]}``, every revision, latest period first."""
    task = task_service.get_task(task_id)
    require_api(Action.VIEW_TASK, task)
    items = report_service.reports_of_task(task.id)
    return jsonify({"task_id": task.id, "reports": [report_json(r) for r in items]})


@bp.get("/tasks/<int:task_id>/history")
def task_history(task_id: int) -> Response:
    """``{"task_id", "entries": [{"at", "user", "entity", "entity_id", "action",
    "summary", "changes": [{"field", "before", "after"}]}]}``, oldest first."""
    task = task_service.get_task(task_id)
    require_api(Action.VIEW_TASK, task)
    entries = [_entry_json(entry) for entry in history_of_task(task.id)]
    return jsonify({"task_id": task.id, "entries": entries})


def _entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "user": entry.user.username if entry.user else None,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "action": entry.action,
        "summary": entry.summary,
        "changes": [
            {"field": field, "before": before, "after": after}
            for field, before, after in changes(entry)
        ],
    }
