"""Assessed units are real units (issue 11 §5).

An indicator set's 考核对象 / 责任单位 text (``Indicator.units_text``) is resolved to a
plan's units: a unit's name or alias; "各成员单位" (and the like) is every unit of the plan;
a department word such as "人社部门" is each unit whose name or alias contains "人社"; the
lead units of the tasks mapped to an indicator are assessed on it too. What does not
resolve is listed for review. A set can also be assigned to a list of units (100
enterprises, each assessing itself on every item). Functions flush; audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from tracker.domain.policy import UnitRole
from tracker.extensions import db
from tracker.models import Indicator, IndicatorSet, Task, TaskIndicator, TaskUnit, Unit, User
from tracker.services import audit

#: Phrases meaning every unit of the plan.
MEMBER_WORDS = frozenset(
    {"各成员单位", "成员单位", "全体成员单位", "各责任单位", "各有关单位", "各单位", "各地各部门"}
)
_SPLIT_RE = re.compile(r"[、，,；;\n/]")
_JOIN_RE = re.compile(r"以及|及|和|与")
_DEPARTMENT_SUFFIXES = ("部门", "系统", "机构")
_PREFIXES = ("各级", "各", "全市", "省级", "市级", "区级", "县级")
_GROUPS = ("总工会", "团市委", "团区委", "团县委", "妇联", "工商联", "科协")
#: Department words → the parts of unit names that mean them.
DEPARTMENT_WORDS: dict[str, tuple[str, ...]] = {
    "人社": ("人力社保", "人力资源和社会保障", "人社"),
    "文化旅游": ("文广旅体", "文化广电旅游", "文旅", "文化和旅游"),
    "工信": ("经信", "工信", "经济和信息化"),
    "发改委": ("发改",),
    "发改": ("发改",),
    "国资委": ("国资",),
    "卫健": ("卫生健康", "卫健"),
    "群团组织": _GROUPS,
    "群团": _GROUPS,
}
_GENERIC = frozenset({"相关", "有关", "其他", "其它", "各级", ""})


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A phrase of an indicator's text that names no unit of the plan."""

    indicator_id: int
    indicator: str
    phrase: str


@dataclass(slots=True)
class Resolution:
    """What resolving a set against a plan found: units assessed per indicator id, the
    phrases left for review, and the number of distinct units assessed."""

    units: dict[int, list[Unit]] = field(default_factory=dict)
    review: list[ReviewItem] = field(default_factory=list)

    @property
    def unit_count(self) -> int:
        """How many distinct units are assessed on at least one indicator."""
        return len({unit.id for found in self.units.values() for unit in found})

    def to_json(self) -> dict[str, object]:
        """``{"units", "indicators", "review": [{"indicator_id", "indicator", "phrase"}]}``."""
        return {
            "units": self.unit_count,
            "indicators": sum(1 for found in self.units.values() if found),
            "review": [
                {"indicator_id": r.indicator_id, "indicator": r.indicator, "phrase": r.phrase}
                for r in self.review
            ],
        }


def plan_units(plan_id: int) -> list[Unit]:
    """The active units leading or cooperating on a task of the plan, by name."""
    return list(
        db.session.scalars(
            sa.select(Unit)
            .join(TaskUnit, TaskUnit.unit_id == Unit.id)
            .join(Task, Task.id == TaskUnit.task_id)
            .where(Task.plan_id == plan_id, Unit.active.is_(True))
            .distinct()
            .order_by(Unit.name)
        )
    )


def phrases_of(text: str) -> list[str]:
    """The unit phrases of a 考核对象 text ("人社部门及相关部门" → 人社部门, 相关部门)."""
    return [part.strip() for part in _SPLIT_RE.split(text) if part.strip()]


def _names(unit: Unit) -> list[str]:
    return [unit.name, *(alias.alias for alias in unit.aliases)]


def resolve_phrase(phrase: str, units: list[Unit]) -> list[Unit]:
    """The plan's units a phrase names (none: for review)."""
    if phrase in MEMBER_WORDS:
        return list(units)
    exact = [unit for unit in units if phrase in _names(unit)]
    if exact:
        return exact
    stem = phrase
    for prefix in _PREFIXES:
        if stem.startswith(prefix) and len(stem) > len(prefix) + 1:
            stem = stem[len(prefix) :]
            break
    for suffix in _DEPARTMENT_SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    if stem in _GENERIC or len(stem) < 2:
        return []
    parts = DEPARTMENT_WORDS.get(stem, (stem,))
    return [unit for unit in units if any(p in name for p in parts for name in _names(unit))]


