"""The schedule grammar: a task's 时间进度 text → typed milestones (DESIGN.md §4).

The grammar works on building blocks, not on whole sentences:

1. the text is normalised (NFKC, no whitespace) and split into clauses on ，,；;。, on
   "、" when a new year begins ("2019年达到20%、2020年达到35%"), and before a trailing
   "常态化…" ("2020年完成并常态化推进" → "2020年完成" + "常态化推进");
2. in each clause the time expressions are read and cut out ("2019年", "2020起",
   "2021-2025年", "2021年6月底前", "3年内", "到2025年", "以2018年为基数"), then the
   quantities ("20%", "1.1倍", "0.8万人", "1-2家") with their comparators
   ("以上"/"不低于"/"不少于"/"达到" → ">=", "超过" → ">", "以内"/"不超过"/"控制在" → "<=");
3. markers decide the kind: "每年"/"每季度"/"每月" (annual), "保持"/"控制在" (maintain),
   "逐年递增"/"每年按6%递增" (growth), "全覆盖"/"全部完成" (100 %), "常态化…" (ongoing),
   otherwise a percent or 倍 is a level, a count a cumulative total and plain words a stage;
4. growth years and the start of an open-ended "常态化…" depend on the neighbouring
   clauses, so they are resolved after all clauses are read.

Whatever cannot be read with confidence is reported in ``ParsedSchedule.reasons`` (Chinese)
with ``needs_review=True``; nothing is silently guessed.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from tracker.domain.milestones import (
    MilestoneKind,
    MilestoneSpec,
    ParsedSchedule,
    ScheduleParseError,
)

__all__ = ["MAX_YEAR", "MIN_YEAR", "parse_schedule"]

#: Years the grammar accepts; anything else is not read as a year.
MIN_YEAR = 1900
MAX_YEAR = 2199

_LONGEST_WITHIN_YEARS = 100

# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------

_YEAR = r"(?<![0-9])([0-9]{4})"
_BY = r"(?:到|至|截至|截止|于|在)?"
_BEFORE = r"(?:前|之前|以前)?"
_CN_DIGITS = "一二两三四五六七八九十"

_RANGE_RE = re.compile(_YEAR + r"年?度?(?:-|至|到)" + _YEAR + r"年度?(?:期间|间|内)?")
_BASE_RE = re.compile(
    r"以(?:" + _YEAR + r"年?度?|上一?年度?)[^,;为]{0,12}为(?:基数|基期|基准|基础)"
)
_FROM_RE = re.compile(_YEAR + r"年?度?(?:起|开始|以来|以后|之后)")
_MONTH_RE = re.compile(_BY + _YEAR + r"年([0-9]{1,2})月份?(底|末)?(前|之前|以前)?")
_PART_OF_YEAR_RE = re.compile(
    _BY + _YEAR + r"年(上半年|下半年|第?[一二三四1-4]季度?)(?:末|底)?" + _BEFORE
)
_WITHIN_RE = re.compile(r"(?<![0-9])([0-9]{1,3}|[" + _CN_DIGITS + r"]{1,3})年(?:之内|以内|内)")
_POINT_RE = re.compile(_BY + _YEAR + r"年度?(?:底|末|内)?" + _BEFORE)

_UNITS = (
    "个百分点",
    "百分点",
    "人次",
    "场次",
    "家次",
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
_UNIT_ALIASES = {"名": "人", "位": "人", "个百分点": "百分点"}
_SHARE_UNITS = frozenset({"%", "倍"})
_MULTIPLIERS = {"千": Decimal(1000), "万": Decimal(10_000), "亿": Decimal(100_000_000)}

_NUMBER = r"(?<![0-9])(?<![0-9]\.)([0-9]{1,12}(?:\.[0-9]{1,6})?)(?![0-9])"
_UNIT_ALTERNATIVES = "|".join(re.escape(unit) for unit in sorted(_UNITS, key=len, reverse=True))
_QUANTITY_RE = re.compile(
    _NUMBER + r"(?:(?:-|至|到)" + _NUMBER + r")?(千|万|亿)?(" + _UNIT_ALTERNATIVES + r")?"
)
# Chinese numerals only for occurrences ("每年至少开展一次"); "一批"/"一个主题" stay words.
_CN_QUANTITY_RE = re.compile(r"(?<![第0-9])([" + _CN_DIGITS + r"]{1,3})(场次|次|场|期|轮|届)")

_PREFIX_COMPARATORS = {
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
_SUFFIX_COMPARATOR_RE = re.compile("|".join(sorted(_SUFFIX_COMPARATORS, key=len, reverse=True)))

_ONGOING_RE = re.compile(
    r"常态化(?:开展|推进|实施|运行|管理)?|长期坚持|长期开展|持续推进|持续开展|坚持开展|长效推进"
)
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
_EVERY_RE = re.compile(r"每(年度?|季度|季|月|两年|半年|[0-9]+年)")
_RESPECTIVELY = "分别"
_BARE_YEAR_RE = re.compile(r"(?:到|至)?[0-9]{4}年?度?")
_NEW_YEAR_START_RE = re.compile(r"(?:到|至|截至)?[0-9]{4}")
_FILLER = " 、,;:。.…的\"'“”‘’()（）《》"
_LEFTOVER_JOINERS = re.compile(r"(?:并|且|后|之后|然后|同时)$")


# ---------------------------------------------------------------------------------------------
# Intermediate readings of one clause
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    first_year: int
    last_year: int
    task_quantity: _Quantity | None


@dataclass(frozen=True, slots=True)
class _Quantity:
    value: Decimal
    upper: Decimal | None
    unit: str | None
    comparator: str | None
    begin: int
    end: int


@dataclass(slots=True)
class _When:
    """The time expressions of one clause, cut out of its text (``rest``)."""

    rest: str
    points: list[date] = field(default_factory=list)
    from_years: list[int] = field(default_factory=list)
    ranges: list[tuple[int, int]] = field(default_factory=list)
    base_start: int | None = None
    has_base: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def has_time(self) -> bool:
        return bool(self.points or self.from_years or self.ranges)


@dataclass(frozen=True, slots=True)
class _Fixed:
    milestones: tuple[MilestoneSpec, ...]


@dataclass(frozen=True, slots=True)
class _Growth:
    comparator: str
    factor: float
    first_year: int | None
    last_year: int | None
    source: str


@dataclass(frozen=True, slots=True)
class _Base:
    start_year: int | None
    source: str


@dataclass(frozen=True, slots=True)
class _Ongoing:
    start: date | None
    due: date | None
    source: str


@dataclass(frozen=True, slots=True)
class _Unreadable:
    reason: str


_Item = _Fixed | _Growth | _Base | _Ongoing | _Unreadable


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def parse_schedule(schedule_text: str, task_text: str, period: tuple[int, int]) -> ParsedSchedule:
    """Read a task's schedule text into dated milestones (DESIGN.md §4).

    - ``schedule_text``: the 时间进度 cell as written, e.g. "2019年达到20%，2025年全覆盖".
    - ``task_text``: the 责任分解 cell; its quantity is used only when the schedule says
      "全部完成" and the task names exactly one count ("培育150名…" → cumulative ≥150 人).
    - ``period``: the plan's (first_year, last_year), e.g. (2019, 2025); open-ended kinds
      (每年…, 保持…, 常态化…) cover these years and "3年内" counts from first_year.

    Returns a :class:`ParsedSchedule` whose milestones are in due order. Dates: "2019年" is
    2019-12-31, "2021年6月底前" is 2021-06-30; per-year milestones start on 1 January.
    Targets: percent as 0–100 with unit "%", ratios in "倍", counts in 人/家/次…, money in
    元 ("80万元" → 800000 元), growth as a factor on the year before (1.06) with unit None.
    Any part that cannot be read with confidence sets ``needs_review`` and adds a Chinese
    reason; an empty text gives no milestones and the reason "时间进度为空".

    Raises :class:`ScheduleParseError` only for bad arguments: a period that is not two
    years ``MIN_YEAR <= first_year <= last_year <= MAX_YEAR``, or a non-text schedule.
    """
    first_year, last_year = _checked_period(period)
    if not isinstance(schedule_text, str):
        raise ScheduleParseError("时间进度不是文本", repr(schedule_text))
    text = _normalize(schedule_text)
    if not text:
        return ParsedSchedule(milestones=(), needs_review=True, reasons=("时间进度为空",))
    task = _normalize(task_text) if isinstance(task_text, str) else ""
    context = _Context(first_year, last_year, _single_task_quantity(task, first_year))
    items = [
        item
        for clause in _split_clauses(text, first_year)
        for item in _read_clause(clause, context)
    ]
    milestones, reasons = _resolve(items, context)
    reasons.extend(_out_of_period_reasons(milestones, context))
    if not milestones and not reasons:
        reasons.append(f"未识别出任何节点：「{text}」")
    ordered = tuple(sorted(milestones, key=lambda milestone: milestone.due))
    unique_reasons = tuple(dict.fromkeys(reasons))
    return ParsedSchedule(
        milestones=ordered, needs_review=bool(unique_reasons), reasons=unique_reasons
    )


# ---------------------------------------------------------------------------------------------
# Arguments and text
# ---------------------------------------------------------------------------------------------


def _checked_period(period: tuple[int, int]) -> tuple[int, int]:
    try:
        first_year, last_year = period
    except (TypeError, ValueError) as error:
        raise ScheduleParseError("方案期限应为(起始年, 结束年)", repr(period)) from error
    years = (first_year, last_year)
    if not all(isinstance(year, int) and not isinstance(year, bool) for year in years):
        raise ScheduleParseError("方案期限的年份应为整数", repr(period))
    if not MIN_YEAR <= first_year <= last_year <= MAX_YEAR:
        raise ScheduleParseError(
            f"方案期限应满足 {MIN_YEAR} ≤ 起始年 ≤ 结束年 ≤ {MAX_YEAR}", repr(period)
        )
    return first_year, last_year


def _normalize(text: str) -> str:
    """Full-width forms to ASCII (NFKC), dashes to "-", whitespace removed."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[—–‒―~〜]", "-", text)
    return re.sub(r"\s+", "", text)


