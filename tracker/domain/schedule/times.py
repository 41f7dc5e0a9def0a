"""Time expressions of the schedule grammar: "2019年", "2020起", "2021-2025年",
"2021年6月底前", "3月10日前", "2021.8", "2024年第二季度起", "3年内", "“十四五”时期",
"以2018年为基数", "较2022年" → dates and years (DESIGN.md §4, issue 10).

A year outside ``MIN_YEAR..MAX_YEAR`` is not read as a year; "N年内" ends on 31 December
of ``first_year + N - 1``; a month or quarter ends on its last day, "M月D日前" on day D.
Dates written without a year ("11月底前", "年底前", "上半年", "三季度末") take the plan's
year when the plan is a one-year work plan (``plan_year``); otherwise they are a problem.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

#: Years the grammar accepts; anything else is not read as a year.
MIN_YEAR = 1900
MAX_YEAR = 2199

_LONGEST_WITHIN_YEARS = 100
#: ``When.relative_base`` of "比上年…"/"较去年…": the year before, which growth already means.
LAST_YEAR = "上年"

_YEAR = r"(?<![0-9])([0-9]{4})"
_BY = r"(?:到|至|截至|截止|于|在)?"
_BEFORE = r"(?:前|之前|以前)?"
CN_DIGITS = "一二两三四五六七八九十"

_RANGE_RE = re.compile(_YEAR + r"年?度?(?:-|至|到)" + _YEAR + r"年度?(?:期间|间|内)?")
_BASE_RE = re.compile(
    r"以(?:" + _YEAR + r"年?度?|上一?年度?)[^,;为]{0,12}为(?:基数|基期|基准|基础)"
)
_FROM_RE = re.compile(_YEAR + r"年?度?(?:起|开始|以来|以后|之后)")
_MONTH_RE = re.compile(
    _BY + _YEAR + r"年([0-9]{1,2})月份?(底|末)?(前|之前|以前)?(起|开始|以来)?(?![0-9日号])"
)
_PART_OF_YEAR_RE = re.compile(
    _BY + _YEAR + r"年(上半年|下半年|第?[一二三四1-4]季度?)(?:末|底)?" + _BEFORE + r"(起|开始)?"
)
_WITHIN_RE = re.compile(
    r"(?<![0-9])(?:未来)?([0-9]{1,3}|[" + CN_DIGITS + r"]{1,3})年(?:之内|以内|内)"
    r"|未来([0-9]{1,3}|[" + CN_DIGITS + r"]{1,3})年(?:时间|期间|间)?"
)
_POINT_RE = re.compile(_BY + _YEAR + r"年度?(?:年底|年末|底|末|内)?" + _BEFORE)
_DAY_RE = re.compile(
    _BY + r"(?:" + _YEAR + r"年)?(?<![0-9])([0-9]{1,2})月([0-9]{1,2})[日号](?:前|之前|以前)?"
)
# "2021.8" is August 2021 only when no unit follows ("投资2020.5万元" is money).
_DOTTED_RE = re.compile(
    r"(?<![0-9.])((?:19|20|21)[0-9]{2})\.(1[0-2]|0?[1-9])(?![0-9.%万亿千倍元人个家次名所项])"
)
_BARE_MONTH_RE = re.compile(
    _BY + r"(?<![0-9年.])([0-9]{1,2})月份?(底|末|中旬|上旬|下旬)?(前|之前|以前)?(起|开始)?"
)
_BARE_PART_RE = re.compile(
    _BY + r"(?<![0-9年每])(今年|本年度?|全年|年底|年末|年内|上半年|下半年|第?[一二三四1-4]季度?)"
    r"(?:末|底)?" + _BEFORE
)
_FIVE_YEAR_RE = re.compile(r"[“\"]?(十三五|十四五|十五五)[”\"]?(?:时期|期间|期末|末)?")
_FIVE_YEAR_ENDS = {"十三五": 2020, "十四五": 2025, "十五五": 2030}
_THIS_AND_NEXT_RE = re.compile(r"今明两年")
_RELATIVE_BASE_RE = re.compile(
    r"(?:较|比|相比|对比|与)(?:" + _YEAR + r"年度?|上年度?|去年|上一年度?)(?:相比|比)?"
)


@dataclass(slots=True)
class When:
    """The time expressions of one clause, cut out of its text (``rest``)."""

    rest: str
    points: list[date] = field(default_factory=list)
    from_years: list[int] = field(default_factory=list)
    ranges: list[tuple[int, int]] = field(default_factory=list)
    from_dates: list[date] = field(default_factory=list)
    base_start: int | None = None
    has_base: bool = False
    relative_base: str | None = None
    inherited: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def has_time(self) -> bool:
        """Whether the clause names a date, a "起" year or date, or a year range."""
        return bool(self.points or self.from_years or self.ranges or self.from_dates)


def read_when(clause: str, first_year: int, plan_year: int | None = None) -> When:
    """Cut the time expressions out of a clause; "N年内" ends with year first_year + N - 1.

    ``plan_year`` is the year of a one-year work plan: dates without a year take it; when it
    is ``None`` such dates are reported in ``problems``.
    """
    when = When(rest=clause)
    when.rest = _RELATIVE_BASE_RE.sub(lambda m: _take_relative_base(when, m), when.rest)
    when.rest = _FIVE_YEAR_RE.sub(lambda m: _take_five_year(when, m), when.rest)
    when.rest = _THIS_AND_NEXT_RE.sub(lambda m: _take_this_and_next(when, first_year), when.rest)
    when.rest = _RANGE_RE.sub(lambda m: _take_range(when, m), when.rest)
    when.rest = _BASE_RE.sub(lambda m: _take_base(when, m), when.rest)
    when.rest = _DAY_RE.sub(lambda m: _take_day(when, m, plan_year), when.rest)
    when.rest = _DOTTED_RE.sub(lambda m: _take_dotted(when, m), when.rest)
    when.rest = _FROM_RE.sub(lambda m: _take_from(when, m), when.rest)
    when.rest = _MONTH_RE.sub(lambda m: _take_month(when, m), when.rest)
    when.rest = _PART_OF_YEAR_RE.sub(lambda m: _take_part_of_year(when, m), when.rest)
    when.rest = _WITHIN_RE.sub(lambda m: _take_within(when, m, first_year), when.rest)
    when.rest = _POINT_RE.sub(lambda m: _take_point(when, m), when.rest)
    when.rest = _BARE_MONTH_RE.sub(lambda m: _take_bare_month(when, m, plan_year), when.rest)
    when.rest = _BARE_PART_RE.sub(lambda m: _take_bare_part(when, m, plan_year), when.rest)
    return when


def _take_relative_base(when: When, match: re.Match[str]) -> str:
    when.relative_base = f"{match[1]}年" if match[1] else LAST_YEAR
    return " "


def _take_five_year(when: When, match: re.Match[str]) -> str:
    when.points.append(date(_FIVE_YEAR_ENDS[match[1]], 12, 31))
    return " "


def _take_this_and_next(when: When, first_year: int) -> str:
    when.ranges.append((first_year, min(first_year + 1, MAX_YEAR)))
    return " "


def _take_day(when: When, match: re.Match[str], plan_year: int | None) -> str:
    year = _valid_year(when, match[1]) if match[1] else _year_less(when, match[0], plan_year)
    month, day = int(match[2]), int(match[3])
    if year is None:
        return " "
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        when.problems.append(f"日期「{match[0]}」无法识别")
    else:
        when.points.append(date(year, month, day))
    return " "


def _take_dotted(when: When, match: re.Match[str]) -> str:
    year = _valid_year(when, match[1])
    if year is not None:
        when.points.append(month_end(year, int(match[2])))
    return " "


def _year_less(when: When, text: str, plan_year: int | None) -> int | None:
    if plan_year is None:
        when.problems.append(f"「{text}」未写明年份")
    return plan_year


def _take_bare_month(when: When, match: re.Match[str], plan_year: int | None) -> str:
    month = int(match[1])
    year = _year_less(when, match[0], plan_year)
    if not 1 <= month <= 12:
        when.problems.append(f"月份{match[1]}无法识别")
    elif year is not None:
        if match[4]:
            when.from_dates.append(date(year, month, 1))
        else:
            when.points.append(_within_month(year, month, match[2]))
    return " "


def _within_month(year: int, month: int, part: str | None) -> date:
    """The last day of the month, or of its 上旬 (10th) / 中旬 (20th)."""
    if part == "上旬":
        return date(year, month, 10)
    if part == "中旬":
        return date(year, month, 20)
    return month_end(year, month)


def _take_bare_part(when: When, match: re.Match[str], plan_year: int | None) -> str:
    year = _year_less(when, match[0], plan_year)
    if year is not None:
        part = match[1]
        whole_year = part in ("今年", "本年", "本年度", "全年", "年底", "年末", "年内")
        when.points.append(month_end(year, 12 if whole_year else _last_month_of(part)))
    return " "


def _valid_year(when: When, text: str) -> int | None:
    year = int(text)
    if MIN_YEAR <= year <= MAX_YEAR:
        return year
    when.problems.append(f"年份{text}无法识别")
    return None


def _take_range(when: When, match: re.Match[str]) -> str:
    first, last = _valid_year(when, match[1]), _valid_year(when, match[2])
    if first is not None and last is not None:
        if first <= last:
            when.ranges.append((first, last))
        else:
            when.problems.append(f"年份区间{match[0]}起止颠倒")
    return " "


def _take_base(when: When, match: re.Match[str]) -> str:
    when.has_base = True
    if match[1] is not None:
        year = _valid_year(when, match[1])
        when.base_start = None if year is None else year + 1
    return " "


def _take_from(when: When, match: re.Match[str]) -> str:
    year = _valid_year(when, match[1])
    if year is not None:
        when.from_years.append(year)
    return " "


def _take_month(when: When, match: re.Match[str]) -> str:
    year, month = _valid_year(when, match[1]), int(match[2])
    if not 1 <= month <= 12:
        when.problems.append(f"月份{match[2]}无法识别")
    elif year is not None and match[5]:
        when.from_dates.append(date(year, month, 1))
    elif year is not None:
        if match[4] and not match[3]:
            when.problems.append(f"「{match[0]}」是否含当月不明确，按月底计")
        when.points.append(month_end(year, month))
    return " "


def _take_part_of_year(when: When, match: re.Match[str]) -> str:
    year = _valid_year(when, match[1])
    if year is not None and match[3]:
        when.from_dates.append(date(year, _first_month_of(match[2]), 1))
    elif year is not None:
        when.points.append(month_end(year, _last_month_of(match[2])))
    return " "


def _first_month_of(part: str) -> int:
    if part == "上半年":
        return 1
    if part == "下半年":
        return 7
    return _last_month_of(part) - 2


def _last_month_of(part: str) -> int:
    if part == "上半年":
        return 6
    if part == "下半年":
        return 12
    quarter = "一二三四1234".index(part.lstrip("第")[0]) % 4 + 1
    return quarter * 3


def _take_within(when: When, match: re.Match[str], first_year: int) -> str:
    years = small_number(match[1] or match[2])
    if years is None or not 1 <= years <= _LONGEST_WITHIN_YEARS:
        when.problems.append(f"「{match[0]}」年数无法识别")
    elif first_year + years - 1 > MAX_YEAR:
        when.problems.append(f"「{match[0]}」超出可识别的年份")
    else:
        when.points.append(date(first_year + years - 1, 12, 31))
    return " "


def _take_point(when: When, match: re.Match[str]) -> str:
    year = _valid_year(when, match[1])
    if year is not None:
        when.points.append(date(year, 12, 31))
    return " "


def small_number(text: str) -> int | None:
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


def month_end(year: int, month: int) -> date:
    """Last day of ``month`` (1–12) of ``year``: (2021, 6) → 2021-06-30."""
    return date(year, month, calendar.monthrange(year, month)[1])
