"""What the grammar reads from one clause, before the clauses are resolved together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.domain.milestones import MilestoneSpec
from tracker.domain.schedule.quantities import Quantity


@dataclass(frozen=True, slots=True)
class Context:
    """The plan's years (first, last) and the task's one clear count, if any.

    ``plan_year`` is the year of a one-year work plan (first == last): dates and targets
    written without a year take it ("11月底前", "新增就业6000人"); ``None`` otherwise.
    """

    first_year: int
    last_year: int
    task_quantity: Quantity | None

    @property
    def plan_year(self) -> int | None:
        """The one year of a one-year work plan, else ``None``."""
        return self.first_year if self.first_year == self.last_year else None


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


@dataclass(frozen=True, slots=True)
class Governing:
    """The dates that govern the clauses after them.

    ``head``: the dates of a clause that is only a time ("到2024年，…", "到2022年和2030年，…");
    they govern every later clause until another clause names its own time. ``last``: the one
    date of the latest clause with a target ("2025年6月底前完成培训，用户活跃率达95%"); it
    governs later targets but not later steps ("2019年达到20%，加强管理" stays unread).
    """

    head: tuple[date, ...] = ()
    last: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class ClauseReading:
    """What one clause says (``items``), whether it is only a time (``is_head``), and the
    dates it names itself (``own``: empty when it names none or took them from before)."""

    items: tuple[Item, ...]
    is_head: bool = False
    own: tuple[date, ...] = ()
