"""Tasks: lookup, the ledger's filters, and the office's correction of milestones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.domain.milestones import NUMERIC_KINDS, MilestoneKind, MilestoneSpec
from tracker.extensions import db
from tracker.models import Milestone, Task, TaskUnit, Unit
from tracker.services.errors import NotFound, ServiceError


def get_task(task_id: int) -> Task:
    """A task by id; raises :class:`NotFound`."""
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound(f"没有编号为 {task_id} 的任务")
    return task


def units_of_plan(plan_id: int) -> list[Unit]:
    """Units that lead or cooperate on any task of the plan, by name."""
    query = (
        sa.select(Unit)
        .join(TaskUnit, TaskUnit.unit_id == Unit.id)
        .join(Task, Task.id == TaskUnit.task_id)
        .where(Task.plan_id == plan_id)
        .distinct()
        .order_by(Unit.name)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True, slots=True)
class MilestoneCorrection:
    """The office's corrected milestones of a task, its baseline (the level at the plan's
    start, in the milestones' unit) and whether the review is done."""

    milestones: Sequence[MilestoneSpec]
    reviewed: bool
    baseline: float | None = None


def correct_milestones(task: Task, correction: MilestoneCorrection) -> Task:
    """Replace a task's milestones with the office's corrected list; when ``reviewed`` the
    task leaves the review list. Flushes; the caller commits."""
    task.milestones.clear()
    db.session.flush()
    for position, spec in enumerate(sorted(correction.milestones, key=lambda s: s.due), 1):
        task.milestones.append(Milestone.from_spec(spec, position))
    task.baseline_value = correction.baseline
    if correction.reviewed:
        task.needs_review = False
        task.review_reasons = ""
    db.session.flush()
    return task


@dataclass(frozen=True, slots=True)
class MilestoneEntry:
    """One row of the office's correction form, as typed (strings, optional dates)."""

    kind: str
    due: date | None
    start: date | None
    comparator: str
    target: str
    unit: str
    upper: float | None = None


def specs_from_entries(entries: Sequence[MilestoneEntry]) -> list[MilestoneSpec]:
    """Milestones from the correction form's rows; blank rows are skipped.

    Raises :class:`ServiceError` naming the row ("第2行") and the field for a missing
    kind or due date, a numeric kind without a number, a range whose upper bound is below
    its target, or a comparator on a stage.
    """
    specs = []
    for number, entry in enumerate(entries, start=1):
        if not entry.kind and entry.due is None and not entry.target.strip():
            continue
        specs.append(_spec_from_entry(number, entry))
    return specs


def _spec_from_entry(number: int, entry: MilestoneEntry) -> MilestoneSpec:
    prefix = f"第{number}行"
    try:
        kind = MilestoneKind(entry.kind)
    except ValueError as error:
        raise ServiceError(f"{prefix}：请选择节点类型", field=f"rows-{number - 1}-kind") from error
    if entry.due is None:
        raise ServiceError(f"{prefix}：请填写截止日期", field=f"rows-{number - 1}-due")
    target: float | str | None = entry.target.strip() or None
    comparator = entry.comparator or None
    if kind in NUMERIC_KINDS:
        try:
            target = float(str(target).rstrip("%"))
        except ValueError as error:
            raise ServiceError(
                f"{prefix}：目标应为数字", field=f"rows-{number - 1}-target"
            ) from error
        comparator = comparator or ">="
        if entry.upper is not None and entry.upper < target:
            raise ServiceError(f"{prefix}：上限不能小于目标", field=f"rows-{number - 1}-upper")
    elif comparator:
        raise ServiceError(
            f"{prefix}：阶段节点和常态推进没有比较符", field=f"rows-{number - 1}-comparator"
        )
    if kind is MilestoneKind.ONGOING:
        target = None
    return MilestoneSpec(
        kind=kind,
        due=entry.due,
        comparator=comparator,
        target=target,
        unit=entry.unit.strip() or None,
        start=entry.start,
        upper=entry.upper if kind in NUMERIC_KINDS else None,
        source="办公室修正",
    )


def tasks_needing_review() -> list[Task]:
    """Tasks whose schedule the office still has to check, in table order."""
    return list(
        db.session.scalars(
            sa.select(Task).where(Task.needs_review.is_(True)).order_by(Task.plan_id, Task.position)
        )
    )
