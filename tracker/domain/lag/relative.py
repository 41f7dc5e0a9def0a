"""Targets against a base year's actual value: the concrete target once the base is known.

The base of "较2022年下降8%" is the milestone's own reported base (``Relative.base_value``),
else the task's baseline when the base year is the year before the plan starts (the baseline
is the value at the plan start). Without a base the milestone keeps no target: its state is
暂无 and the task's reason is :func:`~tracker.domain.milestones.missing_base_message`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from tracker.domain.lag.facts import TaskFacts
from tracker.domain.milestones import MilestoneSpec


def base_of(m: MilestoneSpec, facts: TaskFacts) -> float | None:
    """The actual value of ``m``'s base year, when known."""
    if m.relative is None:
        return None
    if m.relative.base_value is not None:
        return m.relative.base_value
    if m.relative.base_year == facts.plan_start.year - 1:
        return facts.baseline
    return None


def missing_base_years(
    milestones: Sequence[MilestoneSpec], plan_start: date, baseline: float | None
) -> tuple[int, ...]:
    """Base years of relative milestones whose actual is not known (sorted, once each)."""
    facts = TaskFacts(milestones, (), (), plan_start, baseline)
    return resolve_relative(facts)[1]


def resolve_relative(facts: TaskFacts) -> tuple[TaskFacts, tuple[int, ...]]:
    """``facts`` with every relative milestone's concrete target filled in where its base is
    known, and the base years still missing (sorted, once each).

    A base of the plan's start year also starts the expected-to-date line when the task has
    no baseline of its own (a decrease then runs from the base down to the target).
    """
    milestones: list[MilestoneSpec] = []
    missing: set[int] = set()
    baseline = facts.baseline
    for m in facts.milestones:
        if m.relative is None:
            milestones.append(m)
            continue
        base = base_of(m, facts)
        if base is None:
            missing.add(m.relative.base_year)
            milestones.append(m)
            continue
        if baseline is None and m.relative.base_year == facts.plan_start.year - 1:
            baseline = base
        milestones.append(replace(m, target=m.relative.absolute(base)))
    if not any(m.relative is not None for m in facts.milestones):
        return facts, ()
    return replace(facts, milestones=milestones, baseline=baseline), tuple(sorted(missing))
