"""The entry point of the schedule grammar: :func:`parse_schedule` (DESIGN.md §4)."""

from __future__ import annotations

import re
from datetime import date

from tracker.domain.milestones import (
    MilestoneKind,
    MilestoneSpec,
    ParsedSchedule,
    ScheduleParseError,
)
from tracker.domain.schedule.clauses import read_clause
from tracker.domain.schedule.items import Context, Fixed, Governing, Item, Unreadable
from tracker.domain.schedule.quantities import single_task_quantity
from tracker.domain.schedule.resolve import out_of_period_reasons, resolve
from tracker.domain.schedule.text import normalize, split_clauses
from tracker.domain.schedule.times import MAX_YEAR, MIN_YEAR


def parse_schedule(schedule_text: str, task_text: str, period: tuple[int, int]) -> ParsedSchedule:
    """Read a task's schedule text into dated milestones (DESIGN.md §4).

    - ``schedule_text``: the 时间进度 cell as written, e.g. "2019年达到20%，2025年全覆盖".
    - ``task_text``: the 责任分解 cell; its quantity is used only when the schedule says
      "全部完成" and the task names exactly one count ("培育150名…" → cumulative ≥150 人).
    - ``period``: the plan's (first_year, last_year), e.g. (2019, 2025); open-ended kinds
      (每年…, 保持…, 常态化…) cover these years and "3年内" counts from first_year. A period
      of one year, (2024, 2024), is a one-year work plan: dates and targets written without
      a year ("11月底前", "新增就业6000人", a cell that is only "9月底前") take that year.

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
    text = normalize(schedule_text)
    if not text:
        return ParsedSchedule(milestones=(), needs_review=True, reasons=("时间进度为空",))
    task = normalize(task_text) if isinstance(task_text, str) else ""
    context = Context(first_year, last_year, single_task_quantity(task, first_year))
    milestones, reasons = resolve(_read_clauses(split_clauses(text, first_year), context), context)
    reasons.extend(out_of_period_reasons(milestones, context))
    if not milestones and not reasons:
        reasons.append(f"未识别出任何节点：「{text}」")
    ordered = tuple(sorted(milestones, key=lambda milestone: milestone.due))
    unique_reasons = tuple(dict.fromkeys(reasons))
    return ParsedSchedule(
        milestones=ordered, needs_review=bool(unique_reasons), reasons=unique_reasons
    )


_DEADLINE_RE = re.compile(r"(?:前|底|末|月|日|号|季度|半年)$")


def _read_clauses(clauses: list[str], context: Context) -> list[Item]:
    """The readings of all clauses; a clause that is only a time governs those after it, and
    one that governs nothing is the deadline of the whole task in a one-year work plan."""
    items: list[Item] = []
    governing = Governing()
    open_head: tuple[tuple[date, ...], str] | None = None
    for clause in clauses:
        reading = read_clause(clause, context, governing)
        items.extend(reading.items)
        if open_head is not None and not reading.is_head:
            open_head = None
        if reading.is_head:
            if open_head is not None:
                items.append(_unused_head(*open_head, context))
            governing = Governing(head=reading.own)
            open_head = (reading.own, clause)
        elif reading.own:
            governing = Governing(last=reading.own if len(reading.own) == 1 else ())
    if open_head is not None:
        items.append(_unused_head(*open_head, context))
    return items


def _unused_head(dates: tuple[date, ...], source: str, context: Context) -> Item:
    """A time alone is the task's deadline when it is written as one ("2023年12月底前",
    "11月30日", "上半年") or when the plan is a one-year work plan ("2024年"); "到2025年"
    alone in a plan of several years says nothing of what is due and is not read."""
    if context.plan_year is None and not _DEADLINE_RE.search(source):
        return Unreadable(f"只有时间，没有内容：「{source}」")
    return Fixed(
        tuple(
            MilestoneSpec(kind=MilestoneKind.STAGE, due=due, target="完成", source=source)
            for due in dates
        )
    )


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
