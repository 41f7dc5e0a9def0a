"""From lags to points (issue 5 §3) and scorecards (§5).

The office maps tasks to level-3 indicators (with suggestions from the text of both);
:func:`propose_from_lags` turns each lag event of a mapped task — a missed milestone, an
overdue report, a cooperating unit's request left unanswered after its deadline or
disputed — into a proposed :class:`ScoreAdjustment` (points 分, negative = deduction) on
each mapped indicator for the unit concerned. An assessor confirms, changes or rejects
each proposal with a reason (:func:`decide`); a unit may appeal a decided deduction once
(:func:`appeal`) and the assessor answers (:func:`answer_appeal`). :func:`scorecard`
scores every indicator from its rules and the decided adjustments only, so each point
links to the rule, the event and the decision behind it. Every change is audited; the
caller commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import sqlalchemy as sa
from flask import current_app

from tracker.domain.lag import LagState
from tracker.domain.policy import Action, Actor, Role, can
from tracker.domain.scoring import (
    IndicatorScore,
    RuleEvent,
    RuleKind,
    RuleSpec,
    grade,
    score_indicator,
)
from tracker.domain.similarity import similarity
from tracker.extensions import db
from tracker.models import Plan, ProgressReport, Task, Unit, User
from tracker.models._types import utcnow
from tracker.models.assessment import Indicator, ScoreAdjustment, ScoringRule, TaskIndicator
from tracker.models.report import Contribution, ContributionStatus
from tracker.services import audit
from tracker.services.contributions import unanswered_after_deadline
from tracker.services.errors import Conflict, NotFound, ServiceError
from tracker.services.scan import alert_key, assess_plan

#: Lag events of the scan that propose deductions.
_LAG_KINDS = frozenset({LagState.MISSED, LagState.OVERDUE})
#: Statuses whose points count in a score.
COUNTED = frozenset({"confirmed", "changed"})
#: Statuses an assessor has decided.
DECIDED = frozenset({"confirmed", "changed", "rejected"})
#: Rule kinds whose points are the per-event points of a lag deduction.
_DEDUCTION_KINDS = frozenset({RuleKind.DEDUCT_PER, RuleKind.DEDUCT_FIXED})

Decision = Literal["confirm", "change", "reject"]


class NotAllowed(ServiceError):
    """The user may not take this step (wrong role or not the unit concerned)."""


# --------------------------------------------------------------------------- helpers


def _actor(user: User) -> Actor:
    return Actor(role=Role(user.role), unit_id=user.unit_id, approver=bool(user.is_approver))


def _require(user: User, action: Action) -> None:
    if not can(_actor(user), action):
        raise NotAllowed("无权进行此操作")


def _required_text(value: str, label: str, name: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(f"请填写{label}", field=name)
    return text


def rule_spec_of(row: ScoringRule) -> RuleSpec:
    """The :class:`RuleSpec` a stored rule was saved from (``params`` holds its
    ``to_json``); ``kind``, ``source`` and ``needs_review`` come from the row's columns."""
    params: dict[str, Any] = json.loads(row.params or "{}")
    params.update(kind=row.kind, source=row.source, needs_review=row.needs_review)
    return RuleSpec.from_json(params)


def get_adjustment(adjustment_id: int) -> ScoreAdjustment:
    """A score adjustment by id; raises :class:`NotFound`."""
    adjustment = db.session.get(ScoreAdjustment, adjustment_id)
    if adjustment is None:
        raise NotFound("没有这条扣分记录")
    return adjustment


def _indicator(indicator_id: int) -> Indicator:
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound("没有这个指标")
    return indicator


# --------------------------------------------------------------------------- mapping


