"""One clause of a schedule → its reading: markers decide the kind (DESIGN.md §4, step 3).

"每年"/"每季度"/"每月" (annual), "保持"/"控制在" (maintain), "逐年递增"/"每年按6%递增"
(growth), "全覆盖"/"全部完成"/"全面普及" (100 %), "常态化…" and reporting cadences
("每季度末报告进展", "每月25日前报送") (ongoing); in a one-year work plan "增长7.5%左右"
is that year's growth; otherwise a percent or 倍 is a level, a count a cumulative total and
plain words a stage. Targets relative to a base year ("较2022年下降8%", "翻一番") are
read by :mod:`~tracker.domain.schedule.relative`; "…基本实现全覆盖" is a stage.
A clause that is only a time ("到2024年，…") governs the clauses after it (issue 10).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from tracker.domain.milestones import MilestoneKind, MilestoneSpec
from tracker.domain.schedule.items import (
    Base,
    ClauseReading,
    Context,
    Fixed,
    Governing,
    Growth,
    Item,
    Ongoing,
    Unreadable,
)
from tracker.domain.schedule.quantities import (
    EVERY_RE,
    SHARE_UNITS,
    Quantity,
    cut_quantities,
    find_quantities,
)
from tracker.domain.schedule.relative import read_relative
from tracker.domain.schedule.scope import DOUBLING_RE, PER_UNIT_RE, STANDARD_RE, mask_scope
from tracker.domain.schedule.targets import (
    FULL_RE,
    read_full,
    read_quantity_clause,
    time_count,
)
from tracker.domain.schedule.text import JOINERS_RE, ONGOING_RE, RESPECTIVELY, words_of
from tracker.domain.schedule.times import LAST_YEAR, When, read_when

_YEARLY_CHANGE_RE = re.compile(r"逐年|每年|年均")
_INCREASE = r"递增|增长|提高|提升|增加|扩大|上升"
_DECREASE = r"递减|下降|降低|减少|缩小|压减"
_CHANGE_RE = re.compile(f"(?P<up>{_INCREASE})(?![到至])|(?P<down>{_DECREASE})(?![到至])")
_RATE_RE = re.compile(
    r"(?:逐年|每年|年均)(?:按|以)?(?:[^0-9,;]{0,4}?)(?P<a>[0-9.]+)%(?:的)?(?:速度|幅度|比例)?"
    f"(?:{_INCREASE}|{_DECREASE})"
    r"|(?:逐年|每年|年均)(?:" + _INCREASE + "|" + _DECREASE + r")率?(?:为|达到)?(?P<b>[0-9.]+)%"
)
_REPORTING_RE = re.compile(
    r"每(?:个)?(?:月|季度|季|半年|年度?|周|旬)[^,;]*?(?:报送|报告|上报|通报|汇报|报)"
)
_HELD_RE = re.compile(r"保持|维持|稳定在")
_LEADING_HEDGES_RE = re.compile(r"^(?:力争|确保|争取|努力|力求|计划|从|并|于|和|及|与)+")
_START_WORDS_RE = re.compile(r"^(?:启动|开始|开工|试点|实施)")
_FLIPPED = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}
#: The longest step kept as a stage's words (the milestones table holds 100 characters).
MAX_STAGE_WORDS = 100


def read_clause(clause: str, context: Context, governing: Governing) -> ClauseReading:
    """The reading of one clause: its time problems as :class:`Unreadable` items, then a
    :class:`Base` ("以2018年为基数") or what its markers and quantities mean (DESIGN.md §4).

    ``governing`` holds the dates of the clauses before it that govern this one.
    """
    when = read_when(clause, context.first_year, context.plan_year)
    problems = tuple(Unreadable(f"{p}：「{clause}」") for p in when.problems)
    if when.has_base and not words_of(when.rest):
        start = when.base_start if when.base_start is not None else _only(when.from_years)
        return ClauseReading((*problems, Base(start, clause)))
    if when.relative_base not in (None, LAST_YEAR) or DOUBLING_RE.search(when.rest):
        own = tuple(when.points) if when.points and time_count(when) == len(when.points) else ()
        when = _governed(when, governing, context, target=True)
        return ClauseReading((*problems, read_relative(clause, when, context)), own=own)
    if _is_head(when):
        return ClauseReading(problems, is_head=True, own=tuple(when.points))
    own = tuple(when.points) if when.points and time_count(when) == len(when.points) else ()
    return ClauseReading((*problems, *_read_meaning(clause, when, context, governing)), own=own)


def _is_head(when: When) -> bool:
    """Only dates, nothing else: "到2024年", "到2022年和2030年", "2023年6月底前"."""
    if not when.points or time_count(when) != len(when.points):
        return False
    return not words_of(JOINERS_RE.sub("", when.rest))


def _read_meaning(clause: str, when: When, context: Context, governing: Governing) -> list[Item]:
    if ONGOING_RE.search(when.rest):
        return [_read_ongoing(clause, when, counted=True)]
    if _REPORTING_RE.search(when.rest):
        return [_read_ongoing(clause, when, counted=False)]
    masked = mask_scope(when.rest)
    quantities = find_quantities(masked)
    rest = cut_quantities(when.rest, quantities)
    if re.search(r"[0-9]", cut_quantities(masked, quantities)):
        return [Unreadable(f"含无法识别的数字：「{clause}」")]
    if quantities and PER_UNIT_RE.search(rest):
        return [Unreadable(f"按每千人、每个单位等计的比率指标，请确认考核口径：「{clause}」")]
    if quantities and STANDARD_RE.search(rest):
        return [Unreadable(f"写的是补助或收费标准，不是考核目标，请人工核对：「{clause}」")]
    change = _CHANGE_RE.search(rest)
    if change is not None and _YEARLY_CHANGE_RE.search(rest):
        growth = _read_growth(clause, when, quantities)
        if growth is not None:
            return [growth]
    elif change is not None and quantities and all(q.unit == "%" for q in quantities):
        return [_read_change(clause, when, quantities, context, change["up"] is not None)]
    full = FULL_RE.search(rest) is not None
    if full and "基本" in rest:
        return [_read_stage(clause, _governed(when, governing, context, target=False), rest)]
    if not (EVERY_RE.search(rest) or _HELD_RE.search(rest)):  # those cover every year
        when = _governed(when, governing, context, target=full or bool(quantities))
    if full:
        return [read_full(clause, when, quantities, context)]
    if quantities:
        return [read_quantity_clause(clause, when, quantities, rest, context)]
    return [_read_stage(clause, when, rest)]


def _governed(when: When, governing: Governing, context: Context, *, target: bool) -> When:
    """``when`` with the governing dates when it names no time of its own: a head's dates for
    any clause, the last target's date for a target, else the year of a one-year plan."""
    if when.has_time:
        return when
    dates = governing.head or (governing.last if target else ())
    if not dates and context.plan_year is not None:
        dates = (date(context.plan_year, 12, 31),)
    if dates:
        when.points = list(dates)
        when.inherited = True
    return when