def _split_clauses(text: str, first_year: int) -> list[str]:
    clauses: list[str] = []
    for sentence in re.split(r"[,;。!?\n]+", text):
        for part in _split_enumeration(sentence):
            clauses.extend(_split_ongoing_tail(part, first_year))
    return [clause for clause in clauses if clause.strip(_FILLER)]


def _split_enumeration(sentence: str) -> list[str]:
    """Split on "、" where a new year begins, unless the years belong together (分别, 2019年、)."""
    if _RESPECTIVELY in sentence:
        return [sentence]
    parts: list[str] = []
    for piece in sentence.split("、"):
        starts_new = _NEW_YEAR_START_RE.match(piece) is not None
        if parts and starts_new and not _BARE_YEAR_RE.fullmatch(parts[-1]):
            parts.append(piece)
        elif parts:
            parts[-1] = f"{parts[-1]}、{piece}"
        else:
            parts.append(piece)
    return parts


def _split_ongoing_tail(clause: str, first_year: int) -> list[str]:
    """Cut a trailing 常态化…: "2020年完成并常态化推进" → "2020年完成" + "常态化推进".

    A head that is only a time ("2021年起常态化开展") stays with the ongoing clause.
    """
    match = _ONGOING_RE.search(clause)
    if match is None or match.start() == 0:
        return [clause]
    head = _LEFTOVER_JOINERS.sub("", clause[: match.start()])
    when = _read_when(head, first_year)
    if when.has_time and _words(when.rest):
        return [head, clause[match.start() :]]
    return [clause]


