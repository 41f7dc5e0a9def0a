"""Scoring one indicator from its rules and the occurrences an assessor booked (DESIGN.md §6)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.domain.scoring.rules import EPS, RuleKind, RuleSpec, fmt_points


@dataclass(frozen=True)
class RuleEvent:
    """An occurrence against rule ``rule_index``.

    ``count``: missing items/parts (per-occurrence and per-part rules); ``points``: an
    explicit amount decided by an assessor (negative = deduction, positive = bonus) that
    replaces the computed one — the rubric's caps and the indicator's range still apply.
    """

    rule_index: int
    count: float = 1.0
    points: float | None = None
    note: str = ""


@dataclass(frozen=True)
class ScoreLine:
    """One explained amount: signed points (deductions negative) and the rule's source line.

    An occurrence that a cap or the floor reduced to nothing stays listed with 0 points and
    a note saying why ("扣完对应考核要点分值为止", "扣分不超过7分").
    """

    rule_index: int | None
    points: float
    note: str
    source: str


@dataclass(frozen=True)
class IndicatorScore:
    """An indicator's score: ``score = start + Σ bonuses + Σ deductions`` within [0, max].

    All amounts in points (分): ``points`` the indicator's worth as given (at least 0),
    ``max_score`` the most it can score (:func:`max_score`), ``deductions`` (negative) and
    ``bonuses`` (positive) in the order of the events; computed amounts are rounded to 6
    decimals.
    """

    points: float
    max_score: float
    score: float
    deductions: tuple[ScoreLine, ...]
    bonuses: tuple[ScoreLine, ...]


@dataclass
class _Entry:
    rule_index: int
    amount: float
    note: str
    source: str
    sign: int = field(init=False, default=-1)

    @property
    def bonus(self) -> bool:
        """Booked as a bonus (sign of the amount as decided, before any trimming)."""
        return self.sign > 0

    def __post_init__(self) -> None:
        self.sign = 1 if self.amount > 0 else -1

    def trim(self, allowed: float, why: str) -> None:
        """Reduce |amount| to ``allowed`` (≥ 0) and say why."""
        allowed = max(0.0, allowed)
        if abs(self.amount) > allowed + EPS:
            self.amount = math.copysign(allowed, self.amount)
            self.note = f"{self.note}（{why}）" if self.note else why


def _base(rules: Sequence[RuleSpec]) -> float | None:
    for rule in rules:
        if rule.kind is RuleKind.BASE and rule.points is not None:
            return max(0.0, rule.points)
    return None


def _scope(rules: Sequence[RuleSpec], cap_index: int) -> list[int]:
    """Indices a ``CAP`` rule limits: the rules of its own line, else the whole indicator."""
    cap_rule = rules[cap_index]
    want_bonus = cap_rule.limits_bonus
    candidates = [
        i
        for i, r in enumerate(rules)
        if i != cap_index and (r.is_bonus if want_bonus else not r.is_bonus)
    ]
    if cap_rule.source:
        same_line = [i for i in candidates if rules[i].source == cap_rule.source]
        if same_line:
            return same_line
    return candidates


def _rule_bonus_max(rule: RuleSpec) -> float:
    """The most one bonus rule can add (0 when open-ended: it only fills up to the points)."""
    if rule.kind is RuleKind.BONUS_FIXED and rule.points is not None:
        return max(0.0, rule.points if rule.cap is None else min(rule.points, rule.cap))
    return max(0.0, rule.cap) if rule.cap is not None else 0.0


def _bonus_max(rules: Sequence[RuleSpec]) -> float:
    per_rule = {i: _rule_bonus_max(r) for i, r in enumerate(rules) if r.is_bonus}
    caps = [i for i, r in enumerate(rules) if r.kind is RuleKind.CAP and r.limits_bonus]
    total_cap = math.inf
    for ci in caps:
        cap = max(0.0, rules[ci].cap or 0.0)
        scope = [i for i in _scope(rules, ci) if i in per_rule]
        if len(scope) == len(per_rule):
            total_cap = min(total_cap, cap)
            continue
        scoped_sum = sum(per_rule[i] for i in scope)
        if scoped_sum > cap:
            for i in scope:  # scale the group down so its members sum to the cap
                per_rule[i] *= cap / scoped_sum
    return min(total_cap, sum(per_rule.values()))


def max_score(points: float, rules: Sequence[RuleSpec]) -> float:
    """The most an indicator can score, in points (分): ``points + bonus`` without a ``BASE``
    rule, ``max(points, base + bonus)`` with one, where ``bonus`` is the most the capped bonus
    rules can add (an uncapped per-item bonus adds nothing here). DESIGN.md §6; the national
    rubric builds its base indicators so that base + bonuses = points (4 + 4 + 2 = 10)."""
    points = max(0.0, points)
    bonus = _bonus_max(rules)
    base = _base(rules)
    return points + bonus if base is None else max(points, base + bonus)


def _event_amount(rule: RuleSpec, event: RuleEvent) -> float | None:
    """Signed amount of one event (None: nothing to book)."""
    if event.points is not None:
        return float(event.points)
    count = max(0.0, event.count)
    if rule.points is None or count <= 0:
        return None
    if rule.kind is RuleKind.DEDUCT_PARTS and rule.parts:
        count = min(count, float(len(rule.parts)))
    per = abs(rule.points)
    amounts = {
        RuleKind.DEDUCT_FIXED: -per,
        RuleKind.DEDUCT_PER: -per * count,
        RuleKind.DEDUCT_PARTS: -per * count,
        RuleKind.BONUS_FIXED: per,
        RuleKind.BONUS_PER: per * count,
    }
    return amounts.get(rule.kind)


def _entries(rules: Sequence[RuleSpec], events: Sequence[RuleEvent]) -> list[_Entry]:
    entries = []
    for event in events:
        if not 0 <= event.rule_index < len(rules):
            raise ValueError(f"rule_index {event.rule_index} outside 0..{len(rules) - 1}")
        rule = rules[event.rule_index]
        amount = _event_amount(rule, event)
        if amount is not None and math.isfinite(amount) and amount != 0:
            entries.append(_Entry(event.rule_index, amount, event.note, rule.source))
    return entries


def _limit(entries: list[_Entry], cap: float, bonus: bool, why: str) -> None:
    """Trim ``entries`` of one sign, in order, so that their total stays within ``cap``."""
    used = 0.0
    for entry in entries:
        if entry.bonus != bonus or entry.amount == 0:
            continue
        entry.trim(cap - used, why)
        used += abs(entry.amount)


def _apply_rule_caps(rules: Sequence[RuleSpec], entries: list[_Entry]) -> None:
    for index, rule in enumerate(rules):
        if rule.cap is None or rule.kind is RuleKind.CAP:
            continue
        mine = [e for e in entries if e.rule_index == index]
        why = f"{'加' if rule.is_bonus else '扣'}分不超过{fmt_points(rule.cap)}分"
        _limit(mine, max(0.0, rule.cap), rule.is_bonus, why)


def _apply_cap_rules(rules: Sequence[RuleSpec], entries: list[_Entry]) -> None:
    for index, rule in enumerate(rules):
        if rule.kind is not RuleKind.CAP or rule.cap is None:
            continue
        scope = set(_scope(rules, index))
        mine = [e for e in entries if e.rule_index in scope]
        why = rule.condition or f"不超过{fmt_points(rule.cap)}分"
        _limit(mine, max(0.0, rule.cap), rule.limits_bonus, why)


def _clamp(entries: list[_Entry], start: float, top: float) -> None:
    """Bonuses never lift the score above ``top``; deductions stop at 0 (扣完为止)."""
    _limit(entries, max(0.0, top - start), True, "不超过该指标最高分")
    bonus = sum(e.amount for e in entries if e.amount > 0)
    _limit(entries, max(0.0, start + bonus), False, "扣完对应考核要点分值为止")


def score_indicator(
    points: float, rules: Sequence[RuleSpec], events: Sequence[RuleEvent]
) -> IndicatorScore:
    """Score one level-3 indicator worth ``points`` from its rules and the booked events.

    Start: ``points``, or the base when a ``BASE`` rule exists ("基础分为4分"). Amounts are
    capped per rule, then by ``CAP`` rules, then the score is clamped to ``[0, max_score]``
    (DESIGN §6: an indicator never goes below 0 nor above its points plus allowed bonus).
    Raises ``ValueError`` for an event whose ``rule_index`` is not a rule of the list.
    """
    points = max(0.0, float(points))
    top = max_score(points, rules)
    base = _base(rules)
    start = min(top, base if base is not None else points)
    entries = _entries(rules, events)
    _apply_rule_caps(rules, entries)
    _apply_cap_rules(rules, entries)
    _clamp(entries, start, top)
    lines = [
        (e.bonus, ScoreLine(e.rule_index, round(e.amount, 6), e.note, e.source)) for e in entries
    ]
    score = start + sum(line.points for _, line in lines)
    score = round(min(top, max(0.0, score)), 6)
    return IndicatorScore(
        points=points,
        max_score=round(top, 6),
        score=score,
        deductions=tuple(line for bonus, line in lines if not bonus),
        bonuses=tuple(line for bonus, line in lines if bonus),
    )
