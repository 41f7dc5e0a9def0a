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
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.dates as mdates
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

__all__ = [
    "CJK_FONT_FILENAME",
    "ChartPoint",
    "MilestoneChartSeries",
    "chart_rc_params",
    "cjk_font_family",
    "cjk_font_path",
    "render_milestone_chart",
]

CJK_FONT_FILENAME = "NotoSansCJKsc-Regular.otf"
"""The only font file this module registers (Noto Sans CJK SC, OFL, from ``mplfonts``)."""

_DPI = 100
_TITLE_MAX_LINES = 2

# Colours: colour-blind friendly, readable when printed in grey.
_C_TARGET = "#1f4e99"
_C_EXPECTED = "#7f7f7f"
_C_REPORTED = "#d9480f"
_C_PENDING = "#d9480f"
_C_STAGE = "#2b8a3e"
_C_TODAY = "#c92a2a"
_C_NOTE = "#868e96"

_font_lock = threading.Lock()
_render_lock = threading.RLock()
_font_family: str | None = None


@dataclass(frozen=True)
class ChartPoint:
    """One point of a chart series.

    Attributes:
        day: calendar date of the point (x axis).
        value: numeric value in the series' unit (e.g. 35.0 for 35 %, 1.2 for 1.2 倍,
            56000.0 for 5.6万人); ignored for stage points.
        label: text shown next to the point; empty means "format ``value`` with the unit"
            (for stages: the step's name such as "启动").
    """

    day: date
    value: float
    label: str = ""


@dataclass(frozen=True)
class MilestoneChartSeries:
    """Everything one milestone chart shows, as plain data prepared by a service.

    Attributes:
        title: the task text (may be long Chinese; wrapped to two lines and truncated).
        unit: the unit of every value ("%", "倍", "人", "家", "元") or None.
        targets: milestone targets, drawn as a step line "目标" with markers and labels.
        expected: expected-to-date (序时进度) curve, drawn dashed.
        reported: accepted reported values, solid line with dots "已审核填报值".
        pending: submitted but not yet accepted values, hollow markers "待审核".
        stages: qualitative steps (value ignored), vertical markers with their labels.
        today: date of the vertical "今天" line, or None for no line.
        period: x-axis range (plan start, plan end); None means fit the data.
    """

    title: str
    unit: str | None
    targets: Sequence[ChartPoint]
    expected: Sequence[ChartPoint]
    reported: Sequence[ChartPoint]
    pending: Sequence[ChartPoint] = ()
    stages: Sequence[ChartPoint] = ()
    today: date | None = None
    period: tuple[date, date] | None = None


# --------------------------------------------------------------------------- fonts


def cjk_font_path() -> Path:
    """Return the path of ``NotoSansCJKsc-Regular.otf`` inside the installed ``mplfonts``.

    Raises:
        FileNotFoundError: when the ``mplfonts`` wheel or the font file is missing.
    """
    import mplfonts  # local import: only the file location is needed

    path = Path(mplfonts.__file__).resolve().parent / "fonts" / CJK_FONT_FILENAME
    if not path.is_file():
        raise FileNotFoundError(f"{CJK_FONT_FILENAME} not found in the mplfonts package: {path}")
    return path


def cjk_font_family() -> str:
    """Register the CJK font with matplotlib once (thread-safe) and return its family name.

    Returns:
        The family name matplotlib knows the font by (``"Noto Sans CJK SC"``).
    """
    global _font_family
    if _font_family is None:
        with _font_lock:
            if _font_family is None:
                path = cjk_font_path()
                font_manager.fontManager.addfont(str(path))
                _font_family = font_manager.FontProperties(fname=str(path)).get_name()
    return _font_family


def chart_rc_params() -> dict[str, Any]:
    """Return the rcParams charts are drawn with (CJK sans-serif font, ASCII minus sign).

    Use with ``matplotlib.rc_context(chart_rc_params())``; the module never sets them
    globally.
    """
    family = cjk_font_family()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "font.size": 10,
        "svg.fonttype": "none",
    }