def _words(text: str) -> str:
    return text.replace(" ", "").strip(_FILLER)


# ---------------------------------------------------------------------------------------------
# Time expressions
# ---------------------------------------------------------------------------------------------


def _read_when(clause: str, first_year: int) -> _When:
    """Cut the time expressions out of a clause; "N年内" ends with year first_year + N - 1."""
    when = _When(rest=clause)
    when.rest = _RANGE_RE.sub(lambda m: _take_range(when, m), when.rest)
    when.rest = _BASE_RE.sub(lambda m: _take_base(when, m), when.rest)
    when.rest = _FROM_RE.sub(lambda m: _take_from(when, m), when.rest)
    when.rest = _MONTH_RE.sub(lambda m: _take_month(when, m), when.rest)
    when.rest = _PART_OF_YEAR_RE.sub(lambda m: _take_part_of_year(when, m), when.rest)
    when.rest = _WITHIN_RE.sub(lambda m: _take_within(when, m, first_year), when.rest)
    when.rest = _POINT_RE.sub(lambda m: _take_point(when, m), when.rest)
    return when


def _valid_year(when: _When, text: str) -> int | None:
    year = int(text)
    if MIN_YEAR <= year <= MAX_YEAR:
        return year
    when.problems.append(f"年份{text}无法识别")
    return None