def suggest_indicators(task: Task, set_id: int, limit: int = 5) -> list[tuple[Indicator, float]]:
    """The level-3 indicators of set ``set_id`` whose name and key points read most like
    the task's text: up to ``limit`` (indicator, similarity 0–1) pairs, best first, those
    with no shared character pair left out."""
    indicators = db.session.scalars(
        sa.select(Indicator).where(Indicator.set_id == set_id, Indicator.level == 3)
    )
    scored = [
        (indicator, similarity(task.text, f"{indicator.name} {indicator.key_points}"))
        for indicator in indicators
    ]
    scored = [pair for pair in scored if pair[1] > 0]
    scored.sort(key=lambda pair: (-pair[1], pair[0].position))
    return scored[:limit]


def mapped_indicators(task: Task, set_id: int | None = None) -> list[Indicator]:
    """The indicators ``task`` is mapped to (of one set when ``set_id`` is given)."""
    query = (
        sa.select(Indicator)
        .join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
        .where(TaskIndicator.task_id == task.id)
        .order_by(Indicator.set_id, Indicator.position)
    )
    if set_id is not None:
        query = query.where(Indicator.set_id == set_id)
    return list(db.session.scalars(query))


def map_task(task: Task, indicator: Indicator, user: User | None) -> TaskIndicator:
    """Map ``task`` to a level-3 ``indicator`` (idempotent; audited). ``user`` None is the
    system (CLI). Raises :class:`ServiceError` for an indicator of level 1 or 2 and
    :class:`NotAllowed` for a user other than the office."""
    if user is not None:
        _require(user, Action.MAP_INDICATORS)
    if indicator.level != 3:
        raise ServiceError("只能对应到三级指标", field="indicator_id")
    link = db.session.get(TaskIndicator, (task.id, indicator.id))
    if link is not None:
        return link
    link = TaskIndicator(task_id=task.id, indicator_id=indicator.id)
    db.session.add(link)
    audit.record("map", link, user=user, task_id=task.id, summary=f"对应指标：{indicator.name}")
    return link


def unmap_task(task: Task, indicator: Indicator, user: User | None) -> bool:
    """Remove the mapping of ``task`` to ``indicator`` (audited); False when there was none.
    Adjustments already proposed stay, for the assessor to decide."""
    if user is not None:
        _require(user, Action.MAP_INDICATORS)
    link = db.session.get(TaskIndicator, (task.id, indicator.id))
    if link is None:
        return False
    before = audit.snapshot(link)
    audit.record(
        "unmap",
        link,
        user=user,
        task_id=task.id,
        before=before,
        summary=f"取消对应：{indicator.name}",
    )
    db.session.delete(link)
    db.session.flush()
    return True


# --------------------------------------------------------------------------- proposals


@dataclass(frozen=True, slots=True)
class _Lag:
    """One lag event against one unit: its key (without indicator), text and weight."""

    task: Task
    unit_id: int
    key: str
    text: str
    weight: float


def _per_event(indicator: Indicator) -> tuple[ScoringRule | None, float]:
    """The indicator's first deduction rule and its points per event, else the setting."""
    for row in indicator.rules:
        if row.kind in _DEDUCTION_KINDS:
            points = rule_spec_of(row).points
            if points:
                return row, abs(float(points))
    return None, float(current_app.config["TRACKER_ASSESS_LAG_POINTS"])


def _mapped_tasks(set_id: int, plan_id: int) -> dict[int, list[Indicator]]:
    rows = db.session.execute(
        sa.select(TaskIndicator.task_id, Indicator)
        .join(Indicator, Indicator.id == TaskIndicator.indicator_id)
        .join(Task, Task.id == TaskIndicator.task_id)
        .where(Indicator.set_id == set_id, Indicator.level == 3, Task.plan_id == plan_id)
        .order_by(Indicator.position)
    )
    mapped: dict[int, list[Indicator]] = {}
    for task_id, indicator in rows:
        mapped.setdefault(task_id, []).append(indicator)
    return mapped


def _scan_lags(plan: Plan, task_ids: set[int], as_of: date) -> list[_Lag]:
    weight = float(current_app.config["TRACKER_ASSESS_LEAD_WEIGHT"])
    lags: list[_Lag] = []
    for status in assess_plan(plan, as_of):
        if status.task.id not in task_ids:
            continue
        for event in status.assessment.events:
            if event.kind not in _LAG_KINDS:
                continue
            key = alert_key(status.task, event)
            for unit in status.task.lead_units:
                lags.append(_Lag(status.task, unit.id, key, event.message, weight))
    return lags