def _only(values: Sequence[int]) -> int | None:
    return values[0] if len(values) == 1 else None


def _read_ongoing(clause: str, when: When, *, counted: bool) -> Item:
    """Routine work or a reporting cadence, from its "起" date (or after the last step)."""
    if time_count(when) > 1:
        return Unreadable(f"常态化工作的时间不止一个：「{clause}」")
    if counted and find_quantities(mask_scope(when.rest)):
        return Unreadable(f"常态化工作带有数量，无法确定考核口径：「{clause}」")
    start: date | None = None
    due: date | None = None
    if when.ranges:
        start, due = date(when.ranges[0][0], 1, 1), date(when.ranges[0][1], 12, 31)
    elif when.from_years:
        start = date(when.from_years[0], 1, 1)
    elif when.from_dates:
        start = when.from_dates[0]
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
    if len(quantities) > 1 or time_count(when) > 1 or when.from_dates:
        return Unreadable(f"增长要求的时间或幅度不明确：「{clause}」")
    if not quantities:
        return Growth(">" if going_up else "<", 1.0, *_growth_years(when), clause)
    rate = _RATE_RE.search(when.rest)
    if rate is None or quantities[0].unit != "%":
        return Unreadable(f"增长幅度无法识别：「{clause}」")
    step = Decimal(rate["a"] or rate["b"]) / 100
    factor = Decimal(1) + step if going_up else Decimal(1) - step
    return Growth(">=" if going_up else "<=", float(factor), *_growth_years(when), clause)


