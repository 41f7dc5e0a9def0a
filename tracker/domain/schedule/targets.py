"""Clauses with a quantity → level, maintain, annual or cumulative milestones (DESIGN.md §4).

"2019年达到20%" (level), "保持95%以上" / "控制在8%以内" (maintain), "每年新建3家"
(annual; per quarter / month for "每季度…"/"每月…"), "2025年达到50家" (cumulative),
"2021年、2022年分别达到60%、70%" (one per year), and several targets of one clause joined
by 、/和/及 when each has its own words ("新增城市道路180公里、绿道130公里").
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal

from tracker.domain.milestones import MilestoneKind, MilestoneSpec
from tracker.domain.schedule.items import Context, Fixed, Item, Unreadable
from tracker.domain.schedule.quantities import (
    APPROXIMATE,
    DURATION_UNITS,
    EVERY_RE,
    SHARE_UNITS,
    Quantity,
)
from tracker.domain.schedule.text import JOINERS_RE, RESPECTIVELY, words_of
from tracker.domain.schedule.times import When, month_end

FULL_RE = re.compile(
    r"全覆盖|全面覆盖|全部覆盖|全部完成|全面完成|全部实现|全部达标|全面普及"
    r"|(?:所有|全部)[^,;]*全面(?:实施|推行|推开)"
)
_ALL_DONE_RE = re.compile(r"全部完成|全面完成")
_MAINTAIN_RE = re.compile(r"保持|维持|稳定在|控制在")
_PER_HEAD_RE = re.compile(r"人均")
# A second requirement after "、" that states a result: "…550万户、厕所粪污基本得到处理".
_STATE_RE = re.compile(r"基本|得到|实现|完成|建立|形成|消除|达到")
_RATE_UNITS = frozenset({"元/人"})
_FROM_VALUE_RE = re.compile(r"从")
_TO_RE = re.compile(r"到|至")


def time_count(when: When) -> int:
    """How many time expressions the clause names."""
    return len(when.points) + len(when.from_years) + len(when.ranges) + len(when.from_dates)


def read_full(clause: str, when: When, quantities: list[Quantity], context: Context) -> Item:
    """100 % for "全覆盖"/"全部完成", or the task's one count for "全部完成" (DESIGN.md §4)."""
    if any(q.value != 100 or q.unit != "%" for q in quantities):
        return Unreadable(f"全覆盖与数量同时出现：「{clause}」")
    task_quantity = context.task_quantity
    if _ALL_DONE_RE.search(when.rest) and task_quantity is not None and len(when.points) == 1:
        due = when.points[0]
        return Fixed((_numeric(MilestoneKind.CUMULATIVE, task_quantity, due, None, clause),))
    full = Quantity(Decimal(100), None, "%", ">=", 0, 0)
    return _read_share(clause, when, full, context)


def read_quantity_clause(
    clause: str, when: When, quantities: list[Quantity], rest: str, context: Context
) -> Item:
    """The milestones of a clause with quantities (``rest``: the clause without them)."""
    if RESPECTIVELY in rest:
        return _read_respectively(clause, when, quantities)
    quantities = _without_starting_value(quantities, when.rest)
    if len(quantities) > 1:
        if not _separate_targets(quantities, when.rest):
            return Unreadable(f"一句中有多个数量，无法对应：「{clause}」")
        readings = [_read_one(clause, when, q, rest, context) for q in quantities]
        unread = [reading for reading in readings if isinstance(reading, Unreadable)]
        if unread:
            return unread[0]
        return Fixed(tuple(m for r in readings if isinstance(r, Fixed) for m in r.milestones))
    after = re.sub(r"\([^)]*\)", "", when.rest[quantities[0].end :])  # "县(市、区)"
    if "、" in after and _STATE_RE.search(after.split("、")[-1]):
        return Unreadable(f"一句中既有数量又有其他要求，请拆分：「{clause}」")
    return _read_one(clause, when, quantities[0], rest, context)


