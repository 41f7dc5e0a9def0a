"""Tasks: lookup, the ledger's filters, and the office's correction of milestones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from tracker.domain.milestones import NUMERIC_KINDS, MilestoneKind, MilestoneSpec
from tracker.extensions import db
from tracker.models import Milestone, Task, TaskUnit, Unit, User
from tracker.services import audit
from tracker.services.errors import NotFound, ServiceError


def get_task(task_id: int) -> Task:
    """A task by id; raises :class:`NotFound`."""
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound(f"没有编号为 {task_id} 的任务")
    return task


def units_of_plan(plan_id: int) -> list[Unit]:
    """Units that lead or cooperate on any task of the plan, by name."""
    linked = (
        sa.select(TaskUnit.unit_id)
        .join(Task, Task.id == TaskUnit.task_id)
        .where(Task.plan_id == plan_id)
    )
    query = sa.select(Unit).where(Unit.id.in_(linked.scalar_subquery())).order_by(Unit.name)
    return list(db.session.scalars(query))


@dataclass(frozen=True, slots=True)
class MilestoneCorrection:
    """The office's corrected milestones of a task, its baseline (the level at the plan's
    start, in the milestones' unit) and whether the review is done."""

    milestones: Sequence[MilestoneSpec]
    reviewed: bool
    baseline: float | None = None
    reason: str = ""


#: The reason recorded when the office gives none (most corrections follow an import).
DEFAULT_CORRECTION_REASON = "改革办核对时间进度的解析结果"


def correct_milestones(
    task: Task, correction: MilestoneCorrection, user: User | None, now: datetime
) -> Task:
    """Put the office's corrected list in force: the milestones in force are kept, marked
    superseded at ``now`` with the reason, and a history entry names ``user``, the reason
    and the milestones before and after. When ``reviewed`` the task leaves the review list.
    Flushes; the caller commits."""
    before = {"milestones": [_milestone_text(m) for m in task.milestones], **_task_fields(task)}
    reason = correction.reason.strip() or DEFAULT_CORRECTION_REASON
    for milestone in task.milestones:
        milestone.superseded_at = now
        milestone.superseded_reason = reason
    db.session.flush()
    db.session.expire(task, ["milestones", "all_milestones"])
    for position, spec in enumerate(sorted(correction.milestones, key=lambda s: s.due), 1):
        task.milestones.append(Milestone.from_spec(spec, position))
    task.baseline_value = correction.baseline
    if correction.reviewed:
        task.needs_review = False
        task.review_reasons = ""
    db.session.flush()
    after = {"milestones": [_milestone_text(m) for m in task.milestones], **_task_fields(task)}
    audit.record_change(
        "correct_milestones",
        task,
        user=user,
        task_id=task.id,
        before=before,
        after=after,
        summary=reason,
    )
    return task


def _milestone_text(milestone: Milestone) -> str:
    spec = milestone.to_spec()
    target = (
        "" if spec.target is None else f" {spec.comparator or ''}{spec.target}{spec.unit or ''}"
    )
    return f"{spec.due.isoformat()} {spec.kind.value}{target}".strip()


def _task_fields(task: Task) -> dict[str, object]:
    return {"baseline_value": task.baseline_value, "needs_review": task.needs_review}


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
            sa.select(Task)
            .where(Task.needs_review.is_(True), Task.archived_at.is_(None))
            .order_by(Task.plan_id, Task.position)
        )
    )
