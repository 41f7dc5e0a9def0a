"""The briefing's overview chart: tasks by state at each quarter end, stacked bars (PNG)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tracker.domain.lag import LAG_LABELS, URGENCY, LagState
from tracker.io.chart_fonts import chart_context

#: The site's colour tokens (style.css), overdue darker than missed.
COLOURS: dict[LagState, str] = {
    LagState.OVERDUE: "#7f1d1d",
    LagState.MISSED: "#c62828",
    LagState.BEHIND: "#975a16",
    LagState.RECOVERED: "#d69e2e",
    LagState.DUE_SOON: "#1565c0",
    LagState.ON_TRACK: "#2e7d32",
    LagState.DONE: "#00796b",
    LagState.NO_DATA: "#90a4ae",
}


def trend_png(
    points: Sequence[tuple[str, Mapping[LagState, int]]],
    *,
    width_px: int = 900,
    height_px: int = 380,
) -> bytes:
    """Stacked bars of the counts per state at each labelled point, with a legend."""
    with chart_context():
        fig = Figure(figsize=(width_px / 100, height_px / 100), dpi=100)
        FigureCanvasAgg(fig)
        fig.set_layout_engine("constrained")
        ax = fig.add_subplot()
        labels = [label for label, _ in points]
        bottoms = [0] * len(points)
        for state in URGENCY:
            values = [counts.get(state, 0) for _, counts in points]
            if not any(values):
                continue
            ax.bar(labels, values, bottom=bottoms, color=COLOURS[state], label=LAG_LABELS[state])
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        ax.set_ylabel("任务数（项）")
        ax.set_title("各季度末任务状态")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()
