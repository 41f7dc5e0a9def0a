"""Inspection rounds (督查): the office sets a round up (kind, units, team, dates, the
items checked); each inspected unit fills its self-check per item (text and evidence)
before the visit; the team records findings per unit, each a problem of the ledger.
Functions here flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import (
    Indicator,
    Inspection,
    InspectionItem,
    Plan,
    Problem,
    SelfCheck,
    Task,
    Unit,
    User,
)
from tracker.models._types import utcnow
from tracker.models.inspection import InspectionKind, ProblemSource
from tracker.services import audit
from tracker.services.errors import NotFound, ServiceError
from tracker.services.inspections.problems import TEXT_MAX, ProblemInput, create_problem

MAX_ITEMS = 100


@dataclass(frozen=True, slots=True)
class InspectionInput:
    """A new round: name, kind, dates, the team (one a line), the units inspected, the
    items checked (one a line of words; tasks and indicators by id), the plan checked."""

    name: str
    kind: str
    starts_on: date
    ends_on: date
    unit_ids: list[int]
    team: str = ""
    items: list[str] = field(default_factory=list)
    task_ids: list[int] = field(default_factory=list)
    indicator_ids: list[int] = field(default_factory=list)
    plan_id: int | None = None


def _units(unit_ids: list[int]) -> list[Unit]:
    units = list(db.session.scalars(sa.select(Unit).where(Unit.id.in_(set(unit_ids)))))
    if not units:
        raise ServiceError("请至少选择一个被督查单位。", "unit_ids")
    if len(units) != len(set(unit_ids)):
        raise ServiceError("所选单位中有不存在的单位。", "unit_ids")
    return units


def create_inspection(data: InspectionInput, user: User | None) -> Inspection:
    """Set up a round and audit it. Raises ServiceError naming the field at fault."""
    name = data.name.strip()
    if not name or len(name) > 200:
        raise ServiceError("请填写督查名称（不超过200字）。", "name")
    try:
        kind = InspectionKind(data.kind)
    except ValueError:
        raise ServiceError("督查方式应为自查、实地督查或专项督查。", "kind") from None
    if data.ends_on < data.starts_on:
        raise ServiceError("结束日期不能早于开始日期。", "ends_on")
    if data.plan_id is not None and db.session.get(Plan, data.plan_id) is None:
        raise ServiceError("没有这个方案。", "plan_id")
    if len(data.team) > TEXT_MAX:
        raise ServiceError(f"督查组成员不能超过{TEXT_MAX}字。", "team")
    inspection = Inspection(
        name=name,
        kind=kind,
        plan_id=data.plan_id,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        team=data.team.strip(),
        created_by_id=user.id if user is not None else None,
    )
    inspection.units = _units(data.unit_ids)
    db.session.add(inspection)
    db.session.flush()
    _add_items(inspection, data)
    audit.record("create", inspection, user=user, task_id=None, summary=f"新建督查“{name}”")
    return inspection


def _add_items(inspection: Inspection, data: InspectionInput) -> None:
    rows: list[InspectionItem] = []
    for task_id in data.task_ids:
        task = db.session.get(Task, task_id)
        if task is None:
            raise ServiceError(f"没有编号为{task_id}的任务。", "task_ids")
        rows.append(InspectionItem(text=task.text, task_id=task.id, position=0))
    for indicator_id in data.indicator_ids:
        indicator = db.session.get(Indicator, indicator_id)
        if indicator is None:
            raise ServiceError(f"没有编号为{indicator_id}的考核指标。", "indicator_ids")
        rows.append(InspectionItem(text=indicator.name, indicator_id=indicator.id, position=0))
    for line in data.items:
        if line.strip():
            rows.append(InspectionItem(text=line.strip()[:TEXT_MAX], position=0))
    if len(rows) > MAX_ITEMS:
        raise ServiceError(f"督查事项不能超过{MAX_ITEMS}项。", "items")
    for position, row in enumerate(rows, start=1):
        row.position = position
        row.inspection_id = inspection.id
        db.session.add(row)
    db.session.flush()
    db.session.refresh(inspection, ["items"])


def get_inspection(inspection_id: int) -> Inspection:
    """The round; NotFound when there is none."""
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound("没有这次督查。")
    return inspection


def list_inspections(unit_id: int | None = None) -> list[Inspection]:
    """Every round, newest first; with ``unit_id``, those that inspect that unit."""
    query = (
        sa.select(Inspection)
        .order_by(Inspection.starts_on.desc(), Inspection.id.desc())
        .options(selectinload(Inspection.units), selectinload(Inspection.items))
    )
    if unit_id is not None:
        query = query.where(Inspection.units.any(Unit.id == unit_id))
    return list(db.session.scalars(query))


def inspects(inspection: Inspection, unit_id: int | None) -> bool:
    """Whether ``unit_id`` is one of the round's units."""
    return any(unit.id == unit_id for unit in inspection.units)