def _take_range(when: _When, match: re.Match[str]) -> str:
    first, last = _valid_year(when, match[1]), _valid_year(when, match[2])
    if first is not None and last is not None:
        if first <= last:
            when.ranges.append((first, last))
        else:
            when.problems.append(f"年份区间{match[0]}起止颠倒")
    return " "


def _take_base(when: _When, match: re.Match[str]) -> str:
    when.has_base = True
    if match[1] is not None:
        year = _valid_year(when, match[1])
        when.base_start = None if year is None else year + 1
    return " "


def _take_from(when: _When, match: re.Match[str]) -> str:
    year = _valid_year(when, match[1])
    if year is not None:
        when.from_years.append(year)
    return " "


def _take_month(when: _When, match: re.Match[str]) -> str:
    year, month = _valid_year(when, match[1]), int(match[2])
    if not 1 <= month <= 12:
        when.problems.append(f"月份{match[2]}无法识别")
    elif year is not None:
        if match[4] and not match[3]:
            when.problems.append(f"「{match[0]}」是否含当月不明确，按月底计")
        when.points.append(_month_end(year, month))
    return " "


def _take_part_of_year(when: _When, match: re.Match[str]) -> str:
    year = _valid_year(when, match[1])
    if year is not None:
        when.points.append(_month_end(year, _last_month_of(match[2])))
    return " "


def _last_month_of(part: str) -> int:
    if part == "上半年":
        return 6
    if part == "下半年":
        return 12
    quarter = "一二三四1234".index(part.lstrip("第")[0]) % 4 + 1
    return quarter * 3


def _take_within(when: _When, match: re.Match[str], first_year: int) -> str:
    years = _small_number(match[1])
    if years is None or not 1 <= years <= _LONGEST_WITHIN_YEARS:
        when.problems.append(f"「{match[0]}」年数无法识别")
    elif first_year + years - 1 > MAX_YEAR:
        when.problems.append(f"「{match[0]}」超出可识别的年份")
    else:
        when.points.append(date(first_year + years - 1, 12, 31))
    return " "


def _take_point(when: _When, match: re.Match[str]) -> str:
    year = _valid_year(when, match[1])
    if year is not None:
        when.points.append(date(year, 12, 31))
    return " "


def _small_number(text: str) -> int | None:
    """Arabic or Chinese numerals up to 99 ("3", "三", "十二", "二十")."""
    if text.isascii():
        return int(text) if text.isdigit() else None
    values = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"两": 2}
    if "十" not in text:
        return values.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    tens_value = values.get(tens, -100) if tens else 1
    ones_value = values.get(ones, -100) if ones else 0
    number = tens_value * 10 + ones_value
    return number if number > 0 else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------------------------------------
