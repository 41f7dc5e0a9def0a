"""The trend of states per quarter as an inline SVG stacked bar chart (no script, no
inline style: colours are classes of the stylesheet)."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.domain.lag import LAG_COLOURS, LAG_LABELS, URGENCY, LagState
from tracker.services.dashboard import TrendPoint

WIDTH = 640
HEIGHT = 240
_TOP, _BOTTOM, _LEFT = 10, 40, 36


@dataclass(frozen=True, slots=True)
class Bar:
    """One segment of a stacked bar."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class Chart:
    """The bars, the x labels (x, text) and the y scale's top value."""

    bars: list[Bar]
    labels: list[tuple[float, str]]
    top: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = _LEFT
    base: int = HEIGHT - _BOTTOM


def trend_chart(points: list[TrendPoint]) -> Chart:
    """Stacked bars, most urgent state at the bottom, scaled to the largest total."""
    top = max((sum(p.counts.values()) for p in points), default=0) or 1
    slot = (WIDTH - _LEFT) / max(len(points), 1)
    scale = (HEIGHT - _TOP - _BOTTOM) / top
    bars: list[Bar] = []
    labels: list[tuple[float, str]] = []
    for index, point in enumerate(points):
        x = _LEFT + index * slot + slot * 0.15
        y = float(HEIGHT - _BOTTOM)
        for state in URGENCY:
            count = point.counts.get(state, 0)
            if not count:
                continue
            height = count * scale
            y -= height
            bars.append(Bar(x, y, slot * 0.7, height, _colour(state), _title(point, state, count)))
        labels.append((x + slot * 0.35, point.label))
    return Chart(bars=bars, labels=labels, top=top)


def _colour(state: LagState) -> str:
    """The stylesheet's class suffix: the state's colour, overdue darker than missed."""
    return "overdue" if state is LagState.OVERDUE else LAG_COLOURS[state]


def _title(point: TrendPoint, state: LagState, count: int) -> str:
    return f"{point.label} {LAG_LABELS[state]} {count} 项"
