"""The problem ledger (问题清单): problems are created by the office (from a round's
findings, a report's review, a 批示 or a public clue), rectified by their unit (整改情况
with evidence), and verified by the office, who closes them (销号) or returns them with a
reason. Every step is audited. Functions here flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.domain import supervision
from tracker.extensions import db
from tracker.models import Indicator, Inspection, Problem, Task, Unit, User
from tracker.models.inspection import ProblemSource, ProblemStatus
from tracker.services import audit
from tracker.services.calendar import load_calendar
from tracker.services.errors import Conflict, NotFound, ServiceError

TEXT_MAX = 4000
#: The longest deadline a problem may be given, in working days (about two years).
MAX_DEADLINE_WORKDAYS = 500


@dataclass(frozen=True, slots=True)
class ProblemInput:
    """What the office writes for a new problem."""

    unit_id: int
    source: str
    description: str
    found_on: date
    deadline_workdays: int
    category: str = ""
    requirement: str = ""
    responsible: str = ""
    task_id: int | None = None
    indicator_id: int | None = None
    inspection_id: int | None = None


@dataclass(frozen=True, slots=True)
class ProblemFilter:
    """The ledger's filters: a unit, a status, only overdue ones (as of ``today``)."""

    unit_id: int | None = None
    status: str | None = None
    overdue: bool = False
    inspection_id: int | None = None


def _text(value: str, field: str, label: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ServiceError(f"请填写{label}。", field)
    if len(text) > TEXT_MAX:
        raise ServiceError(f"{label}不能超过{TEXT_MAX}字。", field)
    return text


def _row(model: type, row_id: int | None, field: str, label: str) -> object | None:
    if row_id is None:
        return None
    row = db.session.get(model, row_id)
    if row is None:
        raise ServiceError(f"没有编号为{row_id}的{label}。", field)
    return row


def create_problem(data: ProblemInput, user: User | None) -> Problem:
    """Add a problem to the ledger, due ``deadline_workdays`` working days after
    ``found_on`` (the workday calendar), and audit it. Raises ServiceError naming the
    field when a value is missing, unknown or out of range."""
    if _row(Unit, data.unit_id, "unit_id", "单位") is None:
        raise ServiceError("请选择单位。", "unit_id")
    try:
        source = ProblemSource(data.source)
    except ValueError:
        raise ServiceError(
            "问题来源应为督查发现、报告审核、领导批示或群众线索。", "source"
        ) from None
    if not 0 <= data.deadline_workdays <= MAX_DEADLINE_WORKDAYS:
        raise ServiceError(
            f"整改期限应为 0–{MAX_DEADLINE_WORKDAYS} 个工作日。", "deadline_workdays"
        )
    task = _row(Task, data.task_id, "task_id", "任务")
    _row(Indicator, data.indicator_id, "indicator_id", "考核指标")
    _row(Inspection, data.inspection_id, "inspection_id", "督查")
    try:
        due_on = load_calendar().add_workdays(data.found_on, data.deadline_workdays)
    except ValueError:
        raise ServiceError("发现日期之后没有可用的工作日。", "found_on") from None
    problem = Problem(
        unit_id=data.unit_id,
        inspection_id=data.inspection_id,
        source=source,
        category=_text(data.category, "category", "问题类别")[:60],
        description=_text(data.description, "description", "问题描述", required=True),
        requirement=_text(data.requirement, "requirement", "整改要求"),
        found_on=data.found_on,
        deadline_workdays=data.deadline_workdays,
        due_on=due_on,
        responsible=_text(data.responsible, "responsible", "责任人")[:100],
        task_id=data.task_id,
        indicator_id=data.indicator_id,
        status=ProblemStatus.OPEN,
        created_by_id=user.id if user is not None else None,
    )
    db.session.add(problem)
    audit.record(
        "create",
        problem,
        user=user,
        task_id=task.id if isinstance(task, Task) else None,
        summary=f"登记问题：{problem.description[:40]}",
    )
    return problem


def _step(problem: Problem, step: str, user: User, summary: str, **changes: object) -> Problem:
    """Move ``problem`` by ``step`` (refused with Conflict when its status forbids it),
    set ``changes`` and audit it."""
    target = supervision.next_status(problem.status.value, step)
    if target is None:
        raise Conflict(supervision.refusal(problem.status.value, step))
    before = audit.snapshot(problem)
    problem.status = ProblemStatus(target)
    for name, value in changes.items():
        setattr(problem, name, value)
    audit.record(step, problem, user=user, task_id=problem.task_id, before=before, summary=summary)
    return problem


def rectify(problem: Problem, user: User, text: str, today: date) -> Problem:
    """The unit's rectification (整改情况): submitted for the office's verification.
    Raises ServiceError (field "rectification") without text; Conflict once closed."""
    body = _text(text, "rectification", "整改情况", required=True)
    return _step(
        problem,
        "rectify",
        user,
        "提交整改情况",
        rectification=body,
        rectified_on=today,
        rectified_by_id=user.id,
        return_reason="",
    )


def close(problem: Problem, user: User, verification: str, today: date) -> Problem:
    """The office verifies the rectification and closes the problem (销号). A problem not
    yet rectified needs a verification note saying why it is closed all the same."""
    note = _text(verification, "verification", "核验意见")
    if problem.status is not ProblemStatus.SUBMITTED and not note:
        raise ServiceError("该问题尚未提交整改情况；直接销号须写明核验意见。", "verification")
    return _step(
        problem,
        "close",
        user,
        "核验销号",
        verification=note,
        closed_on=today,
        closed_by_id=user.id,
    )


def return_problem(problem: Problem, user: User, reason: str) -> Problem:
    """The office sends the rectification back with a reason (退回); the unit rectifies
    again. Raises ServiceError (field "reason") without one; Conflict unless submitted."""
    why = _text(reason, "reason", "退回理由", required=True)
    return _step(problem, "return", user, f"退回整改：{why[:40]}", return_reason=why)


# ---------------------------------------------------------------- queries


def get_problem(problem_id: int) -> Problem:
    """The problem; NotFound when there is none."""
    problem = db.session.get(Problem, problem_id)
    if problem is None:
        raise NotFound("没有这个问题。")
    return problem


def list_problems(filters: ProblemFilter, today: date) -> list[Problem]:
    """The ledger's problems under ``filters``, oldest due first."""
    query = (
        sa.select(Problem)
        .options(selectinload(Problem.unit), selectinload(Problem.task))
        .order_by(Problem.due_on, Problem.id)
    )
    if filters.unit_id is not None:
        query = query.where(Problem.unit_id == filters.unit_id)
    if filters.inspection_id is not None:
        query = query.where(Problem.inspection_id == filters.inspection_id)
    if filters.status:
        try:
            query = query.where(Problem.status == ProblemStatus(filters.status))
        except ValueError:
            raise ServiceError("没有这个整改状态。", "status") from None
    if filters.overdue:
        query = query.where(
            Problem.due_on < today,
            Problem.status.in_([ProblemStatus.OPEN, ProblemStatus.RETURNED]),
        )
    return list(db.session.scalars(query))


def overdue_problems(today: date) -> list[Problem]:
    """Problems past their due date and not rectified, oldest due first."""
    return list_problems(ProblemFilter(overdue=True), today)


def counts_by_status(problems: list[Problem], today: date) -> dict[str, int]:
    """{"open", "submitted", "returned", "closed", "overdue"} → how many of ``problems``."""
    counts = {status.value: 0 for status in ProblemStatus} | {"overdue": 0}
    for problem in problems:
        counts[problem.status.value] += 1
        counts["overdue"] += problem.is_overdue(today)
    return counts