# Quantities
# ---------------------------------------------------------------------------------------------


def _read_quantities(text: str) -> tuple[list[_Quantity], str]:
    """Quantities in ``text`` with their comparators, and the text with them cut out."""
    matches = sorted(
        [*_QUANTITY_RE.finditer(text), *_CN_QUANTITY_RE.finditer(text)], key=lambda m: m.start()
    )
    quantities: list[_Quantity] = []
    previous_end = 0
    for match in matches:
        if match.start() < previous_end:
            continue
        quantity = _quantity_from(match, text, previous_end)
        if quantity is not None:
            quantities.append(quantity)
            previous_end = quantity.end
    rest = text
    for quantity in reversed(quantities):
        rest = f"{rest[: quantity.begin]} {rest[quantity.end :]}"
    return quantities, rest


def _quantity_from(match: re.Match[str], text: str, window_start: int) -> _Quantity | None:
    if match.re is _CN_QUANTITY_RE:
        number = _small_number(match[1])
        if number is None:
            return None
        value, upper, unit = Decimal(number), None, match[2]
    else:
        multiplier = _MULTIPLIERS.get(match[3] or "", Decimal(1))
        value = Decimal(match[1]) * multiplier
        upper = Decimal(match[2]) * multiplier if match[2] else None
        unit = match[4]
    unit = _UNIT_ALIASES.get(unit, unit) if unit else None
    end = match.end()
    suffix = _SUFFIX_COMPARATOR_RE.match(text, end)
    prefixes = list(_PREFIX_COMPARATOR_RE.finditer(text, window_start, match.start()))
    comparators = {_SUFFIX_COMPARATORS[suffix[0]]} if suffix else set()
    if prefixes:
        comparators.add(_PREFIX_COMPARATORS[prefixes[-1][0]])
    if suffix:
        end = suffix.end()
    comparator = comparators.pop() if len(comparators) == 1 else ("?" if comparators else None)
    return _Quantity(value, upper, unit, comparator, match.start(), end)


def _single_task_quantity(task_text: str, first_year: int) -> _Quantity | None:
    """The task's one clear count ("培育150名…" → 150 人), or None when there are several."""
    if _EVERY_RE.search(task_text):
        return None
    without_years = _read_when(task_text, first_year).rest
    quantities = [q for q in _read_quantities(without_years)[0] if q.unit is not None]
    if len(quantities) != 1:
        return None
    quantity = quantities[0]
    if quantity.unit in _SHARE_UNITS or quantity.unit == "百分点" or quantity.upper is not None:
        return None
    return quantity


# ---------------------------------------------------------------------------------------------
# One clause
# ---------------------------------------------------------------------------------------------


def _read_clause(clause: str, context: _Context) -> list[_Item]:
    when = _read_when(clause, context.first_year)
    problems: list[_Item] = [_Unreadable(f"{p}：「{clause}」") for p in when.problems]
    if when.has_base and not _words(when.rest):
        start = when.base_start if when.base_start is not None else _only(when.from_years)
        return [*problems, _Base(start, clause)]
    readings = _read_meaning(clause, when, context)
    return [*problems, *readings]


def _read_meaning(clause: str, when: _When, context: _Context) -> list[_Item]:
    if _ONGOING_RE.search(when.rest):
        return [_read_ongoing(clause, when, context)]
    quantities, rest = _read_quantities(when.rest)
    if re.search(r"[0-9]", rest):
        return [_Unreadable(f"含无法识别的数字：「{clause}」")]
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


def _time_count(when: _When) -> int:
    return len(when.points) + len(when.from_years) + len(when.ranges)


def _read_ongoing(clause: str, when: _When, context: _Context) -> _Item:
    if _time_count(when) > 1:
        return _Unreadable(f"常态化工作的时间不止一个：「{clause}」")
    if _read_quantities(when.rest)[0]:
        return _Unreadable(f"常态化工作带有数量，无法确定考核口径：「{clause}」")
    start: date | None = None
    due: date | None = None
    if when.ranges:
        start, due = date(when.ranges[0][0], 1, 1), date(when.ranges[0][1], 12, 31)
    elif when.from_years:
        start = date(when.from_years[0], 1, 1)
    elif when.points:
        start = date(when.points[0].year, 1, 1)
    return _Ongoing(start, due, clause)