def _without_starting_value(quantities: list[Quantity], text: str) -> list[Quantity]:
    """The starting value of "从10.23年提高到10.8年" is not a target."""
    if (
        len(quantities) == 2
        and _FROM_VALUE_RE.search(text, 0, quantities[0].begin)
        and _TO_RE.search(text, quantities[0].end, quantities[1].begin)
    ):
        return quantities[1:]
    return quantities


def _separate_targets(quantities: list[Quantity], text: str) -> bool:
    """Each quantity after the first follows 、/和/及 and words of its own."""
    for previous, current in itertools.pairwise(quantities):
        between = text[previous.end : current.begin]
        if not JOINERS_RE.search(between) or not words_of(JOINERS_RE.sub("", between)):
            return False
    return True


def _read_one(clause: str, when: When, quantity: Quantity, rest: str, context: Context) -> Item:
    if quantity.unit is None:
        return Unreadable(f"数量缺少单位：「{clause}」")
    if "/" in quantity.unit and quantity.unit not in _RATE_UNITS:
        return Unreadable(f"单位「{quantity.unit}」是比率，请确认考核口径：「{clause}」")
    if quantity.unit == "百分点":
        return Unreadable(f"按百分点增减的要求需要基期数值，请人工核对：「{clause}」")
    if quantity.comparator == "?":
        return Unreadable(f"比较要求前后矛盾：「{clause}」")
    if quantity.comparator == APPROXIMATE:
        return Unreadable(f"「左右」未写明是上限还是下限：「{clause}」")
    every = EVERY_RE.search(rest)
    if every is not None:
        return _read_recurring(clause, when, quantity, every[1], context)
    if _MAINTAIN_RE.search(rest):
        return _read_maintain(clause, when, quantity, context)
    if quantity.unit in SHARE_UNITS:
        return _read_share(clause, when, quantity, context)
    as_level = (
        quantity.unit in DURATION_UNITS
        or "/" in quantity.unit
        or _PER_HEAD_RE.search(rest) is not None
    )
    return _read_total(clause, when, quantity, as_level=as_level)


def _read_respectively(clause: str, when: When, quantities: list[Quantity]) -> Item:
    """Zip years and quantities: "2021年、2022年分别达到60%、70%" (or "2021-2022年分别…")."""
    dues = list(when.points)
    if when.ranges and not when.points and len(when.ranges) == 1:
        first, last = when.ranges[0]
        dues = [date(year, 12, 31) for year in range(first, last + 1)]
    if when.from_years or when.from_dates or not dues or len(dues) != len(quantities):
        return Unreadable(f"“分别”前后的年份与数量个数不一致：「{clause}」")
    explicit = {q.comparator for q in quantities if q.comparator is not None}
    if len(explicit) > 1 or any(q.unit is None for q in quantities) or APPROXIMATE in explicit:
        return Unreadable(f"“分别”中的数量或比较要求不一致：「{clause}」")
    comparator = explicit.pop() if explicit else ">="
    kind_of = {True: MilestoneKind.LEVEL, False: MilestoneKind.CUMULATIVE}
    return Fixed(
        tuple(
            MilestoneSpec(
                kind=kind_of[quantity.unit in SHARE_UNITS],
                due=due,
                comparator=comparator,
                target=float(quantity.value),
                unit=quantity.unit,
                upper=_optional_float(quantity.upper),
                source=clause,
            )
            for due, quantity in zip(dues, quantities, strict=True)
        )
    )


def _read_recurring(
    clause: str, when: When, quantity: Quantity, every: str, context: Context
) -> Item:
    """One annual milestone per year for "每年…"; per quarter / month for "每季度…"/"每月…"."""
    cycle = {"年": "年", "年度": "年", "季度": "季度", "季": "季度", "月": "月"}.get(every)
    if cycle is None:
        return Unreadable(f"暂不支持“每{every}”的周期：「{clause}」")
    span = _span(when, context)
    if span is None:
        return Unreadable(f"每{every}要求的起止年份不明确：「{clause}」")
    return Fixed(
        tuple(
            _numeric(MilestoneKind.ANNUAL, quantity, due, start, clause)
            for start, due in _cycles(cycle, *span)
        )
    )