def _contribution_lags(task_ids: set[int], as_of: date) -> list[_Lag]:
    weight = float(current_app.config["TRACKER_ASSESS_COOPERATING_WEIGHT"])
    disputed = db.session.scalars(
        sa.select(Contribution).where(
            Contribution.status == ContributionStatus.DISPUTED,
            sa.or_(Contribution.answered_on.is_(None), Contribution.answered_on <= as_of),
        )
    )
    lags: list[_Lag] = []
    for contribution in [*unanswered_after_deadline(as_of), *disputed]:
        report: ProgressReport = contribution.report
        if report.task_id not in task_ids:
            continue
        lags.append(
            _Lag(
                report.task,
                contribution.unit_id,
                f"contribution{contribution.id}",
                _contribution_text(contribution),
                weight,
            )
        )
    return lags


def _contribution_text(contribution: Contribution) -> str:
    report = contribution.report
    if contribution.status is ContributionStatus.DISPUTED:
        why = f"，理由：{contribution.reason}" if contribution.reason else ""
        return f"{contribution.unit.name}对{report.period}进展报告的配合情况有异议{why}"
    return (
        f"{contribution.unit.name}逾期未确认{report.period}进展报告的配合情况"
        f"（截止{contribution.due_on}）"
    )


def propose_from_lags(set_id: int, plan_id: int, as_of: date) -> list[ScoreAdjustment]:
    """Propose deductions for the lag events of tasks of ``plan_id`` mapped to level-3
    indicators of ``set_id`` as of ``as_of``: for each event and mapped indicator, one
    adjustment per unit concerned (the task's lead units for missed milestones and
    overdue reports; the cooperating unit for its contribution request unanswered after
    the deadline or disputed) of ``-weight × per-event points`` (分). Per-event points are
    the indicator's first deduction rule's points, else ``TRACKER_ASSESS_LAG_POINTS``.
    Idempotent: an event already proposed (same key) adds nothing. Returns the new
    adjustments (audited); raises :class:`NotFound` for an unknown plan."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("没有这个方案")
    mapped = _mapped_tasks(set_id, plan_id)
    if not mapped:
        return []
    task_ids = set(mapped)
    lags = _scan_lags(plan, task_ids, as_of) + _contribution_lags(task_ids, as_of)
    existing = set(
        db.session.scalars(
            sa.select(ScoreAdjustment.event_key).where(
                ScoreAdjustment.set_id == set_id, ScoreAdjustment.plan_id == plan_id
            )
        )
    )
    created: list[ScoreAdjustment] = []
    for lag in lags:
        for indicator in mapped[lag.task.id]:
            key = f"{lag.key}:unit{lag.unit_id}:indicator{indicator.id}"
            if key in existing:
                continue
            existing.add(key)
            created.append(_propose(set_id, plan_id, indicator, lag, key))
    return created


def _propose(
    set_id: int, plan_id: int, indicator: Indicator, lag: _Lag, key: str
) -> ScoreAdjustment:
    rule, points = _per_event(indicator)
    adjustment = ScoreAdjustment(
        set_id=set_id,
        plan_id=plan_id,
        indicator_id=indicator.id,
        unit_id=lag.unit_id,
        rule_id=rule.id if rule is not None else None,
        task_id=lag.task.id,
        event_key=key,
        event=lag.text,
        proposed_points=-round(lag.weight * points, 4),
        points=None,
        status="proposed",
    )
    db.session.add(adjustment)
    audit.record("propose", adjustment, user=None, task_id=lag.task.id, summary=lag.text)
    return adjustment


# --------------------------------------------------------------------------- decisions


def _checked_points(adjustment: ScoreAdjustment, points: float | None) -> float:
    if points is None:
        raise ServiceError("请填写分值", field="points")
    value = float(points)
    if adjustment.proposed_points < 0 and value > 0:
        raise ServiceError("扣分应为负数或零", field="points")
    if adjustment.proposed_points > 0 and value < 0:
        raise ServiceError("加分应为正数或零", field="points")
    return value


def decide(
    adjustment: ScoreAdjustment,
    assessor: User,
    decision: Decision,
    points: float | None = None,
    reason: str = "",
) -> ScoreAdjustment:
    """Confirm (points = proposed), change (``points`` required: ≤ 0 for a deduction,
    ≥ 0 for a bonus) or reject (points 0) a proposal; ``reason`` is required to change or
    reject. A decision may be revised until the unit appeals. Audited.

    Raises :class:`NotAllowed` unless the user is an assessor, :class:`ServiceError`
    (field "decision", "points" or "reason") for bad input, :class:`Conflict` once an
    appeal is filed.
    """
    _require(assessor, Action.REVIEW_ASSESSMENT)
    if adjustment.appealed_at is not None:
        raise Conflict("该扣分已申诉，请答复申诉")
    before = audit.snapshot(adjustment)
    if decision == "confirm":
        adjustment.points = adjustment.proposed_points
        adjustment.reason = (reason or "").strip()
        adjustment.status = "confirmed"
    elif decision == "change":
        text = _required_text(reason, "调整理由", "reason")
        adjustment.points = _checked_points(adjustment, points)
        adjustment.reason = text
        adjustment.status = "changed"
    elif decision == "reject":
        adjustment.reason = _required_text(reason, "不予扣分的理由", "reason")
        adjustment.points = 0.0
        adjustment.status = "rejected"
    else:
        raise ServiceError("未知的决定", field="decision")
    adjustment.decided_by_id = assessor.id
    adjustment.decided_at = utcnow()
    audit.record(decision, adjustment, user=assessor, task_id=adjustment.task_id, before=before)
    return adjustment


def appeal(adjustment: ScoreAdjustment, unit_user: User, reason: str) -> ScoreAdjustment:
    """A unit's appeal (申诉) of a confirmed or changed adjustment on that unit, with a
    reason; once only. Audited. Raises :class:`NotAllowed` for a user not of that unit,
    :class:`Conflict` for an undecided or rejected adjustment or a second appeal, and
    :class:`ServiceError` (field "reason") without a reason."""
    if unit_user.role != Role.UNIT or unit_user.unit_id != adjustment.unit_id:
        raise NotAllowed("只有被扣分单位可以申诉")
    if adjustment.status not in COUNTED:
        raise Conflict("只能对已确认的扣分申诉")
    if adjustment.appealed_at is not None:
        raise Conflict("每项扣分只能申诉一次")
    text = _required_text(reason, "申诉理由", "reason")
    before = audit.snapshot(adjustment)
    adjustment.appeal = text
    adjustment.appealed_at = utcnow()
    audit.record("appeal", adjustment, user=unit_user, task_id=adjustment.task_id, before=before)
    return adjustment


def answer_appeal(
    adjustment: ScoreAdjustment, assessor: User, answer: str, points: float | None = None
) -> ScoreAdjustment:
    """The assessor's answer to an appeal; with ``points`` the adjustment is changed to
    them (same sign rules as :func:`decide`), else it stands. Audited. Raises
    :class:`NotAllowed`, :class:`Conflict` (no appeal, or answered already) and
    :class:`ServiceError` (field "answer" or "points")."""
    _require(assessor, Action.REVIEW_ASSESSMENT)
    if adjustment.appealed_at is None:
        raise Conflict("该扣分没有申诉")
    if adjustment.appeal_answered_at is not None:
        raise Conflict("申诉已答复")
    text = _required_text(answer, "答复", "answer")
    before = audit.snapshot(adjustment)
    if points is not None:
        adjustment.points = _checked_points(adjustment, points)
        adjustment.status = "changed"
        adjustment.decided_by_id = assessor.id
        adjustment.decided_at = utcnow()
    adjustment.appeal_answer = text
    adjustment.appeal_answered_at = utcnow()
    audit.record(
        "answer_appeal", adjustment, user=assessor, task_id=adjustment.task_id, before=before
    )
    return adjustment


def adjustments_of(
    set_id: int, plan_id: int, unit_id: int | None = None, status: str | None = None
) -> list[ScoreAdjustment]:
    """The adjustments of a set and plan (of one unit / status when given), oldest first."""
    query = sa.select(ScoreAdjustment).where(
        ScoreAdjustment.set_id == set_id, ScoreAdjustment.plan_id == plan_id
    )
    if unit_id is not None:
        query = query.where(ScoreAdjustment.unit_id == unit_id)
    if status is not None:
        query = query.where(ScoreAdjustment.status == status)
    return list(db.session.scalars(query.order_by(ScoreAdjustment.id)))


# --------------------------------------------------------------------------- scorecards


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
    total), ``score`` between 0 and points plus allowed bonus, and its lines."""

    indicator: Indicator
    points: float | None
    score: float | None
    deductions: list[CardLine]
    bonuses: list[CardLine]

    @property
    def note(self) -> str:
        """ "未设分值" for an indicator without points, else ""."""
        return "未设分值" if self.points is None else ""


