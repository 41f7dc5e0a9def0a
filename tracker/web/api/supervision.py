"""Supervision routes of ``/api/v1`` (issue 15), under the pages' policy
(:func:`tracker.domain.supervision.may`): the office creates rounds and problems, verifies
and closes; a unit reads and rectifies only its own; leaders and assessors read."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.supervision import SupervisionAction as A
from tracker.domain.supervision import may
from tracker.models import Debriefing, Inspection, Problem, Task
from tracker.services import tasks as task_service
from tracker.services.inspections import closing, debriefings, problems, rounds
from tracker.web.api import bp
from tracker.web.api.auth import View, addressed, api_actor, api_user
from tracker.web.api.errors import ApiError
from tracker.web.api.spec import answers, spec
from tracker.web.api.supervision_schemas import (
    ClosedTask,
    Closing,
    DebriefingList,
    DebriefingOut,
    DebriefingText,
    Finding,
    InspectionDetail,
    InspectionList,
    InspectionOut,
    NewInspection,
    NewProblem,
    ProblemFilters,
    ProblemList,
    ProblemOut,
    Rectification,
    Reopening,
    Scores,
    SelfCheckOut,
    SelfCheckText,
    Verification,
)

_WRITE = (400, 403, 404, 409, 413, 415, 422)


def _require(action: A, unit_id: int | None = None) -> None:
    if not may(api_actor(), action, unit_id):
        raise ApiError(403)


def _sees_all() -> bool:
    return may(api_actor(), A.VIEW_ALL)


def _own_unit() -> int:
    return api_user().unit_id or -1


def guarded(action: A) -> Callable[[View], View]:
    """Decorate a view (outside ``spec.validate``) so the policy refuses (403) before the
    body is validated, as on the web."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(**kwargs: Any) -> Any:
            _require(action)
            return view(**kwargs)

        return checked

    return decorate


def readable_problem(problem_id: int) -> Problem:
    """A problem the user may read (404, then 403 unless overseer or its unit)."""
    _require(A.VIEW)
    problem = problems.get_problem(problem_id)
    if not _sees_all() and problem.unit_id != api_user().unit_id:
        raise ApiError(403, "这个问题不属于本单位")
    return problem


def readable_inspection(inspection_id: int) -> Inspection:
    """A round the user may read (404, then 403 unless overseer or inspected)."""
    _require(A.VIEW)
    inspection = rounds.get_inspection(inspection_id)
    if not _sees_all() and not rounds.inspects(inspection, api_user().unit_id):
        raise ApiError(403, "这次督查不涉及本单位")
    return inspection


def managed_task(task_id: int) -> Task:
    """A task for the office to close or reopen (404, then 403)."""
    task = task_service.get_task(task_id)
    _require(A.MANAGE)
    return task


@bp.get("/problems")
@spec.validate(resp=answers(ProblemList, 403, 422))
def list_problems(query: ProblemFilters) -> ProblemList:
    """问题清单（单位用户只看到本单位的问题）

    Filtered by ``unit``, ``status`` and ``overdue``, oldest due first."""
    _require(A.VIEW)
    filters = problems.ProblemFilter(
        unit_id=query.unit if _sees_all() else _own_unit(),
        status=query.status.value if query.status else None,
        overdue=query.overdue,
    )
    day = today()
    shown = problems.list_problems(filters, day)
    return ProblemList(
        as_of=day,
        counts=problems.counts_by_status(shown, day),
        problems=[ProblemOut.of(problem, day) for problem in shown],
    )


@bp.post("/problems")
@guarded(A.MANAGE)
@spec.validate(resp=answers(ProblemOut, *_WRITE, status=201, description="已登记"))
def create_problem(json: NewProblem) -> tuple[ProblemOut, int]:
    """登记问题（改革办）

    Due ``deadline_workdays`` working days after ``found_on``. 422 names the field."""
    _require(A.MANAGE)
    data = problems.ProblemInput(**json.model_dump(mode="python"))
    problem = problems.create_problem(data, api_user())
    return ProblemOut.of(problem, today()), 201


@bp.get("/problems/<int:problem_id>")
@addressed("problem", readable_problem)
@spec.validate(resp=answers(ProblemOut, 403, 404))
def get_problem(problem: Problem) -> ProblemOut:
    """一个问题"""
    return ProblemOut.of(problem, today())


