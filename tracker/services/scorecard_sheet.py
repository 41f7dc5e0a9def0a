"""Rows of a scorecard's .xlsx export; writing it is :mod:`tracker.io.scorecard_workbook`' job."""

from __future__ import annotations

from tracker.io.scorecard_workbook import ScorecardSheet, SheetGroup, SheetLine, SheetRow
from tracker.models.assessment import Indicator
from tracker.services.assessment import CardLine, IndicatorCard, Scorecard


def scorecard_sheet(card: Scorecard) -> ScorecardSheet:
    """The scorecard as plain sheet data: one row per level-3 indicator in table order
    (with its level-1/2 ancestors, deductions then bonuses), the total, maximum and
    grade, and the number of proposals still pending."""
    return ScorecardSheet(
        rows=tuple(_row(item) for item in card.indicators),
        total=card.total,
        maximum=card.maximum,
        grade=card.grade or (f"未评{card.unscored}项，暂不定等次" if card.unscored else ""),
        pending=card.pending,
    )


def _row(item: IndicatorCard) -> SheetRow:
    return SheetRow(
        level1=_group(_ancestor(item.indicator, 1)),
        level2=_group(_ancestor(item.indicator, 2)),
        name=item.indicator.name,
        points=item.points,
        score=item.score,
        note=item.note,
        lines=tuple(_line(line) for line in [*item.deductions, *item.bonuses]),
    )


def _ancestor(indicator: Indicator, level: int) -> Indicator | None:
    node: Indicator | None = indicator
    while node is not None and node.level > level:
        node = node.parent
    return node if node is not None and node.level == level else None


def _group(indicator: Indicator | None) -> SheetGroup | None:
    return SheetGroup(indicator.id, indicator.name) if indicator is not None else None


def _line(line: CardLine) -> SheetLine:
    return SheetLine(
        points=line.points, event=line.event, unit=line.unit, reason=line.reason, rule=line.rule
    )
