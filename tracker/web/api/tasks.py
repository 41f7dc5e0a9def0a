"""Tasks of ``/api/v1``: the ledger as JSON, one task, its reports and its history."""

from __future__ import annotations

from datetime import date

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.policy import Action, Role
from tracker.extensions import db
from tracker.models import Task, Unit
from tracker.models._types import MAX_ID
from tracker.services import reports as report_service
from tracker.services.history import task_history as task_history_rows
from tracker.services.ledger import LedgerFilter, build_ledger
from tracker.services.ledger_across import every_plan_page
from tracker.services.scan import assess_one
from tracker.services.units import UnitDirectory
from tracker.web.api import bp
from tracker.web.api.auth import addressed, api_allowed, api_user, require_api, task_for
from tracker.web.api.errors import ApiError
from tracker.web.api.responses import History, HistoryEntry, Report, ReportList, TaskList
from tracker.web.api.responses import Task as TaskOut
from tracker.web.api.schemas import TaskFilters
from tracker.web.api.spec import answers, spec
from tracker.web.tasks.page_helpers import ACTION_LABELS, FIELD_LABELS

#: Tasks per page of ``GET /tasks``.
PER_PAGE = 50


@bp.get("/tasks")
@spec.validate(resp=answers(TaskList, 403, 404, 422))
def list_tasks(query: TaskFilters) -> TaskList:
    """任务台账（单位用户只看到本单位牵头或配合的任务）

    Every plan's tasks (or ``plan``'s), filtered by ``unit`` (id or name) and ``state``,
    assessed as of today. 404 unknown plan, 422 bad filter (with field)."""
    require_api(Action.VIEW_LEDGER)
    filters = LedgerFilter(
        unit_id=_unit_id(query.unit),
        state=query.state,
        visible_unit_id=None if api_allowed(Action.VIEW_ALL_TASKS) else api_user().unit_id or -1,
    )
    day, lag = today(), app_settings.current().lag
    if query.plan:  # one plan: one page of its ledger, read in SQL
        ledger = build_ledger(
            query.plan, day, filters, lag=lag, page=query.page, page_size=PER_PAGE
        )
        tasks = [TaskOut.of(status) for status in ledger.statuses]
        return TaskList(
            as_of=day, tasks=tasks, page=ledger.page, pages=ledger.pages, total=ledger.matching
        )
    return _every_plan(day, filters, query.page)


def _every_plan(day: date, filters: LedgerFilter, page: int) -> TaskList:
    """Page ``page`` of every plan's ledger put end to end, newest plan first: only the
    plans the page overlaps build their ledger."""
    found = every_plan_page(day, filters, page, lag=app_settings.current().lag, per_page=PER_PAGE)
    return TaskList(
        as_of=day,
        tasks=[TaskOut.of(status) for status in found.statuses],
        page=found.page,
        pages=found.pages,
        total=found.total,
    )


def _unit_id(raw: str | None) -> int | None:
    """The unit a filter names by id (ASCII digits) or by name; 422 when none has it."""
    if raw is None:
        return None
    if raw.isascii() and raw.isdigit():
        unit = db.session.get(Unit, int(raw)) if int(raw) <= MAX_ID else None
    else:
        unit = UnitDirectory().find(raw)
    if unit is None:
        raise ApiError(422, f"没有编号或名称为「{raw}」的单位", field="unit")
    return unit.id


@bp.get("/tasks/<int:task_id>")
@addressed("task", task_for(Action.VIEW_TASK))
@spec.validate(resp=answers(TaskOut, 403, 404))
def get_task(task: Task) -> TaskOut:
    """一项任务及其序时进度

    The task with its lag assessment as of today. 404, 403."""
    return TaskOut.of(assess_one(task, today(), lag=app_settings.current().lag))


@bp.get("/tasks/<int:task_id>/reports")
@addressed("task", task_for(Action.VIEW_TASK))
@spec.validate(resp=answers(ReportList, 403, 404))
def task_reports(task: Task) -> ReportList:
    """任务的全部填报（含各版次）

    Every revision, latest period first. 404, 403."""
    items = report_service.reports_of_task(task.id)
    user = api_user()
    return ReportList(task_id=task.id, reports=[Report.for_viewer(item, user) for item in items])


@bp.get("/tasks/<int:task_id>/history")
@addressed("task", task_for(Action.VIEW_TASK))
@spec.validate(resp=answers(History, 403, 404))
def task_history(task: Task) -> History:
    """任务的操作记录（由旧到新）

    Who did what to the task and its reports, with the fields each step changed. 404,
    403."""
    user = api_user()
    zone = app_settings.current().clock.zone
    raw = user.role is Role.ADMIN
    entries = [
        HistoryEntry.readable(row, FIELD_LABELS, ACTION_LABELS, raw=raw)
        for row in reversed(task_history_rows(task.id, user, zone))
    ]
    return History(task_id=task.id, entries=entries)
