"""Units through the web (issue 11 §3): list, create, edit (name, aliases, kind, parent,
head, leader in charge, active) and merge a duplicate into another unit as its alias.
Functions flush; the caller commits. Every change is audited."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import (
    Alert,
    Contribution,
    ProgressReport,
    ScoreAdjustment,
    SelfAssessment,
    SupervisionNotice,
    TaskUnit,
    Unit,
    UnitAlias,
    User,
)
from tracker.models.assessment import indicator_units
from tracker.services import audit
from tracker.services.errors import Conflict, NotFound, ServiceError
from tracker.services.paging import Page, page_of

#: The kinds of unit, in the order the pages offer them.
KIND_LABELS = {
    "department": "部门",
    "town": "镇街",
    "county": "区县",
    "enterprise": "企业",
    "other": "其他",
}
#: Chinese kind names (as an imported list or ``--kind`` may give them) → kind.
KIND_BY_LABEL = {label: kind for kind, label in KIND_LABELS.items()}
_NAME_LENGTH = 100


def kind_of(text: str) -> str:
    """The kind a text names ("企业", "enterprise"); raises ServiceError for others."""
    value = text.strip()
    if value in KIND_LABELS:
        return value
    if value in KIND_BY_LABEL:
        return KIND_BY_LABEL[value]
    known = "、".join(KIND_LABELS.values())
    raise ServiceError(f"单位类型「{value}」不是{known}之一", field="kind")


@dataclass(slots=True)
class UnitInput:
    """What the unit form (or the API) gives for a unit. ``head_id`` is a unit user of the
    unit who receives its supervision notices (None: nobody); ``leader_id`` a leader."""

    name: str
    kind: str = "other"
    aliases: list[str] = field(default_factory=list)
    parent_id: int | None = None
    head_id: int | None = None
    leader_id: int | None = None
    active: bool = True
    details: dict[str, str] = field(default_factory=dict)


def units_page(kind: str | None, page: int) -> Page[Unit]:
    """Page ``page`` of :func:`list_units` (50 a page), parents loaded too."""
    return page_of(_units(kind).options(joinedload(Unit.parent)), page)


def _units(kind: str | None) -> sa.Select[Unit]:
    # One query with the aliases joined: selectinload would cost one per 500 units.
    query = sa.select(Unit).options(joinedload(Unit.aliases)).order_by(Unit.name, Unit.id)
    return query.where(Unit.kind == kind) if kind else query


def list_units(kind: str | None = None) -> list[Unit]:
    """Every unit (of one kind when given), by name, aliases loaded."""
    return list(db.session.scalars(_units(kind)).unique())


def get_unit(unit_id: int) -> Unit:
    """The unit; raises NotFound."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"没有编号为 {unit_id} 的单位")
    return unit


def head_of(unit: Unit) -> User | None:
    """The unit's head (the first unit user marked ``is_unit_head``), if any."""
    return db.session.scalar(
        sa.select(User)
        .where(User.unit_id == unit.id, User.is_unit_head.is_(True))
        .order_by(User.id)
        .limit(1)
    )


def members_of(unit: Unit) -> list[User]:
    """The unit's users, by username."""
    return list(
        db.session.scalars(sa.select(User).where(User.unit_id == unit.id).order_by(User.username))
    )


