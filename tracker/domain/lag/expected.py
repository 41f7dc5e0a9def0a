"""Expected-to-date (序时进度) of a task, DESIGN.md §5."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tracker.domain.lag.common import (
    ONE_DAY,
    as_number,
    elapsed_fraction,
    lower_is_better,
    target_of,
    year_start,
)
from tracker.domain.milestones import MilestoneKind, MilestoneSpec


def chain_of(milestones: Sequence[MilestoneSpec], kind: MilestoneKind) -> list[MilestoneSpec]:
    """Milestones of ``kind`` with a numeric target, by due date."""
    chain = [m for m in milestones if m.kind is kind and as_number(m.target) is not None]
    return sorted(chain, key=lambda m: m.due)


def _chain_start(
    chain: Sequence[MilestoneSpec], plan_start: date, baseline: float | None
) -> tuple[date, float]:
    """Where a level/cumulative line starts: the baseline (0 if unknown) at the plan start.

    For a lower-is-better chain with no baseline the first target itself is used (a ceiling
    that starts at 0 would make every real value look behind).
    """
    first = chain[0]
    if baseline is not None:
        return plan_start, baseline
    if lower_is_better(first.comparator):
        return plan_start, target_of(first)
    return plan_start, 0.0


def chain_expected(
    chain: Sequence[MilestoneSpec], pos: int, as_of: date, plan_start: date, baseline: float | None
) -> float:
    """Linear expectation towards ``chain[pos]`` from the previous point of the chain."""
    if pos == 0:
        prev_day, prev_value = _chain_start(chain, plan_start, baseline)
    else:
        prev_day, prev_value = chain[pos - 1].due, target_of(chain[pos - 1])
    target = target_of(chain[pos])
    return prev_value + (target - prev_value) * elapsed_fraction(as_of, prev_day, chain[pos].due)


def _line_expected(
    chain: Sequence[MilestoneSpec], as_of: date, plan_start: date, baseline: float | None
) -> float:
    """Expected value of a level/cumulative chain at ``as_of`` (held at the last target)."""
    for pos, m in enumerate(chain):
        if as_of <= m.due:
            return chain_expected(chain, pos, as_of, plan_start, baseline)
    return target_of(chain[-1])


def _covering(
    milestones: Sequence[MilestoneSpec], kind: MilestoneKind, as_of: date, plan_start: date
) -> MilestoneSpec | None:
    """The milestone of ``kind`` whose [start, due] contains ``as_of``.

    A maintain milestone without a start covers the plan from ``plan_start``; an annual one
    its calendar year.
    """
    for m in chain_of(milestones, kind):
        maintain = kind is MilestoneKind.MAINTAIN
        start = (m.start or plan_start) if maintain else year_start(m)
        if start <= as_of <= m.due:
            return m
    return None


def annual_expected(m: MilestoneSpec, as_of: date) -> float:
    """The year's quantity pro rata: target × (days elapsed in the year / days in the year)."""
    start = year_start(m)
    return target_of(m) * elapsed_fraction(as_of, start - ONE_DAY, m.due)


def expected_to_date(
    milestones: Sequence[MilestoneSpec],
    as_of: date,
    plan_start: date,
    baseline: float | None = None,
) -> float | None:
    """Expected-to-date (序时进度) of a task at ``as_of``, in the milestones' unit (DESIGN.md §5).

    - ``cumulative`` (first choice) or ``level``: linear between the previous milestone (or
      ``baseline``, default 0, at ``plan_start``) and the next one; after the last
      milestone, its target. Example: 20 % by 2019-12-31 and 35 % by 2020-12-31 give
      20 + 15 × 183/366 = 27.5 on 2020-07-01.
    - else ``maintain``: the level itself, for the milestone covering ``as_of``.
    - else ``annual``: the year's quantity × day of year / days in the year.
    - ``growth`` needs the previous year's actual (see :func:`assess_task`); ``stage`` and
      ``ongoing`` have none: ``None``.
    """
    for kind in (MilestoneKind.CUMULATIVE, MilestoneKind.LEVEL):
        chain = chain_of(milestones, kind)
        if chain:
            return _line_expected(chain, as_of, plan_start, baseline)
    maintained = _covering(milestones, MilestoneKind.MAINTAIN, as_of, plan_start)
    if maintained is not None:
        return target_of(maintained)
    annual = _covering(milestones, MilestoneKind.ANNUAL, as_of, plan_start)
    if annual is not None:
        return annual_expected(annual, as_of)
    return None