def _read_maintain(clause: str, when: When, quantity: Quantity, context: Context) -> Item:
    if len(when.points) == 1 and time_count(when) == 1:
        return Fixed((_numeric(MilestoneKind.LEVEL, quantity, when.points[0], None, clause),))
    span = _span(when, context)
    if span is None:
        return Unreadable(f"保持要求的起止年份不明确：「{clause}」")
    return Fixed(
        tuple(
            _numeric(MilestoneKind.MAINTAIN, quantity, due, start, clause)
            for start, due in _cycles("年", *span)
        )
    )


def _read_share(clause: str, when: When, quantity: Quantity, context: Context) -> Item:
    """A percent or 倍: level by a date, or one level per year over "2021-2025年"/"2021年起"."""
    if quantity.comparator == "?":
        return Unreadable(f"比较要求前后矛盾：「{clause}」")
    if len(when.points) == 1 and time_count(when) == 1:
        return Fixed((_numeric(MilestoneKind.LEVEL, quantity, when.points[0], None, clause),))
    if not when.points and time_count(when) == 1:
        span = _span(when, context)
        if span is not None:
            return Fixed(
                tuple(
                    _numeric(MilestoneKind.LEVEL, quantity, due, start, clause)
                    for start, due in _cycles("年", *span)
                )
            )
    if not when.has_time:
        return Unreadable(f"未写明达到的时间：「{clause}」")
    return Unreadable(f"时间不止一个，无法对应：「{clause}」")


def _read_total(clause: str, when: When, quantity: Quantity, *, as_level: bool) -> Item:
    """A count by a date ("2025年达到50家"), or over a year range (due at its end); a count
    per head ("人均公园面积达到15平方米") or a duration ("压缩到3个工作日") is a level."""
    if time_count(when) != 1 or when.from_years or when.from_dates:
        if not when.has_time:
            return Unreadable(f"未写明完成数量的时间：「{clause}」")
        return Unreadable(f"累计数量的截止时间不明确：「{clause}」")
    due = when.points[0] if when.points else date(when.ranges[0][1], 12, 31)
    kind = MilestoneKind.LEVEL if as_level else MilestoneKind.CUMULATIVE
    return Fixed((_numeric(kind, quantity, due, None, clause),))


def _span(when: When, context: Context) -> tuple[int, int] | None:
    """Years a recurring or held target covers: a range, "起" to plan end, or the plan."""
    if when.points or when.from_dates or time_count(when) > 1:
        return None
    if when.ranges:
        return when.ranges[0]
    if when.from_years:
        return when.from_years[0], max(when.from_years[0], context.last_year)
    return context.first_year, context.last_year


def _cycles(cycle: str, first_year: int, last_year: int) -> list[tuple[date, date]]:
    """(start, due) of every year / quarter / month from first_year to last_year."""
    months_per_cycle = {"年": 12, "季度": 3, "月": 1}[cycle]
    cycles = []
    for year in range(first_year, last_year + 1):
        for first_month in range(1, 13, months_per_cycle):
            last_month = first_month + months_per_cycle - 1
            cycles.append((date(year, first_month, 1), month_end(year, last_month)))
    return cycles


def _numeric(
    kind: MilestoneKind, quantity: Quantity, due: date, start: date | None, source: str
) -> MilestoneSpec:
    return MilestoneSpec(
        kind=kind,
        due=due,
        comparator=quantity.comparator or ">=",
        target=float(quantity.value),
        unit=quantity.unit,
        start=start,
        upper=_optional_float(quantity.upper),
        source=source,
    )


def _optional_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