# ---------------------------------------------------------------- self-checks


def get_item(inspection: Inspection, item_id: int) -> InspectionItem:
    """An item of the round; NotFound otherwise."""
    for item in inspection.items:
        if item.id == item_id:
            return item
    raise NotFound("没有这个督查事项。")


def self_checks(inspection: Inspection, unit_id: int) -> dict[int, SelfCheck]:
    """The unit's self-checks of the round, by item id."""
    item_ids = [item.id for item in inspection.items]
    rows = db.session.scalars(
        sa.select(SelfCheck).where(SelfCheck.item_id.in_(item_ids), SelfCheck.unit_id == unit_id)
    )
    return {row.item_id: row for row in rows}


def save_self_check(item: InspectionItem, unit: Unit, text: str, user: User) -> SelfCheck:
    """Write (or rewrite) the unit's self-check of ``item`` and audit it. Raises
    ServiceError (field "text") without text or when the unit is not inspected."""
    if not inspects(item.inspection, unit.id):
        raise ServiceError(f"{unit.name}不是这次督查的被督查单位。", "text")
    body = text.strip()
    if not body or len(body) > TEXT_MAX:
        raise ServiceError(f"请填写自查情况（不超过{TEXT_MAX}字）。", "text")
    check = db.session.scalar(
        sa.select(SelfCheck).where(SelfCheck.item_id == item.id, SelfCheck.unit_id == unit.id)
    )
    before = audit.snapshot(check) if check is not None else None
    if check is None:
        check = SelfCheck(item_id=item.id, unit_id=unit.id)
        db.session.add(check)
    check.text = body
    check.author_id = user.id
    check.updated_at = utcnow()
    audit.record("self_check", check, user=user, task_id=item.task_id, before=before)
    return check


# ---------------------------------------------------------------- findings


def record_finding(inspection: Inspection, data: ProblemInput, user: User | None) -> Problem:
    """A finding of the team about one of the round's units: a problem of the ledger
    with the round as its source. Raises ServiceError (field "unit_id") for a unit the
    round does not inspect, and as :func:`create_problem` does."""
    if not inspects(inspection, data.unit_id):
        raise ServiceError("该单位不是这次督查的被督查单位。", "unit_id")
    finding = ProblemInput(
        **{
            **{name: getattr(data, name) for name in ProblemInput.__dataclass_fields__},
            "inspection_id": inspection.id,
            "source": ProblemSource.INSPECTION.value,
        }
    )
    return create_problem(finding, user)


def findings_by_unit(inspection: Inspection) -> dict[int, list[Problem]]:
    """The round's problems, by unit id."""
    rows = db.session.scalars(
        sa.select(Problem).where(Problem.inspection_id == inspection.id).order_by(Problem.id)
    )
    found: dict[int, list[Problem]] = {}
    for row in rows:
        found.setdefault(row.unit_id, []).append(row)
    return found


def all_units() -> list[Unit]:
    """Every unit, by name (for the pages' choices)."""
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.name)))


def tasks_for_choice(plan_id: int | None) -> list[Task]:
    """The tasks of ``plan_id`` (every plan's when None), in the table's order."""
    query = sa.select(Task).order_by(Task.plan_id, Task.position)
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    return list(db.session.scalars(query))


def first_plan_id() -> int | None:
    """The first plan's id, the default plan of a new round (None without plans)."""
    return db.session.scalar(sa.select(Plan.id).order_by(Plan.id).limit(1))