@bp.post("/problems/<int:problem_id>/rectify")
@addressed("problem", readable_problem)
@spec.validate(resp=answers(ProblemOut, *_WRITE))
def rectify(problem: Problem, json: Rectification) -> ProblemOut:
    """提交整改情况（本单位）

    409 once closed."""
    _require(A.RECTIFY, problem.unit_id)
    problems.rectify(problem, api_user(), json.rectification, today())
    return ProblemOut.of(problem, today())


@bp.post("/problems/<int:problem_id>/verify")
@addressed("problem", readable_problem)
@spec.validate(resp=answers(ProblemOut, *_WRITE))
def verify(problem: Problem, json: Verification) -> ProblemOut:
    """核验整改情况：销号或退回（改革办）

    ``return`` needs ``note`` (the reason; 422 field "reason"); 409 when the status
    forbids the step."""
    _require(A.MANAGE)
    if json.decision == "close":
        problems.close(problem, api_user(), json.note, today())
    else:
        problems.return_problem(problem, api_user(), json.note)
    return ProblemOut.of(problem, today())


@bp.post("/problems/<int:problem_id>/close")
@addressed("problem", readable_problem)
@spec.validate(resp=answers(ProblemOut, *_WRITE))
def close_problem(problem: Problem, json: Closing) -> ProblemOut:
    """销号（改革办）

    A problem not rectified needs a ``note`` (422 field "verification"); 409 if closed."""
    _require(A.MANAGE)
    problems.close(problem, api_user(), json.note, today())
    return ProblemOut.of(problem, today())


@bp.get("/inspections")
@spec.validate(resp=answers(InspectionList, 403))
def list_inspections() -> InspectionList:
    """督查列表（单位用户只看到督查本单位的）"""
    _require(A.VIEW)
    shown = rounds.list_inspections(None if _sees_all() else _own_unit())
    return InspectionList(inspections=[InspectionOut.of(item) for item in shown])


@bp.post("/inspections")
@guarded(A.MANAGE)
@spec.validate(resp=answers(InspectionOut, *_WRITE, status=201, description="已新建"))
def create_inspection(json: NewInspection) -> tuple[InspectionOut, int]:
    """新建督查（改革办）"""
    _require(A.MANAGE)
    data = rounds.InspectionInput(**json.model_dump(mode="python"))
    return InspectionOut.of(rounds.create_inspection(data, api_user())), 201


@bp.get("/inspections/<int:inspection_id>")
@addressed("inspection", readable_inspection)
@spec.validate(resp=answers(InspectionDetail, 403, 404))
def get_inspection(inspection: Inspection) -> InspectionDetail:
    """一次督查：自查情况与发现的问题（单位用户只看到本单位的）"""
    units = [u.id for u in inspection.units if _sees_all() or u.id == api_user().unit_id]
    checks = [
        SelfCheckOut(unit_id=unit_id, item_id=item.id, item=item.text, text=check.text)
        for unit_id in units
        for item in inspection.items
        if (check := rounds.self_checks(inspection, unit_id).get(item.id)) is not None
    ]
    found = rounds.findings_by_unit(inspection)
    day = today()
    return InspectionDetail(
        **InspectionOut.of(inspection).model_dump(),
        self_checks=checks,
        findings=[ProblemOut.of(p, day) for unit_id in units for p in found.get(unit_id, [])],
    )


@bp.post("/inspections/<int:inspection_id>/findings")
@addressed("inspection", readable_inspection)
@spec.validate(resp=answers(ProblemOut, *_WRITE, status=201, description="已记录"))
def record_finding(inspection: Inspection, json: Finding) -> tuple[ProblemOut, int]:
    """记录督查发现的问题（改革办）

    422 (field "unit_id") for a unit the round does not inspect."""
    _require(A.RECORD_FINDINGS)
    data = problems.ProblemInput(
        source="inspection", found_on=min(today(), inspection.ends_on), **json.model_dump()
    )
    return ProblemOut.of(rounds.record_finding(inspection, data, api_user()), today()), 201


