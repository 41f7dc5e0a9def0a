"""The Chinese messages of lag events ("2019年目标≥20%未达标（实际15%）")."""

from __future__ import annotations

from datetime import date

from tracker.domain.lag.common import EPS, ONE_DAY, as_number
from tracker.domain.milestones import MilestoneKind, MilestoneSpec
from tracker.domain.whole_numbers import quantity

_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": ""}


def _fmt(value: float) -> str:
    """A number without trailing zeros: 27.5, 38.16, 56000."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _quantity(value: float | None, unit: str | None) -> str:
    """``20%``, ``1.1倍``, ``100人``; "无" when unknown. Counts are whole numbers
    (:mod:`tracker.domain.whole_numbers`); money keeps its fraction below 100."""
    if value is None:
        return "无"
    if unit == "元" and abs(value) >= 100:
        value = round(value)
    return quantity(value, unit)


def _date_label(day: date) -> str:
    """ "2019年" for Dec 31, "2021年6月底" for a month end, else "2021年6月15日"."""
    if (day.month, day.day) == (12, 31):
        return f"{day.year}年"
    if (day + ONE_DAY).month != day.month:
        return f"{day.year}年{day.month}月底"
    return f"{day.year}年{day.month}月{day.day}日"


def day_text(day: date) -> str:
    """A day written out in full: 2021-06-15 → "2021年6月15日"."""
    return f"{day.year}年{day.month}月{day.day}日"


def _target_text(m: MilestoneSpec, target: float | None) -> str:
    """What the milestone asks, e.g. "2019年目标≥20%", "2020年度目标≥100人"."""
    symbol = _SYMBOLS.get(m.comparator or ">=", "")
    if m.kind is MilestoneKind.ANNUAL:
        return f"{m.due.year}年度目标{symbol}{_quantity(target, m.unit)}"
    if m.kind is MilestoneKind.MAINTAIN:
        return f"{m.due.year}年目标保持{symbol}{_quantity(target, m.unit)}"
    if m.kind is MilestoneKind.GROWTH:
        factor = as_number(m.target) or 1.0
        rise = "高于上年" if abs(factor - 1) < EPS else f"较上年增长{_fmt((factor - 1) * 100)}%"
        return f"{m.due.year}年目标{rise}（{symbol}{_quantity(target, m.unit)}）"
    return f"{_date_label(m.due)}目标{symbol}{_quantity(target, m.unit)}"


def _actual_text(actual: float | None, unit: str | None) -> str:
    return "暂无已审核数据" if actual is None else f"实际{_quantity(actual, unit)}"


def missed_message(m: MilestoneSpec, target: float | None, actual: float | None) -> str:
    """Message of a ``missed`` event: "2019年目标≥20%未达标（实际15%）", or for a stage
    "2020年节点“启动”未完成". ``target``/``actual`` are in the milestone's unit."""
    if m.kind is MilestoneKind.STAGE:
        return f"{_date_label(m.due)}节点“{m.target or ''}”未完成"
    return f"{_target_text(m, target)}未达标（{_actual_text(actual, m.unit)}）"


def behind_message(
    m: MilestoneSpec, target: float | None, expected: float | None, actual: float | None
) -> str:
    """Message of a ``behind`` event: "2020年目标≥35%进度滞后（序时应达27.5%，实际25%）";
    ``target``, ``expected`` and ``actual`` are in the milestone's unit."""
    return (
        f"{_target_text(m, target)}进度滞后"
        f"（序时应达{_quantity(expected, m.unit)}，{_actual_text(actual, m.unit)}）"
    )


# ------------------------------------------------------------ milestone assessment
