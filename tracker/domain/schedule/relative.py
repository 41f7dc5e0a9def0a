"""Targets against a base year's actual value (issue 10, item 2).

"单位GDP能耗较2022年下降8%" → a level milestone relative to 2022 (percent change −8, lower
is better); "比2020年提高5个百分点" → a level difference of +5 (个百分点 is a difference of
levels, not a ratio); "比2020年翻一番" → twice the base ("翻两番": four times), the base year
being the plan's start (the year before its first year) when none is written. The concrete
target is known only once the base year's actual is (see :mod:`tracker.domain.lag`).
Everything else relative (several quantities, "倍", "每年", no date) goes to review.
"""

from __future__ import annotations

import re
from datetime import date

from tracker.domain.milestones import MilestoneKind, MilestoneSpec, Relative, RelativeKind
from tracker.domain.schedule.items import Context, Fixed, Item, Unreadable
from tracker.domain.schedule.quantities import APPROXIMATE, cut_quantities, find_quantities
from tracker.domain.schedule.scope import DOUBLING_RE, mask_scope
from tracker.domain.schedule.text import RESPECTIVELY
from tracker.domain.schedule.times import When

_UP_RE = re.compile(r"(?:增长|提高|提升|增加|扩大|上升)(?![到至])")
_DOWN_RE = re.compile(r"(?:下降|降低|减少|缩小|压减|减排)(?![到至])")
_YEARLY_RE = re.compile(r"逐年|每年|年均")
_FLIPPED = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}
# Several indicators against one base: "国内生产总值和城乡居民人均收入比2010年翻一番"
# ("重度及以上污染天数" is one indicator).
_SEVERAL_RE = re.compile(r"和|、|与|及(?!以[上下])")
_BASE_YEAR_RE = re.compile(r"([0-9]{4})年")


def base_year_of(when: When, context: Context) -> int | None:
    """The written base year ("较2022年" → 2022), else the plan's start (first year − 1)."""
    if when.relative_base is None:
        return context.first_year - 1
    found = _BASE_YEAR_RE.match(when.relative_base)
    return int(found[1]) if found else None


def read_relative(clause: str, when: When, context: Context) -> Item:
    """The relative milestone of a clause whose dates are already governed (one due date)."""
    base_year = base_year_of(when, context)
    if base_year is None:
        return Unreadable(f"相对目标的基期年份无法识别，请人工核对：「{clause}」")
    masked = mask_scope(when.rest)
    quantities = find_quantities(masked)
    rest = cut_quantities(masked, quantities)
    if re.search(r"[0-9]", rest):
        return Unreadable(f"含无法识别的数字：「{clause}」")
    if RESPECTIVELY in rest or _SEVERAL_RE.search(rest):
        return Unreadable(f"一句中有多个相对基期的指标，请拆分：「{clause}」")
    if _YEARLY_RE.search(rest):
        return Unreadable(f"相对基期的年均增减，请人工核对：「{clause}」")
    due = _one_due(when)
    if due is None:
        return Unreadable(f"相对{base_year}年的目标未写明唯一的完成时间：「{clause}」")
    if due.year <= base_year:
        return Unreadable(f"完成时间不晚于基期{base_year}年：「{clause}」")
    doubling = DOUBLING_RE.search(rest)
    if doubling is not None:
        if quantities:
            return Unreadable(f"“翻番”与数量同时出现：「{clause}」")
        factor = 4.0 if "两番" in doubling[0] else 2.0
        relative = Relative(base_year, RelativeKind.MULTIPLE, factor)
        return _fixed(clause, due, ">=", None, relative)
    if len(quantities) != 1 or quantities[0].unit not in ("%", "百分点"):
        return Unreadable(f"相对{base_year}年的增减幅度无法识别：「{clause}」")
    quantity = quantities[0]
    going_up = _UP_RE.search(rest) is not None
    if going_up == (_DOWN_RE.search(rest) is not None) or quantity.upper is not None:
        return Unreadable(f"相对{base_year}年是增加还是减少不明确：「{clause}」")
    written = quantity.comparator
    if written == "?" or written not in (None, APPROXIMATE, *_FLIPPED):
        return Unreadable(f"比较要求前后矛盾：「{clause}」")
    direct = written if written in _FLIPPED else None
    # "下降8%以上": a fall of at least 8 % → the level itself is at most base × 0.92.
    comparator = (direct or ">=") if going_up else (_FLIPPED[direct] if direct else "<=")
    amount = float(quantity.value) if going_up else -float(quantity.value)
    if quantity.unit == "百分点":
        relative = Relative(base_year, RelativeKind.LEVEL_CHANGE, amount)
        return _fixed(clause, due, comparator, "%", relative)
    relative = Relative(base_year, RelativeKind.PERCENT_CHANGE, amount)
    return _fixed(clause, due, comparator, None, relative)


def _one_due(when: When) -> date | None:
    counted = len(when.points) + len(when.from_years) + len(when.ranges) + len(when.from_dates)
    if counted != 1 or when.from_years or when.from_dates:
        return None
    if when.points:
        return when.points[0]
    return date(when.ranges[0][1], 12, 31)


def _fixed(clause: str, due: date, comparator: str, unit: str | None, relative: Relative) -> Fixed:
    spec = MilestoneSpec(
        kind=MilestoneKind.LEVEL,
        due=due,
        comparator=comparator,
        target=None,
        unit=unit,
        source=clause,
        relative=relative,
    )
    return Fixed((spec,))
