"""What the grammar reads from one clause, before the clauses are resolved together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.domain.milestones import MilestoneSpec
from tracker.domain.schedule.quantities import Quantity


@dataclass(frozen=True, slots=True)
class Context:
    first_year: int
    last_year: int
    task_quantity: Quantity | None


@dataclass(frozen=True, slots=True)
class Fixed:
    milestones: tuple[MilestoneSpec, ...]


@dataclass(frozen=True, slots=True)
class Growth:
    comparator: str
    factor: float
    first_year: int | None
    last_year: int | None
    source: str


@dataclass(frozen=True, slots=True)
class Base:
    start_year: int | None
    source: str


@dataclass(frozen=True, slots=True)
class Ongoing:
    start: date | None
    due: date | None
    source: str


@dataclass(frozen=True, slots=True)
class Unreadable:
    reason: str


Item = Fixed | Growth | Base | Ongoing | Unreadable