@contextmanager
def _chart_context() -> Iterator[None]:
    """Apply :func:`chart_rc_params` while one chart is built and drawn.

    ``rc_context`` temporarily edits matplotlib's process-wide rcParams, so charts are
    drawn one at a time under a lock; each chart takes a few tens of milliseconds.
    """
    params = chart_rc_params()
    with _render_lock, matplotlib.rc_context(params):
        yield


# --------------------------------------------------------------------------- formatting


def _format_number(value: float) -> str:
    """Format a number compactly: 20 → "20", 1.25 → "1.25", 56000 → "5.6万"."""
    if abs(value) >= 10_000:
        return f"{value / 10_000:.2f}".rstrip("0").rstrip(".") + "万"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _format_value(value: float, unit: str | None) -> str:
    """Format a value with its unit, e.g. ``(35, "%")`` → "35%", ``(1.2, "倍")`` → "1.2倍"."""
    return _format_number(value) + (unit or "")


def _text_width(text: str) -> float:
    """Approximate display width in em: CJK characters 1, ASCII characters about 0.55."""
    return sum(0.55 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _wrap_title(title: str, max_em: float, max_lines: int = _TITLE_MAX_LINES) -> str:
    """Wrap a (Chinese) title to lines of at most ``max_em`` em; truncate with "…".

    Chinese has no spaces, so lines break between any two characters, preferring a
    break right after Chinese punctuation when it falls late enough in the line.
    """
    text = " ".join(title.split())
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        if _text_width(rest) <= max_em:
            lines.append(rest)
            rest = ""
            break
        cut = 0
        width = 0.0
        for i, ch in enumerate(rest):
            width += _text_width(ch)
            if width > max_em:
                break
            cut = i + 1
        cut = max(cut, 1)
        # Prefer breaking after punctuation within the last third of the line.
        for j in range(cut, max(1, cut * 2 // 3), -1):
            if rest[j - 1] in "，、；。：,;:)）":
                cut = j
                break
        lines.append(rest[:cut])
        rest = rest[cut:].lstrip()
    if rest:
        last = lines[-1]
        while last and _text_width(last + "…") > max_em:
            last = last[:-1]
        lines[-1] = last + "…"
    return "\n".join(lines)


# --------------------------------------------------------------------------- drawing


def _x_range(series: MilestoneChartSeries) -> tuple[date, date]:
    """Return the x-axis range: the plan period if given, else the data with margins."""
    if series.period is not None:
        start, end = series.period
    else:
        days = [
            p.day
            for group in (
                series.targets,
                series.expected,
                series.reported,
                series.pending,
                series.stages,
            )
            for p in group
        ]
        if series.today is not None:
            days.append(series.today)
        if not days:
            this_year = (series.today or date.today()).year
            return date(this_year, 1, 1), date(this_year, 12, 31)
        start, end = min(days), max(days)
        start = date(start.year, 1, 1)
        end = date(end.year, 12, 31)
    if end <= start:
        end = start + timedelta(days=365)
    return start, end


def _setup_x_axis(ax: Axes, start: date, end: date) -> None:
    """Years on the x axis: ticks at year boundaries, "2019年" centred in each year.

    A milestone due "2019年" (2019-12-31) thus sits at the right end of the 2019 span,
    not under a "2020年" label.
    """
    pad = max(timedelta(days=10), (end - start) * 0.02)
    ax.set_xlim(mdates.date2num(start - pad), mdates.date2num(end + pad))
    years = end.year - start.year + 1
    base = 1 if years <= 12 else (2 if years <= 24 else 5)
    ax.xaxis.set_major_locator(mdates.YearLocator(base=1))
    ax.xaxis.set_major_formatter(NullFormatter())
    ax.xaxis.set_minor_locator(mdates.YearLocator(base=base, month=7, day=1))
    ax.xaxis.set_minor_formatter(mdates.DateFormatter("%Y年"))
    ax.tick_params(axis="x", which="major", length=6)
    ax.tick_params(axis="x", which="minor", length=0, labelsize=10, pad=4)


def _draw_today(ax: Axes, today: date | None, start: date, end: date) -> bool:
    """Draw the vertical "今天" line when today is inside the x range; return True if drawn."""
    if today is None:
        return False
    lo, hi = ax.get_xlim()
    x = mdates.date2num(today)
    if not lo <= x <= hi:
        return False
    ax.axvline(x, color=_C_TODAY, linewidth=1.2, linestyle=(0, (4, 2)), zorder=2, label="今天")
    ax.annotate(
        "今天",
        xy=(x, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -3),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=9,
        color=_C_TODAY,
    )
    return True


def _draw_stages(ax: Axes, stages: Sequence[ChartPoint], *, y_frac: float) -> None:
    """Draw each stage as a vertical dotted line with its label and date near ``y_frac``."""
    for i, stage in enumerate(sorted(stages, key=lambda p: p.day)):
        x = mdates.date2num(stage.day)
        ax.axvline(x, color=_C_STAGE, linewidth=1.0, linestyle=":", zorder=1)
        name = stage.label or "阶段"
        # Alternate heights so labels of close stages do not overlap.
        y = y_frac - (0.1 if i % 2 else 0.0)
        ax.annotate(
            f"{name}\n{stage.day.year}年{stage.day.month}月",
            xy=(x, y),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="center",
            fontsize=9,
            color=_C_STAGE,
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": _C_STAGE, "lw": 0.8},
            zorder=5,
        )


def _label_points(
    ax: Axes,
    points: Sequence[ChartPoint],
    unit: str | None,
    *,
    color: str,
    offset: tuple[float, float],
    ha: str = "center",
) -> None:
    """Write each point's label (or its formatted value) next to the point."""
    for p in points:
        ax.annotate(
            p.label or _format_value(p.value, unit),
            xy=(mdates.date2num(p.day), p.value),
            xytext=offset,
            textcoords="offset points",
            ha=ha,
            va="bottom" if offset[1] >= 0 else "top",
            fontsize=9,
            color=color,
            # A light halo keeps a label legible where it crosses a line.
            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
            zorder=6,
        )


def _draw_numeric(ax: Axes, series: MilestoneChartSeries, start: date, end: date) -> list[str]:
    """Draw targets, expected, reported and pending values; return notes to show."""
    notes: list[str] = []
    unit = series.unit
    targets = sorted(series.targets, key=lambda p: p.day)
    expected = sorted(series.expected, key=lambda p: p.day)
    reported = sorted(series.reported, key=lambda p: p.day)
    pending = sorted(series.pending, key=lambda p: p.day)

    if targets:
        # After each milestone date the value must be at least that target: a floor drawn
        # as a step line from the first milestone, held until the end of the plan.
        xs = [mdates.date2num(p.day) for p in targets]
        ys = [p.value for p in targets]
        last_x = mdates.date2num(max(end, targets[-1].day))
        if last_x > xs[-1]:
            xs.append(last_x)
            ys.append(ys[-1])
        ax.plot(
            xs,
            ys,
            drawstyle="steps-post",
            color=_C_TARGET,
            linewidth=1.6,
            marker="D",
            markersize=6,
            markevery=list(range(len(targets))),  # milestones only, not the plan end
            zorder=4,
            label="目标",
        )
        # Below-right of each marker, under the step that starts there (reports and the
        # expected curve run above the floor); the last one above-left of its marker.
        _label_points(ax, targets[:-1], unit, color=_C_TARGET, offset=(5, -4), ha="left")
        _label_points(ax, targets[-1:], unit, color=_C_TARGET, offset=(-7, 3), ha="right")
    else:
        notes.append("暂无量化目标")

    if expected:
        ax.plot(
            [mdates.date2num(p.day) for p in expected],
            [p.value for p in expected],
            color=_C_EXPECTED,
            linestyle="--",
            linewidth=1.4,
            zorder=3,
            label="序时进度",
        )

    if reported:
        ax.plot(
            [mdates.date2num(p.day) for p in reported],
            [p.value for p in reported],
            color=_C_REPORTED,
            linestyle="-",
            linewidth=2.0,
            marker="o",
            markersize=6,
            zorder=5,
            label="已审核填报值",
        )
        # A few values are all labelled; in a long series only the latest one.
        shown = reported if len(reported) <= 3 else reported[-1:]
        _label_points(ax, shown, unit, color=_C_REPORTED, offset=(-5, 4), ha="right")
    else:
        notes.append("暂无已审核填报值")

    if pending:
        ax.plot(
            [mdates.date2num(p.day) for p in pending],
            [p.value for p in pending],
            linestyle="none",
            marker="o",
            markersize=8,
            markerfacecolor="white",
            markeredgecolor=_C_PENDING,
            markeredgewidth=1.6,
            zorder=7,  # above value labels: a pending value must stay visible
            label="待审核",
        )
        _label_points(ax, pending[-1:], unit, color=_C_PENDING, offset=(0, -8))

    values = [p.value for group in (targets, expected, reported, pending) for p in group]
    top = max(values) if values else 1.0
    bottom = min(0.0, min(values)) if values else 0.0
    if top <= bottom:
        top = bottom + 1.0
    ax.set_ylim(bottom, top + (top - bottom) * 0.22)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _format_number(v)))
    ax.set_ylabel(f"完成值（{unit}）" if unit else "完成值")
    ax.grid(axis="y", color="#dee2e6", linewidth=0.8)
    return notes


def _draw_timeline(ax: Axes, series: MilestoneChartSeries) -> None:
    """Draw a stage-only timeline: a horizontal axis line with the stage markers."""
    ax.set_ylim(0, 1)
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)
    ax.axhline(0.18, color="#adb5bd", linewidth=2, zorder=1)
    stages = sorted(series.stages, key=lambda p: p.day)
    if stages:
        ax.plot(
            [mdates.date2num(p.day) for p in stages],
            [0.18] * len(stages),
            linestyle="none",
            marker="o",
            markersize=9,
            color=_C_STAGE,
            zorder=4,
        )
    ax.text(
        0.5,
        0.82,
        "暂无量化目标",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=12,
        color=_C_NOTE,
    )


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
    with _chart_context():
        fig = Figure(figsize=(width_px / _DPI, height_px / _DPI), dpi=_DPI)
        FigureCanvasAgg(fig)
        fig.set_layout_engine("constrained", h_pad=0.04, w_pad=0.06)
        ax = fig.add_subplot()
        ax.spines[["top", "right"]].set_visible(False)

        title_size = 12.0
        max_em = (width_px - 40) / (title_size * _DPI / 72)
        ax.set_title(_wrap_title(series.title, max_em), loc="left", fontsize=title_size, pad=10)

        start, end = _x_range(series)
        _setup_x_axis(ax, start, end)

        numeric = any((series.targets, series.expected, series.reported, series.pending))
        if numeric:
            notes = _draw_numeric(ax, series, start, end)
            _draw_stages(ax, series.stages, y_frac=0.9)
        else:
            notes = []
            _draw_timeline(ax, series)
            _draw_stages(ax, series.stages, y_frac=0.5)

        _draw_today(ax, series.today, start, end)

        if notes and numeric:
            ax.text(
                0.99,
                0.02,
                "；".join(notes),
                transform=ax.transAxes,
                ha="right",
                va="bottom",
                fontsize=9,
                color=_C_NOTE,
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
