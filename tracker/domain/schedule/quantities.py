"""Quantities of a schedule clause: "20%", "1.1倍", "0.8万人", "1-2家", "一次", with their
comparators ("以上"/"不低于"/"达到" → ">=", "超过" → ">", "以内"/"不超过" → "<="),
DESIGN.md §4, step 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from tracker.domain.schedule.times import CN_DIGITS, read_when, small_number

_UNITS = (
    "个百分点",
    "元/人",
    "平方公里",
    "平方米",
    "平米",
    "公里",
    "千米",
    "公顷",
    "公斤",
    "千克",
    "吨",
    "亩",
    "畝",
    "例",
    "张",
    "株",
    "只",
    "穴",
    "辆",
    "部",
    "栋",
    "宗",
    "份",
    "间",
    "岁",
    "年",
    "百分点",
    "人次",
    "场次",
    "家次",
    "个工作日",
    "工作日",
    "课时",
    "小时",
    "个月",
    "%",
    "倍",
    "人",
    "名",
    "位",
    "家",
    "个",
    "场",
    "次",
    "元",
    "所",
    "项",
    "期",
    "批",
    "户",
    "座",
    "处",
    "件",
    "支",
    "班",
    "篇",
    "天",
    "台",
    "套",
    "条",
    "轮",
    "届",
)
_UNIT_ALIASES = {
    "工作日": "个工作日",
    "名": "人",
    "位": "人",
    "个百分点": "百分点",
    "畝": "亩",
    "平米": "平方米",
    "千米": "公里",
    "千克": "公斤",
}
RATIO_UNIT = ":1"
#: Durations are levels ("办理时间压缩到3个工作日"), never running totals.
DURATION_UNITS = frozenset({"个工作日", "工作日", "个月", "天", "小时", "年"})
SHARE_UNITS = frozenset({"%", "倍", RATIO_UNIT})
_MULTIPLIERS = {
    "千": Decimal(1000),
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "万亿": Decimal(1_000_000_000_000),
}

_NUMBER = r"(?<![0-9])(?<![0-9]\.)([0-9]{1,12}(?:\.[0-9]{1,6})?)(?![0-9])"
_UNIT_ALTERNATIVES = "|".join(re.escape(unit) for unit in sorted(_UNITS, key=len, reverse=True))
_QUANTITY_RE = re.compile(
    _NUMBER + r"(?:(?:-|至|到)" + _NUMBER + r")?(万亿|千|万|亿)?(" + _UNIT_ALTERNATIVES + r")?"
    r"(/[\u4e00-\u9fff]{1,2})?"
)
# Chinese numerals only for occurrences ("每年至少开展一次"); "一批"/"一个主题" stay words,
# and so do "第二期" and "(二期)".
_CN_QUANTITY_RE = re.compile(r"(?<![第0-9(])([" + CN_DIGITS + r"]{1,3})(场次|次|场|期|轮|届)")
_RATIO_RE = re.compile(r"(?<![0-9.])([0-9]{1,4}(?:\.[0-9]{1,3})?)[:∶]1(?![0-9.])")

_PREFIX_COMPARATORS = {
    "提高到": ">=",
    "提升到": ">=",
    "提高至": ">=",
    "提升至": ">=",
    "增加到": ">=",
    "增长到": ">=",
    "扩大到": ">=",
    "增至": ">=",
    "达": ">=",
    "突破": ">",
    "压缩到": "<=",
    "压缩至": "<=",
    "缩短到": "<=",
    "缩短至": "<=",
    "减至": "<=",
    "降低到": "<=",
    "降低至": "<=",
    "下降到": "<=",
    "下降至": "<=",
    "降至": "<=",
    "减少到": "<=",
    "缩小到": "<=",
    "缩小至": "<=",
    "压减到": "<=",
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "至少": ">=",
    "达到": ">=",
    "超过": ">",
    "高于": ">",
    "多于": ">",
    "大于": ">",
    "不超过": "<=",
    "不高于": "<=",
    "不多于": "<=",
    "不大于": "<=",
    "最多": "<=",
    "控制在": "<=",
    "低于": "<",
    "少于": "<",
    "小于": "<",
}
_PREFIX_COMPARATOR_RE = re.compile("|".join(sorted(_PREFIX_COMPARATORS, key=len, reverse=True)))
_SUFFIX_COMPARATORS = {
    "及以上": ">=",
    "以上": ">=",
    "及以下": "<=",
    "以下": "<=",
    "以内": "<=",
    "之内": "<=",
}
_SUFFIX_COMPARATOR_RE = re.compile(
    "|".join(sorted([*_SUFFIX_COMPARATORS, "左右"], key=len, reverse=True))
)
#: The comparator of a quantity written "6%左右" with no direction: the reader must decide.
APPROXIMATE = "~"

EVERY_RE = re.compile(r"每(年度?|季度|季|月|两年|半年|[0-9]+年)")


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity of a clause: ``value`` (and ``upper`` of a range "1-2家") in ``unit``
    ("%", "倍", "人", "元", "公里", ":1" for a ratio "1.5:1"…, multipliers 千/万/亿 applied;
    ``None`` without a unit), its ``comparator`` (">=", ">", "<=", "<", "?" when
    contradictory, :data:`APPROXIMATE` for a bare "左右", ``None`` when unwritten) and its
    ``[begin, end)`` span in the clause text."""

    value: Decimal
    upper: Decimal | None
    unit: str | None
    comparator: str | None
    begin: int
    end: int


