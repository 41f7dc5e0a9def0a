"""Importing an indicator table into an indicator set, and reading a set back as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.domain.scoring import parse_rule
from tracker.extensions import db
from tracker.io.containers import ContainerLimits
from tracker.io.indicator_forms import read_any_indicator_table
from tracker.io.indicator_tables import IndicatorRow, IndicatorTable
from tracker.models.assessment import Indicator, IndicatorSet, ScoringRule
from tracker.services.errors import NotFound
from tracker.services.units import UnitDirectory

_NAME_LENGTH = 200
DEFAULT_LIMITS = ContainerLimits()


@dataclass(frozen=True, slots=True)
class IndicatorImportSummary:
    """Counts of what one import added; ``needs_review`` counts rules an assessor scores by
    hand (kind "text") or must check."""

    set_id: int
    level1: int
    level2: int
    level3: int
    points: float
    rules: int
    needs_review: int
    bonus_items: int = 0
    differences: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The object ``indicators import --json`` prints."""
        return {
            "set_id": self.set_id,
            "indicators": {"level1": self.level1, "level2": self.level2, "level3": self.level3},
            "points": _number(self.points),
            "rules": self.rules,
            "needs_review": self.needs_review,
            "items": self.level3 - self.bonus_items,
            "bonus_items": self.bonus_items,
            "differences": list(self.differences),
        }


def read_table(path: Path, *, limits: ContainerLimits = DEFAULT_LIMITS) -> IndicatorTable:
    """Read a .docx/.xlsx indicator table, refused before parsing when it breaks ``limits``
    (the ``imports`` settings; the defaults for the project's own seed files).

    Raises :class:`tracker.io.tables.TableReadError` naming the file (and the limit broken).
    """
    return read_any_indicator_table(path, limits)


@dataclass
class _Builder:
    """The set being built, its level-1/2 nodes by name and running counts."""

    indicator_set: IndicatorSet
    units: UnitDirectory
    level1: dict[str, Indicator]
    level2: dict[tuple[str, str], Indicator]
    children: dict[int, list[Indicator]]
    rules: int = 0
    needs_review: int = 0
    create_units: bool = True


def import_indicators(
    table: IndicatorTable, name: str | None = None, *, create_units: bool = True
) -> IndicatorImportSummary:
    """Add an indicator set with its level 1/2/3 tree, scoring rules and units.

    Level-1/2 points are those written in their names, else the sum of their children's
    (None when no child has points); where a written group's points differ from the sum of
    its items, the summary lists the difference. A two-level form's items (no level 2) are
    stored as level-3 leaves directly under their level-1 indicator. The 考核对象 / 责任单位
    text is kept on each leaf; ``create_units`` False links only units that already exist
    by name or alias (the web resolves the rest against a plan's units,
    :mod:`tracker.services.assessed_units`). Flushes; the caller commits, or rolls back to
    leave the database as it was.
    """
    indicator_set = IndicatorSet(
        name=(name or table.title or Path(table.source).stem).strip()[:_NAME_LENGTH],
        source_filename=table.source[:255],
    )
    db.session.add(indicator_set)
    builder = _Builder(indicator_set, UnitDirectory(), {}, {}, {}, create_units=create_units)
    for row in table.rows:
        _add_level3(builder, row)
    differences: list[str] = []
    for parent in [*builder.level2.values(), *builder.level1.values()]:
        total = _sum_points(builder.children.get(id(parent), []))
        if parent.points is None:
            parent.points = total
        elif total is not None and abs(total - parent.points) > 1e-9 and not parent.is_bonus:
            differences.append(
                f"「{parent.name}」标明 {_number(parent.points)} 分，"
                f"所含指标合计 {_number(total)} 分"
            )
    db.session.flush()
    return IndicatorImportSummary(
        set_id=indicator_set.id,
        level1=len(builder.level1),
        level2=len(builder.level2),
        level3=len(table.rows),
        points=sum(row.points or 0.0 for row in table.rows if not row.bonus),
        rules=builder.rules,
        needs_review=builder.needs_review,
        bonus_items=sum(1 for row in table.rows if row.bonus),
        differences=tuple(differences),
    )


def _sum_points(children: list[Indicator]) -> float | None:
    points = [c.points for c in children if c.points is not None and not c.is_bonus]
    return sum(points) if points else None