@dataclass(slots=True)
class GroupCard:
    """A level-1 or level-2 indicator: the sums (分) of its level-3 indicators."""

    indicator: Indicator
    points: float = 0.0
    score: float = 0.0


@dataclass(slots=True)
class Scorecard:
    """A plan's (or one unit's) scorecard on an indicator set: per level-3 indicator in
    table order, level-1/2 sums keyed by indicator id, total and max (分), grade, and how
    many proposals still wait for a decision (not counted)."""

    set_id: int
    plan_id: int
    unit_id: int | None
    indicators: list[IndicatorCard]
    groups: dict[int, GroupCard] = field(default_factory=dict)
    total: float = 0.0
    maximum: float = 0.0
    grade: str = ""
    pending: int = 0

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


def grade_thresholds() -> dict[str, float]:
    """The grade thresholds from settings, in percent of the maximum."""
    config = current_app.config
    return {
        "优秀": float(config["TRACKER_GRADE_EXCELLENT"]),
        "良好": float(config["TRACKER_GRADE_GOOD"]),
        "合格": float(config["TRACKER_GRADE_PASS"]),
    }


def scorecard(set_id: int, plan_id: int, unit_id: int | None = None) -> Scorecard:
    """Score every level-3 indicator of ``set_id`` (only the unit's when ``unit_id`` is
    given: those assessing the unit or with adjustments for it — all when the set names
    no units) from its rules and the confirmed/changed adjustments of ``plan_id`` (of that
    unit), with level-1/2 sums, total, max and grade. Reads only."""
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
    cards = [_indicator_card(leaf, counted.get(leaf.id, [])) for leaf in leaves]
    card = Scorecard(set_id, plan_id, unit_id, cards)
    card.pending = sum(1 for a in adjustments if a.status == "proposed")
    _sum_up(card, {i.id: i for i in indicators})
    card.grade = grade(card.total, card.maximum, grade_thresholds()) if card.maximum else ""
    return card


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


def _indicator_card(indicator: Indicator, adjustments: Sequence[ScoreAdjustment]) -> IndicatorCard:
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
    result: IndicatorScore = score_indicator(float(indicator.points), rules, events)
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
        card.total += score
        card.maximum += leaf.points
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
    """``{"total", "max", "grade", "pending", "indicators": [{"id", "name", "points",
    "score", "note", "deductions": [line …], "bonuses": [line …]}]}``; points in 分."""
    return {
        "total": _round(card.total),
        "max": _round(card.maximum),
        "grade": card.grade,
        "pending": card.pending,
        "indicators": [
            {
                "id": item.indicator.id,
                "name": item.indicator.name,
                "points": _round(item.points),
                "score": _round(item.score),
                "note": item.note,
                "deductions": [line.to_json() for line in item.deductions],
                "bonuses": [line.to_json() for line in item.bonuses],
            }
            for item in card.indicators
        ],
    }
