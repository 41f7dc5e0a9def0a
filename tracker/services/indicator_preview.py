"""What an indicator table would import (issue 11 §4), before anything is stored: its
items with their groups, points and assessed-unit text, the totals, and each group whose
written points differ from the sum of its items. Pure reading of the parsed table."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.io.indicator_tables import IndicatorRow, IndicatorTable


@dataclass(slots=True)
class TablePreview:
    """The preview of a parsed table."""

    title: str
    rows: tuple[IndicatorRow, ...]
    items: int = 0
    bonus_items: int = 0
    points: float = 0.0
    levels: int = 3
    differences: list[str] = field(default_factory=list)


def _number(value: float) -> str:
    return f"{value:g}"


def preview_table(table: IndicatorTable) -> TablePreview:
    """Counts, points and the group-points differences of ``table``."""
    preview = TablePreview(table.title, table.rows)
    preview.levels = 3 if any(row.level2 for row in table.rows) else 2
    sums: dict[tuple[str, ...], float] = {}
    written: dict[tuple[str, ...], float] = {}
    for row in table.rows:
        if row.bonus:
            preview.bonus_items += 1
            continue
        preview.items += 1
        preview.points += row.points or 0.0
        groups: list[tuple[tuple[str, ...], float | None]] = [((row.level1,), row.level1_points)]
        if row.level2:
            groups.append(((row.level1, row.level2), row.level2_points))
        for key, points in groups:
            sums[key] = sums.get(key, 0.0) + (row.points or 0.0)
            if points is not None:
                written[key] = points
    for key, points in written.items():
        total = sums.get(key, 0.0)
        if abs(total - points) > 1e-9:
            preview.differences.append(
                f"「{key[-1]}」标明 {_number(points)} 分，所含指标合计 {_number(total)} 分"
            )
    return preview