def _node(
    builder: _Builder, level: int, name: str, points: float | None, parent: Indicator | None
) -> Indicator:
    """A new indicator appended to the set (and to its parent's children)."""
    siblings = builder.children.setdefault(id(parent), [])
    indicator = Indicator(
        level=level,
        position=len(siblings) + 1,
        name=name,
        points=points,
        parent=parent,
    )
    siblings.append(indicator)
    builder.indicator_set.indicators.append(indicator)
    return indicator


def _parents(builder: _Builder, row: IndicatorRow) -> Indicator:
    """The level-2 node of ``row``, creating it and its level-1 node on first sight."""
    level1 = builder.level1.get(row.level1)
    if level1 is None:
        level1 = _node(builder, 1, row.level1, row.level1_points, None)
        level1.is_bonus = row.bonus
        builder.level1[row.level1] = level1
    if not row.level2:
        return level1
    key = (row.level1, row.level2)
    level2 = builder.level2.get(key)
    if level2 is None:
        level2 = _node(builder, 2, row.level2, row.level2_points, level1)
        builder.level2[key] = level2
    return level2


def _add_level3(builder: _Builder, row: IndicatorRow) -> None:
    indicator = _node(builder, 3, row.level3, row.points, _parents(builder, row))
    indicator.code = row.code[:20]
    indicator.key_points = row.key_points
    indicator.inspection = "\n".join(row.inspection)
    indicator.source_row = row.row_number
    indicator.is_bonus = row.bonus
    indicator.units_text = "、".join(unit.name for unit in row.units)
    for unit_name in row.units:
        found = (
            builder.units.resolve(unit_name)
            if builder.create_units
            else builder.units.find(unit_name.name)
        )
        if found is not None and found not in indicator.units:
            indicator.units.append(found)
    for line in row.scoring_lines:
        for spec in parse_rule(line):
            rule = ScoringRule(
                position=len(indicator.rules) + 1,
                kind=str(spec.kind),
                params=json.dumps(spec.to_json(), ensure_ascii=False),
                source=spec.source,
                needs_review=bool(spec.needs_review),
            )
            indicator.rules.append(rule)
            builder.rules += 1
            builder.needs_review += int(_needs_review(rule))


def _needs_review(rule: ScoringRule) -> bool:
    return rule.kind == "text" or rule.needs_review


def get_set(set_id: int) -> IndicatorSet:
    """The indicator set with its indicators, rules and units loaded; raises NotFound."""
    indicator_set = db.session.scalar(
        sa.select(IndicatorSet)
        .where(IndicatorSet.id == set_id)
        .options(
            selectinload(IndicatorSet.indicators).selectinload(Indicator.rules),
            selectinload(IndicatorSet.indicators).selectinload(Indicator.units),
        )
    )
    if indicator_set is None:
        raise NotFound(f"没有编号为 {set_id} 的指标体系")
    return indicator_set


def set_to_json(indicator_set: IndicatorSet) -> dict[str, Any]:
    """The shape ``indicators show --json`` prints: the level 1 → 2 → 3 tree."""
    children: dict[int | None, list[Indicator]] = {}
    for indicator in sorted(indicator_set.indicators, key=lambda i: (i.level, i.position)):
        children.setdefault(indicator.parent_id, []).append(indicator)
    level3 = [i for i in indicator_set.indicators if i.level == 3]
    return {
        "id": indicator_set.id,
        "name": indicator_set.name,
        "source": indicator_set.source_filename,
        "points": _number(sum(i.points or 0.0 for i in level3)),
        "indicators": [_node_json(node, children) for node in children.get(None, [])],
    }


def _node_json(indicator: Indicator, children: dict[int | None, list[Indicator]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": indicator.id,
        "level": indicator.level,
        "name": indicator.name,
        "points": _number(indicator.points),
    }
    if indicator.level < 3:
        data["children"] = [_node_json(child, children) for child in children.get(indicator.id, [])]
        return data
    data.update(
        code=indicator.code,
        key_points=indicator.key_points,
        inspection=[line for line in indicator.inspection.split("\n") if line],
        units=[unit.name for unit in indicator.units],
        rules=[rule_to_json(rule) for rule in indicator.rules],
    )
    return data


def rule_to_json(rule: ScoringRule) -> dict[str, Any]:
    """A stored rule: its parsed params plus id, kind, needs_review and source line."""
    data: dict[str, Any] = json.loads(rule.params or "{}")
    data.setdefault("kind", rule.kind)
    data["id"] = rule.id
    data["needs_review"] = rule.needs_review
    data["source"] = rule.source
    return data


def _number(value: float | None) -> float | int | None:
    """15.0 → 15 in JSON; 7.5 stays 7.5."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
