"""Milestone charts drawn with matplotlib (Agg) from plain series.

Services prepare a :class:`MilestoneChartSeries` (dates and numbers only, no models) and
call :func:`render_milestone_chart` to get PNG bytes for a page, a report or an export.

Chinese text uses the Noto Sans CJK SC file shipped in the ``mplfonts`` wheel. Only that
one file is registered with matplotlib's font manager (never ``mplfonts init``, never the
SimHei file it also ships). Figures are built with :class:`matplotlib.figure.Figure` and
:class:`matplotlib.backends.backend_agg.FigureCanvasAgg` directly: no pyplot, so nothing
global is created per figure and rendering is safe in threaded web workers. The font
settings are applied inside :func:`matplotlib.rc_context` while one chart is drawn (under
a lock), so matplotlib's global ``rcParams`` are left as they were.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tracker.io.chart_drawing import (
    C_NOTE,
    draw_numeric,
    draw_stages,
    draw_timeline,
    draw_today,
    setup_x_axis,
    wrap_title,
    x_range,
)
from tracker.io.chart_fonts import (
    CJK_FONT_FILENAME,
    chart_context,
    chart_rc_params,
    cjk_font_family,
    cjk_font_path,
)
from tracker.io.chart_series import ChartPoint, MilestoneChartSeries

__all__ = [
    "CJK_FONT_FILENAME",
    "ChartPoint",
    "MilestoneChartSeries",
    "chart_rc_params",
    "cjk_font_family",
    "cjk_font_path",
    "render_milestone_chart",
]

_DPI = 100


def render_milestone_chart(
    series: MilestoneChartSeries, *, width_px: int = 900, height_px: int = 420
) -> bytes:
    """Render a task's milestone chart as PNG bytes of exactly ``width_px`` × ``height_px``.

    The chart shows the task text as a title, years on the x axis and the values in the
    series' unit on the y axis: the targets as a step line ("目标"), the expected-to-date
    curve dashed ("序时进度"), accepted reports as a solid line with dots
    ("已审核填报值"), pending reports as hollow markers ("待审核"), stages as vertical
    dotted lines with their names and a vertical "今天" line. A task without any numbers
    (stage-only or ongoing) is drawn as a timeline of its stages with "暂无量化目标".

    Args:
        series: the plain data to draw.
        width_px: image width in pixels (at 100 dpi).
        height_px: image height in pixels (at 100 dpi).

    Returns:
        The PNG file content.
    """
    if width_px < 200 or height_px < 150:
        raise ValueError(f"chart too small: {width_px}×{height_px} px (minimum 200×150)")
    with chart_context():
        fig = Figure(figsize=(width_px / _DPI, height_px / _DPI), dpi=_DPI)
        FigureCanvasAgg(fig)
        fig.set_layout_engine("constrained", h_pad=0.04, w_pad=0.06)
        ax = fig.add_subplot()
        ax.spines[["top", "right"]].set_visible(False)

        title_size = 12.0
        max_em = (width_px - 40) / (title_size * _DPI / 72)
        ax.set_title(wrap_title(series.title, max_em), loc="left", fontsize=title_size, pad=10)

        start, end = x_range(series)
        setup_x_axis(ax, start, end)

        numeric = any((series.targets, series.expected, series.reported, series.pending))
        if numeric:
            notes = draw_numeric(ax, series, start, end)
            draw_stages(ax, series.stages, y_frac=0.9)
        else:
            notes = []
            draw_timeline(ax, series)
            draw_stages(ax, series.stages, y_frac=0.5)

        draw_today(ax, series.today, start, end)

        if notes and numeric:
            ax.text(
                0.99,
                0.02,
                "；".join(notes),
                transform=ax.transAxes,
                ha="right",
                va="bottom",
                fontsize=9,
                color=C_NOTE,
            )

        handles, labels = ax.get_legend_handles_labels()
        if handles:
            fig.legend(
                handles,
                labels,
                loc="outside lower center",
                ncols=len(handles),
                frameon=False,
                fontsize=9,
                handlelength=2.2,
            )

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": None})
    return buf.getvalue()