def leaders() -> list[User]:
    """Active users of role leader, by name (those a unit's leader in charge can be)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.LEADER, User.active.is_(True))
            .order_by(User.display_name, User.username)
        )
    )


def details_of(unit: Unit) -> dict[str, str]:
    """The unit's extra columns (地市, 行业 …) as a dict."""
    try:
        found = json.loads(unit.details or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def create_unit(data: UnitInput, user: User | None) -> Unit:
    """Add a unit; refused when its name or an alias is taken (ServiceError on the field)."""
    unit = Unit(name=_clean_name(data.name))
    _check_free(unit.name, None, "name")
    db.session.add(unit)
    _apply(unit, data)
    audit.record("create", unit, user=user, task_id=None, summary=f"新增单位：{unit.name}")
    return unit


def update_unit(unit: Unit, data: UnitInput, user: User | None) -> Unit:
    """Change a unit's name, kind, aliases, parent, head, leader in charge and active flag
    (audited). Refused for a taken name or alias, or a parent that is the unit itself or
    one of its descendants."""
    before = audit.snapshot(unit) | {"aliases": [a.alias for a in unit.aliases]}
    name = _clean_name(data.name)
    if name != unit.name:
        _check_free(name, unit.id, "name")
        unit.name = name
    _apply(unit, data)
    audit.record(
        "update", unit, user=user, task_id=None, before=before, summary=f"修改单位：{name}"
    )
    return unit


def _clean_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise ServiceError("单位名称不能为空", field="name")
    if len(text) > _NAME_LENGTH:
        raise ServiceError(f"单位名称不能超过{_NAME_LENGTH}个字", field="name")
    return text


def _check_free(name: str, own_id: int | None, field_name: str) -> None:
    """Refuse ``name`` when another unit has it as name or alias."""
    other = db.session.scalar(sa.select(Unit.id).where(Unit.name == name))
    alias_of = db.session.scalar(sa.select(UnitAlias.unit_id).where(UnitAlias.alias == name))
    for found in (other, alias_of):
        if found is not None and found != own_id:
            raise ServiceError(f"名称「{name}」已被其他单位使用", field=field_name)


def _apply(unit: Unit, data: UnitInput) -> None:
    unit.kind = kind_of(data.kind)
    unit.active = data.active
    if data.details:
        unit.details = json.dumps(data.details, ensure_ascii=False)
    _set_parent(unit, data.parent_id)
    _set_aliases(unit, data.aliases)
    unit.leader_id = _leader_id(data.leader_id)
    db.session.flush()
    _set_head(unit, data.head_id)


def _set_parent(unit: Unit, parent_id: int | None) -> None:
    if parent_id is None:
        unit.parent = None
        return
    parent = db.session.get(Unit, parent_id)
    if parent is None:
        raise ServiceError("上级单位不存在", field="parent_id")
    node: Unit | None = parent
    while node is not None:
        if node is unit:
            raise ServiceError("上级单位不能是本单位或其下级单位", field="parent_id")
        node = node.parent
    unit.parent = parent


def _set_aliases(unit: Unit, aliases: list[str]) -> None:
    wanted = list(dict.fromkeys(a for a in (" ".join(x.split()) for x in aliases) if a))
    for alias in wanted:
        if alias == unit.name:
            raise ServiceError("别名不能与单位名称相同", field="aliases")
        if len(alias) > _NAME_LENGTH:
            raise ServiceError(f"别名「{alias[:20]}…」过长", field="aliases")
        _check_free(alias, unit.id, "aliases")
    for row in list(unit.aliases):
        if row.alias not in wanted:
            unit.aliases.remove(row)
    have = {row.alias for row in unit.aliases}
    for alias in wanted:
        if alias not in have:
            unit.aliases.append(UnitAlias(alias=alias))


def _leader_id(leader_id: int | None) -> int | None:
    if leader_id is None:
        return None
    leader = db.session.get(User, leader_id)
    if leader is None or leader.role is not Role.LEADER:
        raise ServiceError("分管领导须为“分管领导”角色的用户", field="leader_id")
    return leader.id


def _set_head(unit: Unit, head_id: int | None) -> None:
    """Make ``head_id`` (a user of the unit) its only head; None: nobody."""
    members = members_of(unit)
    if head_id is not None and all(member.id != head_id for member in members):
        raise ServiceError("单位负责人须为本单位的用户", field="head_id")
    for member in members:
        member.is_unit_head = member.id == head_id


# ------------------------------------------------------------------------------ merge


def merge_units(duplicate: Unit, target: Unit, user: User | None) -> Unit:
    """Merge ``duplicate`` into ``target``: its tasks, reports, contributions, notices,
    alerts, users, assessment entries and child units move to ``target``; its name and
    aliases become aliases of ``target``; the duplicate is removed. Audited. Refused when
    both have a contribution on the same report or an entry on the same indicator."""
    if duplicate.id == target.id:
        raise ServiceError("不能把单位合并到它自己", field="target_id")
    _refuse_clashes(duplicate, target)
    before = audit.snapshot(duplicate) | {"aliases": [a.alias for a in duplicate.aliases]}
    names = [duplicate.name, *(a.alias for a in duplicate.aliases)]
    _move_task_links(duplicate, target)
    for model in (ProgressReport, Contribution, SupervisionNotice, Alert, User, SelfAssessment):
        db.session.execute(
            sa.update(model).where(model.unit_id == duplicate.id).values(unit_id=target.id)
        )
    db.session.execute(
        sa.update(ScoreAdjustment)
        .where(ScoreAdjustment.unit_id == duplicate.id)
        .values(unit_id=target.id)
    )
    _move_indicator_links(duplicate, target)
    db.session.execute(
        sa.update(Unit).where(Unit.parent_id == duplicate.id).values(parent_id=target.id)
    )
    if target.parent_id == duplicate.id:
        target.parent_id = duplicate.parent_id
    db.session.expire_all()
    duplicate = get_unit(before["id"])
    for row in list(duplicate.aliases):
        db.session.delete(row)
    db.session.delete(duplicate)
    db.session.flush()
    target = get_unit(target.id)
    for name in names:
        if all(row.alias != name for row in target.aliases) and name != target.name:
            target.aliases.append(UnitAlias(alias=name))
    audit.record(
        "merge",
        target,
        user=user,
        task_id=None,
        before=before,
        summary=f"合并单位：{before['name']} → {target.name}",
    )
    return target


def _refuse_clashes(duplicate: Unit, target: Unit) -> None:
    for model, key, what in (
        (Contribution, Contribution.report_id, "同一填报的配合确认"),
        (SelfAssessment, SelfAssessment.indicator_id, "同一指标的自评"),
    ):
        mine = set(db.session.scalars(sa.select(key).where(model.unit_id == duplicate.id)))
        theirs = set(db.session.scalars(sa.select(key).where(model.unit_id == target.id)))
        if mine & theirs:
            raise Conflict(f"两个单位都有{what}，无法合并", field="target_id")


def _move_task_links(duplicate: Unit, target: Unit) -> None:
    query = sa.select(TaskUnit.task_id, TaskUnit.role).where(TaskUnit.unit_id == target.id)
    taken = {(task_id, role) for task_id, role in db.session.execute(query)}
    for link in db.session.scalars(sa.select(TaskUnit).where(TaskUnit.unit_id == duplicate.id)):
        if (link.task_id, link.role) in taken:
            db.session.delete(link)
        else:
            db.session.execute(
                sa.update(TaskUnit)
                .where(
                    TaskUnit.task_id == link.task_id,
                    TaskUnit.unit_id == duplicate.id,
                    TaskUnit.role == link.role,
                )
                .values(unit_id=target.id)
            )
    db.session.flush()


def _move_indicator_links(duplicate: Unit, target: Unit) -> None:
    table = indicator_units
    have = set(
        db.session.scalars(sa.select(table.c.indicator_id).where(table.c.unit_id == target.id))
    )
    db.session.execute(
        sa.delete(table).where(table.c.unit_id == duplicate.id, table.c.indicator_id.in_(have))
    )
    db.session.execute(
        sa.update(table).where(table.c.unit_id == duplicate.id).values(unit_id=target.id)
    )