def _resolve_text(phrase: str, units: list[Unit]) -> tuple[list[Unit], list[str]]:
    """The units a phrase names, split at 及/和/与 when it names none as a whole, and the
    parts that name none."""
    named = resolve_phrase(phrase, units)
    parts = [part for part in _JOIN_RE.split(phrase) if part.strip()]
    if named or len(parts) < 2:
        return named, [] if named else [phrase]
    found: list[Unit] = []
    unresolved: list[str] = []
    for part in parts:
        more, left = _resolve_text(part.strip(), units)
        found.extend(more)
        unresolved.extend(left)
    return found, unresolved


def _leaves(set_id: int) -> list[Indicator]:
    return list(
        db.session.scalars(
            sa.select(Indicator)
            .where(Indicator.set_id == set_id, Indicator.level == 3)
            .order_by(Indicator.position, Indicator.id)
        )
    )


def _mapped_leads(set_id: int, plan_id: int) -> dict[int, list[Unit]]:
    rows = db.session.execute(
        sa.select(TaskIndicator.indicator_id, Unit)
        .join(Task, Task.id == TaskIndicator.task_id)
        .join(TaskUnit, TaskUnit.task_id == Task.id)
        .join(Unit, Unit.id == TaskUnit.unit_id)
        .join(Indicator, Indicator.id == TaskIndicator.indicator_id)
        .where(
            Indicator.set_id == set_id,
            Task.plan_id == plan_id,
            TaskUnit.role == UnitRole.LEAD,
        )
    )
    found: dict[int, list[Unit]] = {}
    for indicator_id, unit in rows:
        found.setdefault(indicator_id, []).append(unit)
    return found


def preview_resolution(set_id: int, plan_id: int) -> Resolution:
    """What :func:`resolve_set` would assign. Reads only."""
    units = plan_units(plan_id)
    mapped = _mapped_leads(set_id, plan_id)
    result = Resolution()
    for leaf in _leaves(set_id):
        found: dict[int, Unit] = {}
        for phrase in phrases_of(leaf.units_text or ""):
            named, unresolved = _resolve_text(phrase, units)
            result.review.extend(ReviewItem(leaf.id, leaf.name, p) for p in unresolved)
            found.update((unit.id, unit) for unit in named)
        found.update((unit.id, unit) for unit in mapped.get(leaf.id, []))
        result.units[leaf.id] = sorted(found.values(), key=lambda unit: unit.name)
    return result


def resolve_set(set_id: int, plan_id: int, by: User | None) -> Resolution:
    """Assess each indicator of the set on the plan's units its text names (and the lead
    units of the tasks mapped to it), replacing the units linked before; audited."""
    result = preview_resolution(set_id, plan_id)
    for leaf in _leaves(set_id):
        leaf.units = list(result.units.get(leaf.id, []))
    db.session.flush()
    _audit(set_id, by, f"考核对象对应到方案 {plan_id} 的单位：{result.unit_count} 个单位")
    return result


def assign_set(set_id: int, units: list[Unit], by: User | None) -> int:
    """Assess each of ``units`` on every indicator of the set (each assessing itself);
    returns how many units were added. Audited."""
    leaves = _leaves(set_id)
    added: set[int] = set()
    for leaf in leaves:
        have = {unit.id for unit in leaf.units}
        for unit in units:
            if unit.id not in have:
                leaf.units.append(unit)
                added.add(unit.id)
    db.session.flush()
    _audit(set_id, by, f"指定考核对象：{len(units)} 个单位")
    return len(added)


def _audit(set_id: int, by: User | None, summary: str) -> None:
    indicator_set = db.session.get(IndicatorSet, set_id)
    if indicator_set is not None:
        audit.record_change(
            "assign_units",
            indicator_set,
            user=by,
            task_id=None,
            before=None,
            after={"summary": summary},
            summary=summary,
        )
