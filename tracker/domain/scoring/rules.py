"""The scoring rule values shared by the rule grammar and the scorer (DESIGN.md §6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

EPS = 1e-9


class RuleKind(StrEnum):
    """What a scoring line says (DESIGN §6)."""

    DEDUCT_FIXED = "deduct_fixed"
    DEDUCT_PER = "deduct_per"
    DEDUCT_PARTS = "deduct_parts"
    BASE = "base"
    BONUS_PER = "bonus_per"
    BONUS_FIXED = "bonus_fixed"
    CAP = "cap"
    FLOOR = "floor"
    NOTE = "note"
    TEXT = "text"


_DEDUCTIONS = frozenset({RuleKind.DEDUCT_FIXED, RuleKind.DEDUCT_PER, RuleKind.DEDUCT_PARTS})
_BONUSES = frozenset({RuleKind.BONUS_PER, RuleKind.BONUS_FIXED})


@dataclass(frozen=True)
class RuleSpec:
    """One scoring rule read from a 评分要点 line.

    ``points``: fixed deduction/bonus, base score, or points per occurrence/part.
    ``cap``: the most this rule may deduct or add ("总扣分不超过7分"); for kind ``CAP`` the
    most its scope may deduct (or add, when ``condition`` says 加分) — the scope is the rules
    of the same non-empty ``source`` line, else the whole indicator.
    ``parts``: the named parts of a ``DEDUCT_PARTS`` rule ("…、…、…分别扣2分").
    ``condition``: the words saying when it applies ("未编制专项规划").
    ``source``: the line as written. ``needs_review``/``reason``: an assessor must decide.
    """

    kind: RuleKind
    points: float | None = None
    cap: float | None = None
    parts: tuple[str, ...] = ()
    condition: str = ""
    source: str = ""
    needs_review: bool = False
    reason: str = ""

    def to_json(self) -> dict[str, object]:
        """Plain JSON-ready dict (``kind`` as its string value, ``parts`` as a list)."""
        return {
            "kind": self.kind.value,
            "points": self.points,
            "cap": self.cap,
            "parts": list(self.parts),
            "condition": self.condition,
            "source": self.source,
            "needs_review": self.needs_review,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleSpec:
        """Inverse of :meth:`to_json` (for rules stored as JSON)."""
        return cls(
            kind=RuleKind(data["kind"]),
            points=_opt_float(data.get("points")),
            cap=_opt_float(data.get("cap")),
            parts=tuple(data.get("parts") or ()),
            condition=data.get("condition") or "",
            source=data.get("source") or "",
            needs_review=bool(data.get("needs_review")),
            reason=data.get("reason") or "",
        )

    @property
    def is_deduction(self) -> bool:
        """A fixed, per-occurrence or per-part deduction (扣分)."""
        return self.kind in _DEDUCTIONS

    @property
    def is_bonus(self) -> bool:
        """A fixed or per-occurrence bonus (加分)."""
        return self.kind in _BONUSES

    @property
    def limits_bonus(self) -> bool:
        """For a ``CAP`` rule: whether it limits bonuses (加分) rather than deductions."""
        return "加分" in self.condition


def _opt_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def fmt_points(value: float) -> str:
    """Points as written in a note: 7.0 → "7", 0.5 → "0.5"."""
    return f"{value:g}"
