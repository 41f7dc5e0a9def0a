"""From lags to proposed deductions (issue 5 §3): each lag event of a mapped task becomes
a proposed :class:`ScoreAdjustment` on each mapped indicator for the unit concerned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from config.settings import AssessmentSettings, LagThresholds
from tracker.domain.lag import LagState
from tracker.domain.scoring import RuleKind
from tracker.extensions import db
from tracker.models import Plan, ProgressReport, Task
from tracker.models.assessment import Indicator, ScoreAdjustment, ScoringRule, TaskIndicator
from tracker.models.report import Contribution, ContributionStatus
from tracker.services import audit
from tracker.services.assessment.common import rule_spec_of
from tracker.services.contributions import unanswered_after_deadline
from tracker.services.errors import NotFound
from tracker.services.scan import alert_key, assess_plan

#: Lag events of the scan that propose deductions.
_LAG_KINDS = frozenset({LagState.MISSED, LagState.OVERDUE})
#: Rule kinds whose points are the per-event points of a lag deduction.
_DEDUCTION_KINDS = frozenset({RuleKind.DEDUCT_PER, RuleKind.DEDUCT_FIXED})


@dataclass(frozen=True, slots=True)
class _Lag:
    """One lag event against one unit: its key (without indicator), text and weight."""

    task: Task
    unit_id: int
    key: str
    text: str
    weight: float


def _per_event(indicator: Indicator, lag_points: float) -> tuple[ScoringRule | None, float]:
    """The indicator's first deduction rule and its points per event, else ``lag_points``."""
    for row in indicator.rules:
        if row.kind in _DEDUCTION_KINDS:
            points = rule_spec_of(row).points
            if points:
                return row, abs(float(points))
    return None, lag_points


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


def _scan_lags(
    plan: Plan, task_ids: set[int], as_of: date, weight: float, lag: LagThresholds
) -> list[_Lag]:
    lags: list[_Lag] = []
    for status in assess_plan(plan, as_of, lag=lag):
        if status.task.id not in task_ids:
            continue
        for event in status.assessment.events:
            if event.kind not in _LAG_KINDS:
                continue
            key = alert_key(status.task, event)
            for unit in status.task.lead_units:
                lags.append(_Lag(status.task, unit.id, key, event.message, weight))
    return lags


def _contribution_lags(task_ids: set[int], as_of: date, weight: float) -> list[_Lag]:
    """The requests on ``task_ids``' reports unanswered past their deadline or disputed,
    each read with its report (filtered in SQL: loading every plan's requests and then
    each one's report held the scan's write lock for 44 s at 20,000 tasks)."""
    disputed = db.session.scalars(
        sa.select(Contribution)
        .join(ProgressReport, ProgressReport.id == Contribution.report_id)
        .where(
            Contribution.status == ContributionStatus.DISPUTED,
            sa.or_(Contribution.answered_on.is_(None), Contribution.answered_on <= as_of),
            ProgressReport.task_id.in_(sorted(task_ids)),
        )
        .options(contains_eager(Contribution.report))
    )
    lags: list[_Lag] = []
    for contribution in [*unanswered_after_deadline(as_of, task_ids), *disputed]:
        report: ProgressReport = contribution.report
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


def propose_from_lags(
    set_id: int,
    plan_id: int,
    as_of: date,
    *,
    settings: AssessmentSettings,
    lag: LagThresholds,
) -> list[ScoreAdjustment]:
    """Propose deductions for the lag events of tasks of ``plan_id`` mapped to level-3
    indicators of ``set_id`` as of ``as_of``: for each event and mapped indicator, one
    adjustment per unit concerned (the task's lead units for missed milestones and
    overdue reports; the cooperating unit for its contribution request unanswered after
    the deadline or disputed) of ``-weight × per-event points`` (分), the weights those of
    ``settings`` (lead / cooperating). Per-event points are the indicator's first
    deduction rule's points, else ``settings.lag_points``; lag states use ``lag``.
    Idempotent: an event already proposed (same key) adds nothing. Returns the new
    adjustments (audited); raises :class:`NotFound` for an unknown plan."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("没有这个方案")
    mapped = _mapped_tasks(set_id, plan_id)
    if not mapped:
        return []
    task_ids = set(mapped)
    lags = _scan_lags(plan, task_ids, as_of, settings.lead_weight, lag)
    lags += _contribution_lags(task_ids, as_of, settings.cooperating_weight)
    existing = set(
        db.session.scalars(
            sa.select(ScoreAdjustment.event_key).where(
                ScoreAdjustment.set_id == set_id, ScoreAdjustment.plan_id == plan_id
            )
        )
    )
    created: list[ScoreAdjustment] = []
    for event in lags:
        for indicator in mapped[event.task.id]:
            key = f"{event.key}:unit{event.unit_id}:indicator{indicator.id}"
            if key in existing:
                continue
            existing.add(key)
            created.append(_propose(set_id, plan_id, indicator, event, key, settings.lag_points))
    return created


def _propose(
    set_id: int, plan_id: int, indicator: Indicator, lag: _Lag, key: str, lag_points: float
) -> ScoreAdjustment:
    rule, points = _per_event(indicator, lag_points)
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
