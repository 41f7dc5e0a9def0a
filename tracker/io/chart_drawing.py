"""The parts of a milestone chart drawn on its axes: years, targets, expected-to-date,
reported and pending values, stages, the "今天" line; and the title and number formats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from tracker.io.chart_series import ChartPoint, MilestoneChartSeries

_TITLE_MAX_LINES = 2

# Colours: colour-blind friendly, readable when printed in grey.
_C_TARGET = "#1f4e99"
_C_EXPECTED = "#7f7f7f"
_C_REPORTED = "#d9480f"
_C_PENDING = "#d9480f"
_C_STAGE = "#2b8a3e"
_C_TODAY = "#c92a2a"
C_NOTE = "#868e96"  # notes such as "暂无量化目标", also written by the renderer

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


def wrap_title(title: str, max_em: float, max_lines: int = _TITLE_MAX_LINES) -> str:
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


def x_range(series: MilestoneChartSeries) -> tuple[date, date]:
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


def setup_x_axis(ax: Axes, start: date, end: date) -> None:
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


def draw_today(ax: Axes, today: date | None, start: date, end: date) -> bool:
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


def draw_stages(ax: Axes, stages: Sequence[ChartPoint], *, y_frac: float) -> None:
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


def draw_numeric(ax: Axes, series: MilestoneChartSeries, start: date, end: date) -> list[str]:
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


def draw_timeline(ax: Axes, series: MilestoneChartSeries) -> None:
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
        color=C_NOTE,
    )
