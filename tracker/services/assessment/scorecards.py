"""Scorecards (issue 5 §5): every indicator scored from its rules and the decided
adjustments only, so each point links to the rule, the event and the decision behind it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from tracker.domain.scoring import (
    IndicatorScore,
    RuleEvent,
    RuleKind,
    RuleSpec,
    grade,
    score_indicator,
)
from tracker.extensions import db
from tracker.models import Unit, User
from tracker.models.assessment import Indicator, ScoreAdjustment, ScoringRule, SelfAssessment
from tracker.services.assessment.common import COUNTED, DECIDED, rule_spec_of
from tracker.services.assessment.decisions import adjustments_of


@dataclass(frozen=True, slots=True)
class CardLine:
    """One deduction (negative points 分) or bonus line of an indicator: ``points`` as
    applied after the rubric's caps and the floor, ``decided_points`` as decided, ``limit``
    why they differ; the rule's source line, the event text, the decision (status, who,
    reason), the unit and the adjustment id."""

    points: float
    decided_points: float
    limit: str
    rule: str
    event: str
    decision: str
    decided_by: str
    reason: str
    unit: str
    adjustment_id: int | None

    def to_json(self) -> dict[str, object]:
        """``{"points", "decided_points", "limit", "rule", "event", "decision", "reason",
        "decided_by", "unit", "adjustment_id"}``."""
        return {
            "points": _round(self.points),
            "decided_points": _round(self.decided_points),
            "limit": self.limit,
            "rule": self.rule,
            "event": self.event,
            "decision": self.decision,
            "reason": self.reason,
            "decided_by": self.decided_by,
            "unit": self.unit,
            "adjustment_id": self.adjustment_id,
        }


@dataclass(frozen=True, slots=True)
class IndicatorCard:
    """A level-3 indicator's score: ``points`` its value (None: 未设分值, left out of the
    total), ``score`` between 0 and points plus allowed bonus (None while 未评), and its
    lines. ``assessed`` is False while nothing scores it yet (no decided adjustment, no
    reviewed final score): it counts neither as full marks nor as zero."""

    indicator: Indicator
    points: float | None
    score: float | None
    deductions: list[CardLine]
    bonuses: list[CardLine]
    assessed: bool = True

    @property
    def note(self) -> str:
        """ "未设分值" for an indicator without points, "未评" while not assessed, else ""."""
        if self.points is None:
            return "未设分值"
        return "" if self.assessed else "未评"


@dataclass(slots=True)
class GroupCard:
    """A level-1 or level-2 indicator: the sums (分) of its level-3 indicators."""

    indicator: Indicator
    points: float = 0.0
    score: float = 0.0


@dataclass(slots=True)
class Scorecard:
    """A plan's (or one unit's) scorecard on an indicator set: per level-3 indicator in
    table order, level-1/2 sums keyed by indicator id, total (points scored on the
    assessed indicators and bonus items) and max (分), the max of the assessed indicators
    (``scored_max``) and how many are 未评 (``unscored``); a grade only when none is; and
    how many proposals still wait for a decision (not counted)."""

    set_id: int
    plan_id: int
    unit_id: int | None
    indicators: list[IndicatorCard]
    groups: dict[int, GroupCard] = field(default_factory=dict)
    total: float = 0.0
    maximum: float = 0.0
    grade: str = ""
    pending: int = 0
    scored_max: float = 0.0
    unscored: int = 0

    @property
    def pending_points(self) -> float:
        """The points of the indicators still 未评 (分)."""
        return self.maximum - self.scored_max

    @property
    def share_assessed(self) -> float:
        """The share (0–1) of the maximum on indicators already assessed."""
        return self.scored_max / self.maximum if self.maximum else 0.0

    def ordered_groups(self) -> list[GroupCard]:
        """Level-1 groups in table order, each followed by its level-2 groups (positions
        count within a parent, so sorting by position alone would interleave them)."""
        level1 = sorted(
            (g for g in self.groups.values() if g.indicator.level == 1),
            key=lambda g: g.indicator.position,
        )
        ordered = []
        for top in level1:
            ordered.append(top)
            ordered.extend(
                sorted(
                    (g for g in self.groups.values() if g.indicator.parent_id == top.indicator.id),
                    key=lambda g: g.indicator.position,
                )
            )
        return ordered


def scorecard(
    set_id: int, plan_id: int, unit_id: int | None = None, *, grades: Mapping[str, float]
) -> Scorecard:
    """Score every level-3 indicator of ``set_id`` (only the unit's when ``unit_id`` is
    given: those assessing the unit or with adjustments for it — all when the set names
    no units) from its rules and the confirmed/changed adjustments of ``plan_id`` (of that
    unit), with level-1/2 sums, total, max and the grade of ``grades`` (grade → lowest
    percent of the maximum, ``AssessmentSettings.grade_thresholds()``). Reads only."""
    indicators = list(
        db.session.scalars(
            sa.select(Indicator).where(Indicator.set_id == set_id).order_by(Indicator.position)
        )
    )
    adjustments = adjustments_of(set_id, plan_id, unit_id)
    counted: dict[int, list[ScoreAdjustment]] = {}
    for adjustment in adjustments:
        if adjustment.status in COUNTED:
            counted.setdefault(adjustment.indicator_id, []).append(adjustment)
    leaves = [i for i in indicators if i.level == 3]
    if unit_id is not None:
        leaves = _units_indicators(leaves, unit_id, {a.indicator_id for a in adjustments})
    finals = final_scores(set_id, unit_id)
    decided = {a.indicator_id for a in adjustments if a.status in DECIDED}
    cards = [
        _indicator_card(
            leaf, counted.get(leaf.id, []), finals.get(leaf.id, _NO_FINAL), leaf.id in decided
        )
        for leaf in leaves
    ]
    card = Scorecard(set_id, plan_id, unit_id, cards)
    card.pending = sum(1 for a in adjustments if a.status == "proposed")
    _sum_up(card, {i.id: i for i in indicators})
    if card.maximum and not card.unscored:
        card.grade = grade(card.total, card.maximum, grades)
    return card


#: ``final_scores`` value of an indicator reviewed on another unit's form (plan card).
_NO_FINAL = -1.0


def final_scores(set_id: int, unit_id: int | None) -> dict[int, float | None]:
    """Indicator id → the reviewed final score of the unit's self-assessment; for the plan
    card (``unit_id`` None) every indicator reviewed for some unit, with None (assessed,
    scored from its rules)."""
    query = sa.select(SelfAssessment.indicator_id, SelfAssessment.final_score).where(
        SelfAssessment.set_id == set_id, SelfAssessment.final_score.is_not(None)
    )
    if unit_id is None:
        return {indicator_id: None for indicator_id, _ in db.session.execute(query)}
    query = query.where(SelfAssessment.unit_id == unit_id)
    rows = db.session.execute(query)
    return {indicator_id: float(score or 0.0) for indicator_id, score in rows}


def _units_indicators(leaves: list[Indicator], unit_id: int, adjusted: set[int]) -> list[Indicator]:
    if not any(leaf.units for leaf in leaves):
        return leaves
    return [
        leaf
        for leaf in leaves
        if leaf.id in adjusted or any(unit.id == unit_id for unit in leaf.units)
    ]


#: The rule source shown for a lag deduction made by the setting (no deduction rule).
LAG_RULE_SOURCE = "滞后事项扣分（TRACKER_ASSESS_LAG_POINTS）"


def _indicator_card(
    indicator: Indicator,
    adjustments: Sequence[ScoreAdjustment],
    final: float | None,
    decided: bool,
) -> IndicatorCard:
    """The indicator's card; ``final`` its reviewed final score (the base instead of its
    points), None when reviewed without one, ``_NO_FINAL`` when not reviewed; ``decided``
    whether an assessor decided an adjustment on it (then it is assessed)."""
    card = _rule_card(indicator, adjustments)
    if card.points is None or card.score is None:
        return card
    assessed = decided or final != _NO_FINAL or indicator.is_bonus
    if not assessed:
        return IndicatorCard(indicator, card.points, None, card.deductions, card.bonuses, False)
    if final is not None and final != _NO_FINAL:
        net = card.score - card.points
        score = max(0.0, final + net)
        return IndicatorCard(indicator, card.points, score, card.deductions, card.bonuses)
    return card


def _rule_card(indicator: Indicator, adjustments: Sequence[ScoreAdjustment]) -> IndicatorCard:
    if indicator.points is None:
        lines = [_line(a, float(a.points or 0.0), "") for a in adjustments]
        return IndicatorCard(indicator, None, None, _negative(lines), _positive(lines))
    rules = [rule_spec_of(row) for row in indicator.rules]
    fallback = len(rules)
    rules.append(RuleSpec(RuleKind.TEXT, source=LAG_RULE_SOURCE))
    index_of = {row.id: i for i, row in enumerate(indicator.rules)}
    events = [
        RuleEvent(
            rule_index=index_of.get(a.rule_id, fallback) if a.rule_id else fallback,
            points=float(a.points or 0.0),
            note=str(a.id),
        )
        for a in adjustments
    ]
    base = 0.0 if indicator.is_bonus else float(indicator.points)
    result: IndicatorScore = score_indicator(base, rules, events)
    applied = {_note_id(line.note): line for line in (*result.deductions, *result.bonuses)}
    lines = []
    for adjustment in adjustments:
        line = applied.get(adjustment.id)
        points = line.points if line is not None else 0.0
        limit = _note_limit(line.note) if line is not None else "已达扣分上限"
        lines.append(_line(adjustment, points, limit))
    return IndicatorCard(
        indicator, float(indicator.points), result.score, _negative(lines), _positive(lines)
    )


def _note_id(note: str) -> int:
    digits = note.split("（", 1)[0]
    return int(digits) if digits.isdigit() else -1


def _note_limit(note: str) -> str:
    return note.split("（", 1)[1].rstrip("）") if "（" in note else ""


def _negative(lines: list[CardLine]) -> list[CardLine]:
    return [line for line in lines if line.decided_points < 0]


def _positive(lines: list[CardLine]) -> list[CardLine]:
    return [line for line in lines if line.decided_points > 0]


def _line(adjustment: ScoreAdjustment, applied: float, limit: str) -> CardLine:
    rule = db.session.get(ScoringRule, adjustment.rule_id) if adjustment.rule_id else None
    who = db.session.get(User, adjustment.decided_by_id) if adjustment.decided_by_id else None
    unit = db.session.get(Unit, adjustment.unit_id) if adjustment.unit_id else None
    return CardLine(
        points=applied,
        decided_points=float(adjustment.points or 0.0),
        limit=limit,
        rule=rule.source if rule is not None else LAG_RULE_SOURCE,
        event=adjustment.event,
        decision=adjustment.status,
        decided_by=(who.display_name or who.username) if who is not None else "",
        reason=adjustment.reason,
        unit=unit.name if unit is not None else "",
        adjustment_id=adjustment.id,
    )


def _sum_up(card: Scorecard, by_id: dict[int, Indicator]) -> None:
    for leaf in card.indicators:
        if leaf.points is None:
            continue
        score = leaf.score or 0.0
        if leaf.indicator.is_bonus:
            card.total += min(score, leaf.points)
            continue
        card.maximum += leaf.points
        if leaf.assessed:
            card.total += score
            card.scored_max += leaf.points
        else:
            card.unscored += 1
        for ancestor in _ancestors(leaf.indicator, by_id):
            group = card.groups.setdefault(ancestor.id, GroupCard(ancestor))
            group.points += leaf.points
            group.score += score


def _ancestors(indicator: Indicator, by_id: dict[int, Indicator]) -> Iterable[Indicator]:
    parent_id = indicator.parent_id
    while parent_id is not None and parent_id in by_id:
        parent = by_id[parent_id]
        yield parent
        parent_id = parent.parent_id


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def scorecard_json(card: Scorecard) -> dict[str, object]:
    """``{"total", "max", "grade", "pending", "scored_max", "pending_points",
    "share_assessed", "unscored", "indicators": [{"id", "name", "points", "score",
    "assessed", "note", "deductions": [line …], "bonuses": [line …]}]}``; points in 分."""
    return {
        "total": _round(card.total),
        "max": _round(card.maximum),
        "grade": card.grade,
        "pending": card.pending,
        "scored_max": _round(card.scored_max),
        "pending_points": _round(card.pending_points),
        "share_assessed": round(card.share_assessed, 4),
        "unscored": card.unscored,
        "indicators": [
            {
                "id": item.indicator.id,
                "name": item.indicator.name,
                "points": _round(item.points),
                "score": _round(item.score),
                "assessed": item.assessed,
                "note": item.note,
                "deductions": [line.to_json() for line in item.deductions],
                "bonuses": [line.to_json() for line in item.bonuses],
            }
            for item in card.indicators
        ],
    }