@bp.post("/tasks/<int:task_id>/close")
@addressed("task", managed_task)
@spec.validate(resp=answers(ClosedTask, *_WRITE))
def close_task(task: Task, json: Closing) -> ClosedTask:
    """任务销号（改革办）

    409 with the reason unless the final milestone is verified with evidence."""
    lag = app_settings.current().lag
    closing.close_task(task, api_user(), json.note, today(), lag=lag)
    return _closed(task)


@bp.post("/tasks/<int:task_id>/reopen")
@addressed("task", managed_task)
@spec.validate(resp=answers(ClosedTask, *_WRITE))
def reopen_task(task: Task, json: Reopening) -> ClosedTask:
    """重新打开已销号的任务（改革办，须写理由）"""
    closing.reopen_task(task, api_user(), json.reason)
    return _closed(task)


def _closed(task: Task) -> ClosedTask:
    at = task.closed_at.isoformat() if task.closed_at else None
    return ClosedTask(task_id=task.id, closed=task.closed_at is not None, closed_at=at)


@bp.get("/debriefings")
@spec.validate(resp=answers(DebriefingList, 403))
def list_debriefings() -> DebriefingList:
    """述职评议（结果仅改革办、领导、考核组可见）"""
    _require(A.VIEW)
    shown = debriefings.list_debriefings(None if _sees_all() else _own_unit())
    return DebriefingList(debriefings=[_debriefing(round_) for round_ in shown])


def _debriefing(round_: Debriefing) -> DebriefingOut:
    return DebriefingOut.of(round_, debriefings.results(round_) if _sees_all() else [])


def readable_debriefing(debriefing_id: int) -> Debriefing:
    """A round the user may read (404, then 403 unless overseer or taking part)."""
    _require(A.VIEW)
    round_ = debriefings.get_debriefing(debriefing_id)
    if not _sees_all() and not debriefings.takes_part(round_, api_user().unit_id):
        raise ApiError(403, "本单位不参加这次述职评议")
    return round_


@bp.get("/debriefings/<int:debriefing_id>")
@addressed("debriefing", readable_debriefing)
@spec.validate(resp=answers(DebriefingOut, 403, 404))
def get_debriefing(debriefing: Debriefing) -> DebriefingOut:
    """一次述职评议（结果仅改革办、领导、考核组可见）"""
    return _debriefing(debriefing)


@bp.post("/debriefings/<int:debriefing_id>/report")
@addressed("debriefing", readable_debriefing)
@spec.validate(resp=answers(DebriefingOut, *_WRITE))
def hand_in(debriefing: Debriefing, json: DebriefingText) -> DebriefingOut:
    """提交述职报告（参加述职的单位）"""
    unit = api_user().unit
    if unit is None or not may(api_actor(), A.RECTIFY, unit.id):
        raise ApiError(403)
    debriefings.hand_in(debriefing, unit, json.text, api_user())
    return _debriefing(debriefing)


@bp.post("/debriefings/<int:debriefing_id>/units/<int:unit_id>/rate")
@addressed("debriefing", readable_debriefing)
@spec.validate(resp=answers(DebriefingOut, *_WRITE))
def rate(debriefing: Debriefing, unit_id: int, json: Scores) -> DebriefingOut:
    """为一个单位评分（领导、考核组），每项标准一个分数

    422 (field "scores") for a missing or out-of-range score; 404 for a unit not in it."""
    _require(A.RATE)
    unit = next((u for u in debriefing.units if u.id == unit_id), None)
    if unit is None:
        raise ApiError(404, "该单位不参加这次述职评议")
    debriefings.rate(debriefing, unit, api_user(), json.scores)
    return _debriefing(debriefing)


@bp.post("/inspections/<int:inspection_id>/items/<int:item_id>/self-check")
@addressed("inspection", readable_inspection)
@spec.validate(resp=answers(SelfCheckOut, *_WRITE))
def self_check(inspection: Inspection, item_id: int, json: SelfCheckText) -> SelfCheckOut:
    """填写一项自查情况（被督查单位）"""
    unit = api_user().unit
    if unit is None or not may(api_actor(), A.RECTIFY, unit.id):
        raise ApiError(403)
    item = rounds.get_item(inspection, item_id)
    check = rounds.save_self_check(item, unit, json.text, api_user())
    return SelfCheckOut(unit_id=unit.id, item_id=item.id, item=item.text, text=check.text)