def _read_change(
    clause: str, when: When, quantities: list[Quantity], context: Context, going_up: bool
) -> Item:
    """A change without "每年" ("增长7.5%左右", "下降3%以上") in a one-year work plan: that
    year's growth on the year before.

    Also "2024年比上年增长8%" in any plan. Otherwise, in a plan of several years, the base
    is not written, so the clause goes to review.
    """
    year = context.plan_year
    if year is None and when.relative_base == LAST_YEAR and len(when.points) == 1:
        year = when.points[0].year  # "2024年比上年增长8%"
    if year is None:
        return Unreadable(f"增长或下降的幅度未写明与哪一年相比，请人工核对：「{clause}」")
    if len(quantities) != 1 or time_count(when) > 1 or when.from_years or when.ranges:
        return Unreadable(f"增长要求的时间或幅度不明确：「{clause}」")
    if when.points and when.points[0].year != year:
        return Unreadable(f"增长要求的年份不在方案年度内：「{clause}」")
    quantity = quantities[0]
    step = quantity.value / 100
    factor = Decimal(1) + step if going_up else Decimal(1) - step
    written = quantity.comparator if quantity.comparator in _FLIPPED else None
    # "下降3%以上" is a decline of at least 3 %: the factor on the year before is <= 0.97.
    comparator = (written or ">=") if going_up else (_FLIPPED[written] if written else "<=")
    return Growth(comparator, float(factor), year, year, clause)


def _growth_years(when: When) -> tuple[int | None, int | None]:
    if when.points:  # "到2025年年均增长6%": every year up to 2025
        return None, when.points[0].year
    if when.ranges:
        return when.ranges[0]
    if when.from_years:
        return when.from_years[0], None
    return when.base_start, None


def stage_words(rest: str) -> str:
    """The words of a step without hedges ("力争创成…" → "创成…") and without "分别"."""
    return _LEADING_HEDGES_RE.sub("", words_of(rest.replace(RESPECTIVELY, "")))


def _read_stage(clause: str, when: When, rest: str) -> Item:
    if EVERY_RE.search(rest):
        return Unreadable(f"周期性要求缺少数量：「{clause}」")
    words = stage_words(rest)
    if not words:
        return Unreadable(f"只有时间，没有内容：「{clause}」")
    if not when.has_time:
        return Unreadable(f"无法识别：「{clause}」")
    if len(words) > MAX_STAGE_WORDS:
        return Unreadable(f"阶段性要求超过{MAX_STAGE_WORDS}字，请人工核对节点：「{clause}」")
    if len(when.from_years) == 1 and time_count(when) == 1 and _START_WORDS_RE.match(words):
        due = date(when.from_years[0], 12, 31)  # "从2023年开始启动"
        return Fixed((_stage(due, words, clause),))
    if len(when.points) > 1 and RESPECTIVELY in rest and time_count(when) == len(when.points):
        return Fixed(tuple(_stage(due, words, clause) for due in when.points))
    if when.from_years or when.from_dates or time_count(when) != 1:
        return Unreadable(f"阶段性工作的完成时间不明确：「{clause}」")
    due = when.points[0] if when.points else date(when.ranges[0][1], 12, 31)
    return Fixed((_stage(due, words, clause),))


def _stage(due: date, words: str, source: str) -> MilestoneSpec:
    return MilestoneSpec(kind=MilestoneKind.STAGE, due=due, target=words, source=source)