def _read_growth(clause: str, when: _When, quantities: list[_Quantity]) -> _Item | None:
    """Growth: "逐年递增" → factor 1 with ">"; "每年按6%递增" → 1.06 with ">=".

    Returns None when the change is a count ("每年增加3家" is an annual target, not growth).
    """
    if quantities and all(q.unit not in _SHARE_UNITS for q in quantities):
        return None
    change = _CHANGE_RE.search(when.rest)
    going_up = change is not None and change["up"] is not None
    if len(quantities) > 1 or _time_count(when) > 1 or when.points:
        return _Unreadable(f"增长要求的时间或幅度不明确：「{clause}」")
    if not quantities:
        return _Growth(">" if going_up else "<", 1.0, *_growth_years(when), clause)
    rate = _RATE_RE.search(when.rest)
    if rate is None or quantities[0].unit != "%":
        return _Unreadable(f"增长幅度无法识别：「{clause}」")
    step = Decimal(rate["a"] or rate["b"]) / 100
    factor = Decimal(1) + step if going_up else Decimal(1) - step
    return _Growth(">=" if going_up else "<=", float(factor), *_growth_years(when), clause)


def _growth_years(when: _When) -> tuple[int | None, int | None]:
    if when.ranges:
        return when.ranges[0]
    if when.from_years:
        return when.from_years[0], None
    return when.base_start, None


