"""One clause of a schedule → its reading: markers decide the kind (DESIGN.md §4, step 3).

"每年"/"每季度"/"每月" (annual), "保持"/"控制在" (maintain), "逐年递增"/"每年按6%递增"
(growth), "全覆盖"/"全部完成" (100 %), "常态化…" (ongoing); otherwise a percent or 倍 is a
level, a count a cumulative total and plain words a stage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from tracker.domain.milestones import MilestoneKind, MilestoneSpec
from tracker.domain.schedule.items import (
    Base,
    Context,
    Fixed,
    Growth,
    Item,
    Ongoing,
    Unreadable,
)
from tracker.domain.schedule.quantities import EVERY_RE, SHARE_UNITS, Quantity, read_quantities
from tracker.domain.schedule.text import ONGOING_RE, RESPECTIVELY, words_of
from tracker.domain.schedule.times import When, month_end, read_when

_FULL_RE = re.compile(
    r"全覆盖|全面覆盖|全部覆盖|全部完成|全面完成|全部实现|全部达标"
    r"|(?:所有|全部)[^,;]*全面(?:实施|推行|推开)"
)
_ALL_DONE_RE = re.compile(r"全部完成|全面完成")
_MAINTAIN_RE = re.compile(r"保持|维持|稳定在|控制在")
_YEARLY_CHANGE_RE = re.compile(r"逐年|每年|年均")
_INCREASE = r"递增|增长|提高|提升|增加|扩大|上升"
_DECREASE = r"递减|下降|降低|减少|缩小|压减"
_CHANGE_RE = re.compile(f"(?P<up>{_INCREASE})|(?P<down>{_DECREASE})")
_RATE_RE = re.compile(
    r"(?:逐年|每年|年均)(?:按|以)?(?:[^0-9,;]{0,4}?)(?P<a>[0-9.]+)%(?:的)?(?:速度|幅度|比例)?"
    f"(?:{_INCREASE}|{_DECREASE})"
    r"|(?:逐年|每年|年均)(?:" + _INCREASE + "|" + _DECREASE + r")率?(?:为|达到)?(?P<b>[0-9.]+)%"
)


def read_clause(clause: str, context: Context) -> list[Item]:
    """Readings of one clause: its time problems as :class:`Unreadable` items, then a
    :class:`Base` ("以2018年为基数") or what its markers and quantities mean (DESIGN.md §4)."""
    when = read_when(clause, context.first_year)
    problems: list[Item] = [Unreadable(f"{p}：「{clause}」") for p in when.problems]
    if when.has_base and not words_of(when.rest):
        start = when.base_start if when.base_start is not None else _only(when.from_years)
        return [*problems, Base(start, clause)]
    readings = _read_meaning(clause, when, context)
    return [*problems, *readings]


def _read_meaning(clause: str, when: When, context: Context) -> list[Item]:
    if ONGOING_RE.search(when.rest):
        return [_read_ongoing(clause, when, context)]
    quantities, rest = read_quantities(when.rest)
    if re.search(r"[0-9]", rest):
        return [Unreadable(f"含无法识别的数字：「{clause}」")]
    if _CHANGE_RE.search(rest) and _YEARLY_CHANGE_RE.search(rest):
        growth = _read_growth(clause, when, quantities)
        if growth is not None:
            return [growth]
    if _FULL_RE.search(rest):
        return [_read_full(clause, when, quantities, context)]
    if quantities:
        return [_read_quantity_clause(clause, when, quantities, rest, context)]
    return [_read_stage(clause, when, rest)]


def _only(values: Sequence[int]) -> int | None:
    return values[0] if len(values) == 1 else None


def _time_count(when: When) -> int:
    return len(when.points) + len(when.from_years) + len(when.ranges)


def _read_ongoing(clause: str, when: When, context: Context) -> Item:
    if _time_count(when) > 1:
        return Unreadable(f"常态化工作的时间不止一个：「{clause}」")
    if read_quantities(when.rest)[0]:
        return Unreadable(f"常态化工作带有数量，无法确定考核口径：「{clause}」")
    start: date | None = None
    due: date | None = None
    if when.ranges:
        start, due = date(when.ranges[0][0], 1, 1), date(when.ranges[0][1], 12, 31)
    elif when.from_years:
        start = date(when.from_years[0], 1, 1)
    elif when.points:
        start = date(when.points[0].year, 1, 1)
    return Ongoing(start, due, clause)


def _read_growth(clause: str, when: When, quantities: list[Quantity]) -> Item | None:
    """Growth: "逐年递增" → factor 1 with ">"; "每年按6%递增" → 1.06 with ">=".

    Returns None when the change is a count ("每年增加3家" is an annual target, not growth).
    """
    if quantities and all(q.unit not in SHARE_UNITS for q in quantities):
        return None
    change = _CHANGE_RE.search(when.rest)
    going_up = change is not None and change["up"] is not None
    if len(quantities) > 1 or _time_count(when) > 1 or when.points:
        return Unreadable(f"增长要求的时间或幅度不明确：「{clause}」")
    if not quantities:
        return Growth(">" if going_up else "<", 1.0, *_growth_years(when), clause)
    rate = _RATE_RE.search(when.rest)
    if rate is None or quantities[0].unit != "%":
        return Unreadable(f"增长幅度无法识别：「{clause}」")
    step = Decimal(rate["a"] or rate["b"]) / 100
    factor = Decimal(1) + step if going_up else Decimal(1) - step
    return Growth(">=" if going_up else "<=", float(factor), *_growth_years(when), clause)


def _growth_years(when: When) -> tuple[int | None, int | None]:
    if when.ranges:
        return when.ranges[0]
    if when.from_years:
        return when.from_years[0], None
    return when.base_start, None


def _read_full(clause: str, when: When, quantities: list[Quantity], context: Context) -> Item:
    if any(q.value != 100 or q.unit != "%" for q in quantities):
        return Unreadable(f"全覆盖与数量同时出现：「{clause}」")
    task_quantity = context.task_quantity
    if _ALL_DONE_RE.search(when.rest) and task_quantity is not None and len(when.points) == 1:
        return Fixed(
            (
                MilestoneSpec(
                    kind=MilestoneKind.CUMULATIVE,
                    due=when.points[0],
                    comparator=">=",
                    target=float(task_quantity.value),
                    unit=task_quantity.unit,
                    source=clause,
                ),
            )
        )
    full = Quantity(Decimal(100), None, "%", ">=", 0, 0)
    return _read_share(clause, when, full, context)


def _read_quantity_clause(
    clause: str, when: When, quantities: list[Quantity], rest: str, context: Context
) -> Item:
    if RESPECTIVELY in rest:
        return _read_respectively(clause, when, quantities, context)
    if len(quantities) > 1:
        return Unreadable(f"一句中有多个数量，无法对应：「{clause}」")
    quantity = quantities[0]
    if quantity.unit is None:
        return Unreadable(f"数量缺少单位：「{clause}」")
    if quantity.unit == "百分点":
        return Unreadable(f"暂不支持按百分点增减的要求：「{clause}」")
    if quantity.comparator == "?":
        return Unreadable(f"比较要求前后矛盾：「{clause}」")
    every = EVERY_RE.search(rest)
    if every is not None:
        return _read_recurring(clause, when, quantity, every[1], context)
    if _MAINTAIN_RE.search(rest):
        return _read_maintain(clause, when, quantity, context)
    if quantity.unit in SHARE_UNITS:
        return _read_share(clause, when, quantity, context)
    return _read_total(clause, when, quantity)


def _read_respectively(
    clause: str, when: When, quantities: list[Quantity], context: Context
) -> Item:
    """Zip years and quantities: "2021年、2022年分别达到60%、70%" (or "2021-2022年分别…")."""
    dues = list(when.points)
    if when.ranges and not when.points and len(when.ranges) == 1:
        first, last = when.ranges[0]
        dues = [date(year, 12, 31) for year in range(first, last + 1)]
    if when.from_years or not dues or len(dues) != len(quantities):
        return Unreadable(f"“分别”前后的年份与数量个数不一致：「{clause}」")
    explicit = {q.comparator for q in quantities if q.comparator is not None}
    if len(explicit) > 1 or any(q.unit is None for q in quantities):
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
    if len(when.points) == 1 and not when.ranges and not when.from_years:
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
    if len(when.points) == 1 and _time_count(when) == 1:
        return Fixed((_numeric(MilestoneKind.LEVEL, quantity, when.points[0], None, clause),))
    if not when.points and _time_count(when) == 1:
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


def _read_total(clause: str, when: When, quantity: Quantity) -> Item:
    """A count by a date ("2025年达到50家"), or over a year range (due at its end)."""
    if _time_count(when) != 1 or when.from_years:
        if not when.has_time:
            return Unreadable(f"未写明完成数量的时间：「{clause}」")
        return Unreadable(f"累计数量的截止时间不明确：「{clause}」")
    due = when.points[0] if when.points else date(when.ranges[0][1], 12, 31)
    return Fixed((_numeric(MilestoneKind.CUMULATIVE, quantity, due, None, clause),))


def _read_stage(clause: str, when: When, rest: str) -> Item:
    if EVERY_RE.search(rest):
        return Unreadable(f"周期性要求缺少数量：「{clause}」")
    words = words_of(rest)
    if not words:
        return Unreadable(f"只有时间，没有内容：「{clause}」")
    if not when.has_time:
        return Unreadable(f"无法识别：「{clause}」")
    if when.from_years or _time_count(when) != 1:
        return Unreadable(f"阶段性工作的完成时间不明确：「{clause}」")
    due = when.points[0] if when.points else date(when.ranges[0][1], 12, 31)
    return Fixed((MilestoneSpec(kind=MilestoneKind.STAGE, due=due, target=words, source=clause),))


def _span(when: When, context: Context) -> tuple[int, int] | None:
    """Years a recurring or held target covers: a range, "起" to plan end, or the plan."""
    if when.points or _time_count(when) > 1:
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