def read_quantities(text: str) -> tuple[list[Quantity], str]:
    """Quantities in ``text`` with their comparators, and the text with them cut out."""
    quantities = find_quantities(text)
    return quantities, cut_quantities(text, quantities)


def cut_quantities(text: str, quantities: list[Quantity]) -> str:
    """``text`` with the spans of ``quantities`` replaced by a space each."""
    rest = text
    for quantity in reversed(quantities):
        rest = f"{rest[: quantity.begin]} {rest[quantity.end :]}"
    return rest


def find_quantities(text: str) -> list[Quantity]:
    """Quantities in ``text`` (digits masked as "#" are not numbers), in text order."""
    matches = sorted(
        [
            *_RATIO_RE.finditer(text),
            *_QUANTITY_RE.finditer(text),
            *_CN_QUANTITY_RE.finditer(text),
        ],
        key=lambda m: (m.start(), m.re is not _RATIO_RE),
    )
    quantities: list[Quantity] = []
    previous_end = 0
    for match in matches:
        if match.start() < previous_end:
            continue
        quantity = _quantity_from(match, text, previous_end)
        if quantity is not None:
            quantities.append(quantity)
            previous_end = quantity.end
    return quantities


def _quantity_from(match: re.Match[str], text: str, window_start: int) -> Quantity | None:
    if match.re is _CN_QUANTITY_RE:
        number = small_number(match[1])
        if number is None:
            return None
        value, upper, unit = Decimal(number), None, match[2]
    elif match.re is _RATIO_RE:
        value, upper, unit = Decimal(match[1]), None, RATIO_UNIT
    else:
        multiplier = _MULTIPLIERS.get(match[3] or "", Decimal(1))
        value = Decimal(match[1]) * multiplier
        upper = Decimal(match[2]) * multiplier if match[2] else None
        unit = match[4] + match[5] if match[4] and match[5] else match[4]
        if unit == "年" and "." not in match[1]:
            return None  # "10.8年" is a duration; "2年" is left for the year readers
    unit = _UNIT_ALIASES.get(unit, unit) if unit else None
    end = match.end()
    suffix = _SUFFIX_COMPARATOR_RE.match(text, end)
    prefixes = list(_PREFIX_COMPARATOR_RE.finditer(text, window_start, match.start()))
    approximate = suffix is not None and suffix[0] == "左右"
    comparators = {_SUFFIX_COMPARATORS[suffix[0]]} if suffix and not approximate else set()
    if prefixes:
        comparators.add(_PREFIX_COMPARATORS[prefixes[-1][0]])
    if suffix:
        end = suffix.end()
    comparator = comparators.pop() if len(comparators) == 1 else ("?" if comparators else None)
    if comparator is None and approximate:
        comparator = APPROXIMATE
    return Quantity(value, upper, unit, comparator, match.start(), end)


def single_task_quantity(task_text: str, first_year: int) -> Quantity | None:
    """The task's one clear count ("培育150名…" → 150 人), or None when there are several."""
    if EVERY_RE.search(task_text):
        return None
    without_years = read_when(task_text, first_year).rest
    quantities = [q for q in read_quantities(without_years)[0] if q.unit is not None]
    if len(quantities) != 1:
        return None
    quantity = quantities[0]
    if quantity.unit in SHARE_UNITS or quantity.unit == "百分点" or quantity.upper is not None:
        return None
    if quantity.comparator in (APPROXIMATE, "?"):
        return None  # "培训5.6万人左右": no clear count
    return quantity


# ---------------------------------------------------------------------------------------------
# One clause
# ---------------------------------------------------------------------------------------------
