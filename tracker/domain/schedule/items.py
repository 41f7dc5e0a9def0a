"""What the grammar reads from one clause, before the clauses are resolved together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.domain.milestones import MilestoneSpec
from tracker.domain.schedule.quantities import Quantity


@dataclass(frozen=True, slots=True)
class Context:
    """The plan's years (first, last) and the task's one clear count, if any."""

    first_year: int
    last_year: int
    task_quantity: Quantity | None


@dataclass(frozen=True, slots=True)
class Fixed:
    """Milestones fully read from one clause."""

    milestones: tuple[MilestoneSpec, ...]


@dataclass(frozen=True, slots=True)
class Growth:
    """A yearly growth ("逐年递增" → ">" 1.0, "每年按6%递增" → ">=" 1.06) whose years may come
    from the neighbouring clauses (``None`` until resolved)."""

    comparator: str
    factor: float
    first_year: int | None
    last_year: int | None
    source: str


@dataclass(frozen=True, slots=True)
class Base:
    """A base year ("以2018年为基数"): growth starts the year after (``None``: from context)."""

    start_year: int | None
    source: str


@dataclass(frozen=True, slots=True)
class Ongoing:
    """Routine work ("常态化推进"); ``start`` ``None`` means after the last one-off step."""

    start: date | None
    due: date | None
    source: str


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A part that cannot be read with confidence, with the reason in Chinese."""

    reason: str


Item = Fixed | Growth | Base | Ongoing | Unreadable
