"""Read-only queries of the assessment pages (issue 5 §3–§5): sets and plans to pick
from, a plan's tasks with their mapped indicators, and the adjustments of a scorecard
with the rule, event and decision behind each."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import (
    Indicator,
    IndicatorSet,
    Plan,
    ScoreAdjustment,
    ScoringRule,
    Task,
    TaskIndicator,
    Unit,
)
from tracker.services.errors import NotFound

STATUS_LABELS = {
    "proposed": "待认定",
    "confirmed": "已确认",
    "changed": "已调整",
    "rejected": "已驳回",
}


@dataclass(frozen=True, slots=True)
class AdjustmentRow:
    """An adjustment as the scorecard lists it."""

    adjustment: ScoreAdjustment
    indicator: Indicator
    unit: Unit | None
    rule_source: str

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return STATUS_LABELS.get(self.adjustment.status, self.adjustment.status)

    @property
    def decided(self) -> bool:
        """Whether an assessor has decided it."""
        return self.adjustment.status != "proposed"

    @property
    def appealable(self) -> bool:
        """Whether its unit may still appeal (decided, not yet appealed)."""
        return self.decided and not self.adjustment.appealed_at

    @property
    def awaiting_answer(self) -> bool:
        """Whether an appeal waits for the assessor's answer."""
        return bool(self.adjustment.appealed_at) and not self.adjustment.appeal_answered_at


@dataclass(frozen=True, slots=True)
class MappingRow:
    """A task of the plan with the indicators it is mapped to."""

    task: Task
    indicators: list[Indicator]


def all_sets() -> list[IndicatorSet]:
    """Every indicator set, newest first."""
    return list(
        db.session.scalars(
            sa.select(IndicatorSet).order_by(IndicatorSet.imported_at.desc(), IndicatorSet.id)
        )
    )


def all_plans() -> list[Plan]:
    """Every plan, by id."""
    return list(db.session.scalars(sa.select(Plan).order_by(Plan.id)))


def get_plan(plan_id: int) -> Plan:
    """The plan. Raises NotFound."""
    found = db.session.get(Plan, plan_id)
    if found is None:
        raise NotFound("方案不存在。")
    return found


def get_unit(unit_id: int) -> Unit:
    """The unit. Raises NotFound."""
    found = db.session.get(Unit, unit_id)
    if found is None:
        raise NotFound("单位不存在。")
    return found


def get_task(task_id: int) -> Task:
    """The task. Raises NotFound."""
    found = db.session.get(Task, task_id)
    if found is None:
        raise NotFound("任务不存在。")
    return found


def get_adjustment(adjustment_id: int) -> ScoreAdjustment:
    """The adjustment. Raises NotFound."""
    found = db.session.get(ScoreAdjustment, adjustment_id)
    if found is None:
        raise NotFound("加减分记录不存在。")
    return found


def level3_of_set(set_id: int) -> list[Indicator]:
    """The set's level-3 indicators in table order."""
    return list(
        db.session.scalars(
            sa.select(Indicator)
            .where(Indicator.set_id == set_id, Indicator.level == 3)
            .order_by(Indicator.position, Indicator.id)
        )
    )


def adjustments_of(set_id: int, plan_id: int, unit_id: int | None = None) -> list[AdjustmentRow]:
    """The set's adjustments on the plan (of one unit when ``unit_id`` is given), with
    their indicator, unit and rule source, in the order they were proposed."""
    query = (
        sa.select(ScoreAdjustment, Indicator, Unit, ScoringRule.source)
        .join(Indicator, Indicator.id == ScoreAdjustment.indicator_id)
        .outerjoin(Unit, Unit.id == ScoreAdjustment.unit_id)
        .outerjoin(ScoringRule, ScoringRule.id == ScoreAdjustment.rule_id)
        .where(ScoreAdjustment.set_id == set_id, ScoreAdjustment.plan_id == plan_id)
        .order_by(ScoreAdjustment.created_at, ScoreAdjustment.id)
    )
    if unit_id is not None:
        query = query.where(ScoreAdjustment.unit_id == unit_id)
    return [
        AdjustmentRow(adjustment, indicator, unit, source or "")
        for adjustment, indicator, unit, source in db.session.execute(query)
    ]


def mapping_rows(set_id: int, plan_id: int) -> list[MappingRow]:
    """The plan's tasks in order, each with the set's indicators it is mapped to."""
    tasks = list(
        db.session.scalars(
            sa.select(Task)
            .where(Task.plan_id == plan_id, Task.archived_at.is_(None))
            .order_by(Task.position, Task.id)
        )
    )
    mapped: dict[int, list[Indicator]] = {}
    query = (
        sa.select(TaskIndicator.task_id, Indicator)
        .join(Indicator, Indicator.id == TaskIndicator.indicator_id)
        .join(Task, Task.id == TaskIndicator.task_id)
        .where(Indicator.set_id == set_id, Task.plan_id == plan_id)
        .order_by(Indicator.position)
    )
    for task_id, indicator in db.session.execute(query):
        mapped.setdefault(task_id, []).append(indicator)
    return [MappingRow(task, mapped.get(task.id, [])) for task in tasks]
