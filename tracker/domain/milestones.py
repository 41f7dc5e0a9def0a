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


class RelativeKind(StrEnum):
    """How a relative target is set against its base year's actual value (issue 10)."""

    PERCENT_CHANGE = "percent_change"  # "较2022年下降8%": base × (1 + amount / 100)
    LEVEL_CHANGE = "level_change"  # "比2020年提高5个百分点": base + amount
    MULTIPLE = "multiple"  # "翻一番": base × amount


@dataclass(frozen=True, slots=True)
class Relative:
    """A target relative to the actual value of ``base_year``.

    ``amount`` is signed for changes (−8 for "下降8%", +5 for "提高5个百分点") and the factor
    for ``multiple`` (2 for "翻一番", 4 for "翻两番"). ``base_value`` is the reported actual of
    the base year once known (``None`` until then: the milestone has no concrete target).
    """

    base_year: int
    kind: RelativeKind
    amount: float
    base_value: float | None = None

    @classmethod
    def from_columns(
        cls, kind: str | None, base_year: int | None, amount: float | None, base: float | None
    ) -> Relative | None:
        """The relative target stored in a milestone's four columns, or ``None`` when the
        milestone is absolute (any of kind, base year and amount missing)."""
        if kind is None or base_year is None or amount is None:
            return None
        return cls(base_year, RelativeKind(kind), amount, base)

    def absolute(self, base: float) -> float:
        """The concrete target on ``base``."""
        if self.kind is RelativeKind.PERCENT_CHANGE:
            return base * (1 + self.amount / 100)
        if self.kind is RelativeKind.LEVEL_CHANGE:
            return base + self.amount
        return base * self.amount

    def describe(self) -> str:
        """In Chinese: "较2022年下降8%", "较2020年提高5个百分点", "较2020年翻一番（×2）",
        with the concrete target once the base is known ("（基期值100，目标92）")."""
        if self.kind is RelativeKind.MULTIPLE:
            name = {2.0: "翻一番", 4.0: "翻两番"}.get(self.amount, f"达到{self.amount:g}倍")
            text = f"较{self.base_year}年{name}（×{self.amount:g}）"
        else:
            verb = "提高" if self.amount >= 0 else "下降"
            unit = "%" if self.kind is RelativeKind.PERCENT_CHANGE else "个百分点"
            text = f"较{self.base_year}年{verb}{abs(self.amount):g}{unit}"
        if self.base_value is None:
            return f"{text}（待填{self.base_year}年基期值）"
        target = round(self.absolute(self.base_value), 4)
        return f"{text}（基期值{self.base_value:g}，目标{target:g}）"

    def to_json(self) -> dict[str, object]:
        """``{"base_year", "kind", "amount"}`` plus ``base_value`` once known."""
        data: dict[str, object] = {
            "base_year": self.base_year,
            "kind": str(self.kind),
            "amount": self.amount,
        }
        if self.base_value is not None:
            data["base_value"] = self.base_value
        return data


def missing_base_message(year: int) -> str:
    """The review reason and task message while a relative target's base is unknown."""
    return f"缺少{year}年基期值，请在填报时补充"


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
    - ``relative``: for a target set against a base year ("较2022年下降8%") a
      :class:`Relative`; ``target`` is then ``None`` until the base is known.
    """

    kind: MilestoneKind
    due: date
    comparator: str | None = None
    target: float | str | None = None
    unit: str | None = None
    start: date | None = None
    upper: float | None = None
    source: str = ""
    relative: Relative | None = None

    @property
    def is_numeric(self) -> bool:
        """True for kinds whose target is a number (level, maintain, annual, cumulative, growth)."""
        return self.kind in NUMERIC_KINDS

    def to_json(self) -> dict[str, object]:
        """The shape `plan show --json` prints: kind, due (ISO date), comparator, target, unit,
        plus ``from`` (ISO date) for ``ongoing``, ``upper`` for a range target and
        ``relative`` for a target set against a base year."""
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
        if self.relative is not None:
            data["relative"] = self.relative.to_json()
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
