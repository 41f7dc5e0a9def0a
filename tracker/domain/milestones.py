"""Milestone values shared by the schedule grammar, the lag rules and the persistence layer.

A milestone is one dated target of a task (DESIGN.md §4). The schedule grammar produces
them from the schedule text; the database stores them; the lag rules read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class MilestoneKind(StrEnum):
    """The kinds of DESIGN.md §4."""

    LEVEL = "level"
    MAINTAIN = "maintain"
    ANNUAL = "annual"
    CUMULATIVE = "cumulative"
    GROWTH = "growth"
    STAGE = "stage"
    ONGOING = "ongoing"


NUMERIC_KINDS = frozenset(
    {
        MilestoneKind.LEVEL,
        MilestoneKind.MAINTAIN,
        MilestoneKind.ANNUAL,
        MilestoneKind.CUMULATIVE,
        MilestoneKind.GROWTH,
    }
)

#: Comparators, as written in the schedule: "以上"/"不低于"/"达到" → ">=", "超过" → ">",
#: "以内"/"不超过" → "<=".
COMPARATORS = (">=", ">", "<=", "<", "=")


@dataclass(frozen=True, slots=True)
class MilestoneSpec:
    """One dated target parsed from a schedule.

    - ``kind``: a :class:`MilestoneKind`.
    - ``due``: the date by which the target holds ("2019年" → 2019-12-31).
    - ``comparator``: one of :data:`COMPARATORS`, ``None`` for ``stage`` and ``ongoing``.
    - ``target``: a number for numeric kinds (percent as 0–100, ratio in 倍, a count in
      人/家/次/个, money in 元; ``growth`` is the factor on the year before: 1.06, or 1 with
      comparator ">" for "逐年递增"); the step's words for ``stage`` ("启动"); ``None`` for
      ``ongoing``.
    - ``unit``: "%", "倍", "人", "家", "元", … ; ``None`` when the kind has none.
    - ``start``: for ``ongoing`` the first day reports are due (JSON ``"from"``); for
      ``annual``/``maintain``/``growth`` the first day of the year the target covers;
      otherwise ``None``.
    - ``upper``: the top of a range target ("每年新建1-2家" → target 1, upper 2), else ``None``.
    - ``source``: the fragment of the schedule text this milestone came from.
    """

    kind: MilestoneKind
    due: date
    comparator: str | None = None
    target: float | str | None = None
    unit: str | None = None
    start: date | None = None
    upper: float | None = None
    source: str = ""

    @property
    def is_numeric(self) -> bool:
        """True for kinds whose target is a number (level, maintain, annual, cumulative, growth)."""
        return self.kind in NUMERIC_KINDS

    def to_json(self) -> dict[str, object]:
        """The shape `plan show --json` prints: kind, due (ISO date), comparator, target, unit,
        plus ``from`` (ISO date) for ``ongoing`` and ``upper`` for a range target."""
        data: dict[str, object] = {
            "kind": str(self.kind),
            "due": self.due.isoformat(),
            "comparator": self.comparator,
            "target": self.target,
            "unit": self.unit,
        }
        if self.kind is MilestoneKind.ONGOING and self.start is not None:
            data["from"] = self.start.isoformat()
        if self.upper is not None:
            data["upper"] = self.upper
        return data


@dataclass(frozen=True, slots=True)
class ParsedSchedule:
    """What the grammar read from one schedule text.

    ``needs_review`` is True when any part could not be read with confidence; ``reasons``
    then says why, in Chinese, for the office's review list.
    """

    milestones: tuple[MilestoneSpec, ...]
    needs_review: bool = False
    reasons: tuple[str, ...] = ()


class ScheduleParseError(ValueError):
    """Raised by the schedule grammar when a text cannot be read; ``reason`` is in Chinese."""

    def __init__(self, reason: str, text: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.text = text
