"""Across clauses: growth years and the start of an open-ended "常态化…" depend on the
neighbouring clauses, so they are resolved after all clauses are read (DESIGN.md §4, step 4).
"""

from __future__ import annotations

from datetime import date, timedelta

from tracker.domain.milestones import MilestoneKind, MilestoneSpec
from tracker.domain.schedule.items import Base, Context, Fixed, Growth, Item, Ongoing, Unreadable
from tracker.domain.schedule.times import MAX_YEAR


def resolve(items: list[Item], context: Context) -> tuple[list[MilestoneSpec], list[str]]:
    """Turn readings into milestones; growth and open-ended ongoing depend on neighbours."""
    milestones: list[MilestoneSpec] = []
    reasons: list[str] = []
    base_start: int | None = None
    for index, item in enumerate(items):
        if isinstance(item, Fixed):
            milestones.extend(item.milestones)
        elif isinstance(item, Unreadable):
            reasons.append(item.reason)
        elif isinstance(item, Base):
            base_start = item.start_year or _year_after(milestones, context)
            if not (index + 1 < len(items) and isinstance(items[index + 1], Growth)):
                reasons.append(f"写明了基数，但没有写增长要求：「{item.source}」")
        elif isinstance(item, Growth):
            first = item.first_year or base_start or _year_after(milestones, context)
            last = item.last_year or _year_before_next(items[index + 1 :], context)
            base_start = None
            milestones.extend(_growth_milestones(item, first, last, reasons))
        else:
            milestones.extend(_ongoing_milestones(item, milestones, context, reasons))
    return milestones, reasons


def _year_after(milestones: list[MilestoneSpec], context: Context) -> int:
    if not milestones:
        return context.first_year
    return max(milestone.due for milestone in milestones).year + 1


def _year_before_next(following: list[Item], context: Context) -> int:
    for item in following:
        if isinstance(item, Fixed) and item.milestones:
            return min(milestone.due for milestone in item.milestones).year - 1
    return context.last_year


def _growth_milestones(
    item: Growth, first: int, last: int, reasons: list[str]
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
    item: Ongoing, milestones: list[MilestoneSpec], context: Context, reasons: list[str]
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


def out_of_period_reasons(milestones: list[MilestoneSpec], context: Context) -> list[str]:
    """A Chinese reason for every milestone whose due (or start) year is outside the plan."""
    return [
        f"节点年份{milestone.due.year}不在方案期限"
        f"{context.first_year}–{context.last_year}内：「{milestone.source}」"
        for milestone in milestones
        if not _within_period(milestone, context)
    ]


def _within_period(milestone: MilestoneSpec, context: Context) -> bool:
    years = [milestone.due.year] + ([milestone.start.year] if milestone.start else [])
    return all(context.first_year <= year <= context.last_year for year in years)
