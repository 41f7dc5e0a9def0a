"""Supervision into the assessment (issue 15 §5): problems not rectified by their deadline
and the 述职评议 scores propose :class:`ScoreAdjustment` s on the mapped indicators, the
same proposals the lag events make (:mod:`tracker.services.assessment.proposals`), which
the assessment group confirms, changes or rejects. Idempotent (one ``event_key`` per
problem or round, unit and indicator). Flushes; the caller commits."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from config.settings import AssessmentSettings
from tracker.domain.scoring import RuleKind
from tracker.extensions import db
from tracker.models import (
    Debriefing,
    Indicator,
    Inspection,
    Problem,
    ScoreAdjustment,
    Task,
    TaskIndicator,
)
from tracker.models.inspection import ProblemStatus
from tracker.services import audit
from tracker.services.assessment.common import rule_spec_of
from tracker.services.inspections.debriefings import full_points, results

_DEDUCTIONS = frozenset({RuleKind.DEDUCT_PER, RuleKind.DEDUCT_FIXED})


def _points(indicator: Indicator, default: float) -> tuple[int | None, float]:
    """The indicator's first deduction rule (id) and its points per event, else ``default``."""
    for row in indicator.rules:
        if row.kind in _DEDUCTIONS:
            points = rule_spec_of(row).points
            if points:
                return row.id, abs(float(points))
    return None, default


def _indicators_of(problem: Problem, set_id: int) -> list[Indicator]:
    if problem.indicator is not None:
        found = [problem.indicator]
    elif problem.task_id is not None:
        found = list(
            db.session.scalars(
                sa.select(Indicator)
                .join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
                .where(TaskIndicator.task_id == problem.task_id)
            )
        )
    else:
        found = []
    return [i for i in found if i.set_id == set_id and i.level == 3]


def _in_plan(plan_id: int) -> sa.ColumnElement[bool]:
    in_tasks = Problem.task_id.in_(sa.select(Task.id).where(Task.plan_id == plan_id))
    in_rounds = Problem.inspection_id.in_(
        sa.select(Inspection.id).where(Inspection.plan_id == plan_id)
    )
    return sa.or_(in_tasks, in_rounds)


def _existing(set_id: int, plan_id: int) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(ScoreAdjustment.event_key).where(
                ScoreAdjustment.set_id == set_id, ScoreAdjustment.plan_id == plan_id
            )
        )
    )


def propose_from_problems(
    set_id: int, plan_id: int, as_of: date, *, settings: AssessmentSettings
) -> list[ScoreAdjustment]:
    """One proposed deduction per problem of ``plan_id`` (by its task or its round) still
    not rectified after its deadline as of ``as_of``, on each indicator of ``set_id`` it
    names or its task is mapped to, for its unit: the indicator's per-event points (its
    first deduction rule), else ``settings.lag_points``, times the lead weight."""
    existing = _existing(set_id, plan_id)
    overdue = db.session.scalars(
        sa.select(Problem)
        .where(
            _in_plan(plan_id),
            Problem.due_on < as_of,
            Problem.status.in_([ProblemStatus.OPEN, ProblemStatus.RETURNED]),
        )
        .order_by(Problem.id)
    )
    created: list[ScoreAdjustment] = []
    for problem in overdue:
        for indicator in _indicators_of(problem, set_id):
            key = f"problem{problem.id}:unit{problem.unit_id}:indicator{indicator.id}"
            if key in existing:
                continue
            existing.add(key)
            rule_id, points = _points(indicator, settings.lag_points)
            text = (
                f"{problem.unit.name}问题逾期未整改（期限{problem.due_on}）：{problem.description}"
            )
            created.append(
                _propose(set_id, plan_id, indicator, problem.unit_id, key, text,
                         -round(settings.lead_weight * points, 4), rule_id, problem.task_id)
            )  # fmt: skip
    return created


def propose_from_debriefings(set_id: int, plan_id: int) -> list[ScoreAdjustment]:
    """For each 述职评议 round of ``plan_id`` feeding an indicator of ``set_id``: per unit
    scored, a proposed deduction of the share of the indicator's points the unit's score
    fell short of full marks (score 90 of 100 on a 5-point indicator: −0.5)."""
    existing = _existing(set_id, plan_id)
    rounds = db.session.scalars(
        sa.select(Debriefing)
        .join(Indicator, Indicator.id == Debriefing.indicator_id)
        .where(Debriefing.plan_id == plan_id, Indicator.set_id == set_id)
        .order_by(Debriefing.id)
    )
    created: list[ScoreAdjustment] = []
    for round_ in rounds:
        indicator = round_.indicator
        assert indicator is not None
        full = full_points(round_)
        for result in results(round_):
            key = f"debriefing{round_.id}:unit{result.unit.id}:indicator{indicator.id}"
            if result.score is None or key in existing or not indicator.points or not full:
                continue
            short = max(0.0, 1 - result.score / full)
            points = -round(short * float(indicator.points), 2)
            if points == 0:
                continue
            existing.add(key)
            text = f"{result.unit.name}{round_.name}得分{result.score:g}（满分{full:g}）"
            created.append(
                _propose(set_id, plan_id, indicator, result.unit.id, key, text, points, None, None)
            )
    return created


def _propose(
    set_id: int,
    plan_id: int,
    indicator: Indicator,
    unit_id: int,
    key: str,
    text: str,
    points: float,
    rule_id: int | None,
    task_id: int | None,
) -> ScoreAdjustment:
    adjustment = ScoreAdjustment(
        set_id=set_id,
        plan_id=plan_id,
        indicator_id=indicator.id,
        unit_id=unit_id,
        rule_id=rule_id,
        task_id=task_id,
        event_key=key,
        event=text,
        proposed_points=points,
        points=None,
        status="proposed",
    )
    db.session.add(adjustment)
    audit.record("propose", adjustment, user=None, task_id=task_id, summary=text)
    return adjustment


def propose_from_supervision(
    set_id: int, plan_id: int, as_of: date, *, settings: AssessmentSettings
) -> list[ScoreAdjustment]:
    """Both kinds of proposals (overdue problems, debriefing scores): the one call the
    ``assess`` command makes beside the lag proposals."""
    return [
        *propose_from_problems(set_id, plan_id, as_of, settings=settings),
        *propose_from_debriefings(set_id, plan_id),
    ]