def _read_full(clause: str, when: _When, quantities: list[_Quantity], context: _Context) -> _Item:
    if any(q.value != 100 or q.unit != "%" for q in quantities):
        return _Unreadable(f"全覆盖与数量同时出现：「{clause}」")
    task_quantity = context.task_quantity
    if _ALL_DONE_RE.search(when.rest) and task_quantity is not None and len(when.points) == 1:
        return _Fixed(
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
    full = _Quantity(Decimal(100), None, "%", ">=", 0, 0)
    return _read_share(clause, when, full, context)


def _read_quantity_clause(
    clause: str, when: _When, quantities: list[_Quantity], rest: str, context: _Context
) -> _Item:
    if _RESPECTIVELY in rest:
        return _read_respectively(clause, when, quantities, context)
    if len(quantities) > 1:
        return _Unreadable(f"一句中有多个数量，无法对应：「{clause}」")
    quantity = quantities[0]
    if quantity.unit is None:
        return _Unreadable(f"数量缺少单位：「{clause}」")
    if quantity.unit == "百分点":
        return _Unreadable(f"暂不支持按百分点增减的要求：「{clause}」")
    if quantity.comparator == "?":
        return _Unreadable(f"比较要求前后矛盾：「{clause}」")
    every = _EVERY_RE.search(rest)
    if every is not None:
        return _read_recurring(clause, when, quantity, every[1], context)
    if _MAINTAIN_RE.search(rest):
        return _read_maintain(clause, when, quantity, context)
    if quantity.unit in _SHARE_UNITS:
        return _read_share(clause, when, quantity, context)
    return _read_total(clause, when, quantity)


def _read_respectively(
    clause: str, when: _When, quantities: list[_Quantity], context: _Context
) -> _Item:
    """Zip years and quantities: "2021年、2022年分别达到60%、70%" (or "2021-2022年分别…")."""
    dues = list(when.points)
    if when.ranges and not when.points and len(when.ranges) == 1:
        first, last = when.ranges[0]
        dues = [date(year, 12, 31) for year in range(first, last + 1)]
    if when.from_years or not dues or len(dues) != len(quantities):
        return _Unreadable(f"“分别”前后的年份与数量个数不一致：「{clause}」")
    explicit = {q.comparator for q in quantities if q.comparator is not None}
    if len(explicit) > 1 or any(q.unit is None for q in quantities):
        return _Unreadable(f"“分别”中的数量或比较要求不一致：「{clause}」")
    comparator = explicit.pop() if explicit else ">="
    kind_of = {True: MilestoneKind.LEVEL, False: MilestoneKind.CUMULATIVE}
    return _Fixed(
        tuple(
            MilestoneSpec(
                kind=kind_of[quantity.unit in _SHARE_UNITS],
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
    clause: str, when: _When, quantity: _Quantity, every: str, context: _Context
) -> _Item:
    """One annual milestone per year for "每年…"; per quarter / month for "每季度…"/"每月…"."""
    cycle = {"年": "年", "年度": "年", "季度": "季度", "季": "季度", "月": "月"}.get(every)
    if cycle is None:
        return _Unreadable(f"暂不支持“每{every}”的周期：「{clause}」")
    span = _span(when, context)
    if span is None:
        return _Unreadable(f"每{every}要求的起止年份不明确：「{clause}」")
    return _Fixed(
        tuple(
            _numeric(MilestoneKind.ANNUAL, quantity, due, start, clause)
            for start, due in _cycles(cycle, *span)
        )
    )


def _read_maintain(clause: str, when: _When, quantity: _Quantity, context: _Context) -> _Item:
    if len(when.points) == 1 and not when.ranges and not when.from_years:
        return _Fixed((_numeric(MilestoneKind.LEVEL, quantity, when.points[0], None, clause),))
    span = _span(when, context)
    if span is None:
        return _Unreadable(f"保持要求的起止年份不明确：「{clause}」")
    return _Fixed(
        tuple(
            _numeric(MilestoneKind.MAINTAIN, quantity, due, start, clause)
            for start, due in _cycles("年", *span)
        )
    )


def _read_share(clause: str, when: _When, quantity: _Quantity, context: _Context) -> _Item:
    """A percent or 倍: level by a date, or one level per year over "2021-2025年"/"2021年起"."""
    if quantity.comparator == "?":
        return _Unreadable(f"比较要求前后矛盾：「{clause}」")
    if len(when.points) == 1 and _time_count(when) == 1:
        return _Fixed((_numeric(MilestoneKind.LEVEL, quantity, when.points[0], None, clause),))
    if not when.points and _time_count(when) == 1:
        span = _span(when, context)
        if span is not None:
            return _Fixed(
                tuple(
                    _numeric(MilestoneKind.LEVEL, quantity, due, start, clause)
                    for start, due in _cycles("年", *span)
                )
            )
    if not when.has_time:
        return _Unreadable(f"未写明达到的时间：「{clause}」")
    return _Unreadable(f"时间不止一个，无法对应：「{clause}」")


def _read_total(clause: str, when: _When, quantity: _Quantity) -> _Item:
    """A count by a date ("2025年达到50家"), or over a year range (due at its end)."""
    if _time_count(when) != 1 or when.from_years:
        if not when.has_time:
            return _Unreadable(f"未写明完成数量的时间：「{clause}」")
        return _Unreadable(f"累计数量的截止时间不明确：「{clause}」")
    due = when.points[0] if when.points else date(when.ranges[0][1], 12, 31)
    return _Fixed((_numeric(MilestoneKind.CUMULATIVE, quantity, due, None, clause),))


def _read_stage(clause: str, when: _When, rest: str) -> _Item:
    if _EVERY_RE.search(rest):
        return _Unreadable(f"周期性要求缺少数量：「{clause}」")
    words = _words(rest)
    if not words:
        return _Unreadable(f"只有时间，没有内容：「{clause}」")
    if not when.has_time:
        return _Unreadable(f"无法识别：「{clause}」")
    if when.from_years or _time_count(when) != 1:
        return _Unreadable(f"阶段性工作的完成时间不明确：「{clause}」")
    due = when.points[0] if when.points else date(when.ranges[0][1], 12, 31)
    return _Fixed((MilestoneSpec(kind=MilestoneKind.STAGE, due=due, target=words, source=clause),))


def _span(when: _When, context: _Context) -> tuple[int, int] | None:
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
            cycles.append((date(year, first_month, 1), _month_end(year, last_month)))
    return cycles


def _numeric(
    kind: MilestoneKind, quantity: _Quantity, due: date, start: date | None, source: str
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


# ---------------------------------------------------------------------------------------------
# Across clauses
# ---------------------------------------------------------------------------------------------


def _resolve(items: list[_Item], context: _Context) -> tuple[list[MilestoneSpec], list[str]]:
    """Turn readings into milestones; growth and open-ended ongoing depend on neighbours."""
    milestones: list[MilestoneSpec] = []
    reasons: list[str] = []
    base_start: int | None = None
    for index, item in enumerate(items):
        if isinstance(item, _Fixed):
            milestones.extend(item.milestones)
        elif isinstance(item, _Unreadable):
            reasons.append(item.reason)
        elif isinstance(item, _Base):
            base_start = item.start_year or _year_after(milestones, context)
            if not (index + 1 < len(items) and isinstance(items[index + 1], _Growth)):
                reasons.append(f"写明了基数，但没有写增长要求：「{item.source}」")
        elif isinstance(item, _Growth):
            first = item.first_year or base_start or _year_after(milestones, context)
            last = item.last_year or _year_before_next(items[index + 1 :], context)
            base_start = None
            milestones.extend(_growth_milestones(item, first, last, reasons))
        else:
            milestones.extend(_ongoing_milestones(item, milestones, context, reasons))
    return milestones, reasons


def _year_after(milestones: list[MilestoneSpec], context: _Context) -> int:
    if not milestones:
        return context.first_year
    return max(milestone.due for milestone in milestones).year + 1


def _year_before_next(following: list[_Item], context: _Context) -> int:
    for item in following:
        if isinstance(item, _Fixed) and item.milestones:
            return min(milestone.due for milestone in item.milestones).year - 1
    return context.last_year


def _growth_milestones(
    item: _Growth, first: int, last: int, reasons: list[str]
) -> list[MilestoneSpec]:
    if first > last or first > MAX_YEAR:
        reasons.append(f"增长要求覆盖的年份为空：「{item.source}」")
        return []
    return [
        MilestoneSpec(
            kind=MilestoneKind.GROWTH,
            due=date(year, 12, 31),
            comparator=item.comparator,
            target=item.factor,
            unit=None,
            start=date(year, 1, 1),
            source=item.source,
        )
        for year in range(first, last + 1)
    ]


def _ongoing_milestones(
    item: _Ongoing, milestones: list[MilestoneSpec], context: _Context, reasons: list[str]
) -> list[MilestoneSpec]:
    start = item.start
    if start is None:
        # Routine work follows the last one-off step ("2020年完成并常态化推进"); per-year
        # targets (annual, maintain, growth) run alongside it and do not delay it.
        one_off_dues = (milestone.due for milestone in milestones if milestone.start is None)
        latest = max(one_off_dues, default=None)
        start = date(context.first_year, 1, 1) if latest is None else latest + timedelta(days=1)
    due = item.due or date(context.last_year, 12, 31)
    if start > due:
        reasons.append(f"常态化工作开始时已超出方案期限：「{item.source}」")
        return []
    return [MilestoneSpec(kind=MilestoneKind.ONGOING, due=due, start=start, source=item.source)]


def _out_of_period_reasons(milestones: list[MilestoneSpec], context: _Context) -> list[str]:
    return [
        f"节点年份{milestone.due.year}不在方案期限"
        f"{context.first_year}–{context.last_year}内：「{milestone.source}」"
        for milestone in milestones
        if not _within_period(milestone, context)
    ]


def _within_period(milestone: MilestoneSpec, context: _Context) -> bool:
    years = [milestone.due.year] + ([milestone.start.year] if milestone.start else [])
    return all(context.first_year <= year <= context.last_year for year in years)
