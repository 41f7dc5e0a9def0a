"""Closing a task (销号, issue 15 §3): the office closes a task once its final milestone is
verified — met, with an accepted report carrying evidence; a closed task leaves the scan
and the reminders (they skip ``Task.closed_at``) and shows as 已销号; the office can reopen
it with a reason. Both steps are audited. Functions here flush; the caller commits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from config.settings import LagThresholds
from tracker.domain.lag import LagState
from tracker.extensions import db
from tracker.models import Evidence, ProgressReport, ReportStatus, Task, User
from tracker.services import audit
from tracker.services.errors import Conflict, ServiceError
from tracker.services.scan import assess_one

REASON_MAX = 2000
CLOSED_LABEL = "已销号"


def _latest_accepted(task: Task) -> ProgressReport | None:
    return db.session.scalar(
        sa.select(ProgressReport)
        .where(ProgressReport.task_id == task.id, ProgressReport.status == ReportStatus.ACCEPTED)
        .order_by(ProgressReport.period_end.desc(), ProgressReport.id.desc())
        .limit(1)
    )


def _has_evidence(report: ProgressReport) -> bool:
    count = db.session.scalar(
        sa.select(sa.func.count(Evidence.id)).where(
            Evidence.report_id == report.id, Evidence.removed_at.is_(None)
        )
    )
    return bool(count)


def closing_refusal(task: Task, as_of: date, *, lag: LagThresholds) -> str | None:
    """Why ``task`` cannot be closed as of ``as_of`` (Chinese), or None when it can: it
    must be open, its final milestone met (the scan's state 已完成) and its latest accepted
    report must carry evidence (佐证材料)."""
    if task.closed_at is not None:
        return "该任务已销号。"
    report = _latest_accepted(task)
    if report is None:
        return "该任务还没有审核通过的进展报告，不能销号。"
    if task.milestones:
        status = assess_one(task, as_of, lag=lag)
        final = max(range(len(task.milestones)), key=lambda i: task.milestones[i].due)
        states = {m.index: m.state for m in status.assessment.milestones}
        if status.assessment.state is not LagState.DONE and states.get(final) is not LagState.DONE:
            due = task.milestones[final].due
            return f"该任务的最终节点（{due.isoformat()}）尚未核验达成，不能销号。"
    if not _has_evidence(report):
        return f"该任务最近审核通过的{report.period}进展报告没有佐证材料，不能销号。"
    return None


def close_task(task: Task, user: User, note: str, as_of: date, *, lag: LagThresholds) -> Task:
    """Close ``task`` (销号) and audit it with ``note``. Raises Conflict with the reason
    when :func:`closing_refusal` gives one."""
    refusal = closing_refusal(task, as_of, lag=lag)
    if refusal is not None:
        raise Conflict(refusal)
    text = note.strip()[:REASON_MAX]
    before = audit.snapshot(task)
    task.closed_at = datetime.now(UTC)
    audit.record(
        "close", task, user=user, task_id=task.id, before=before, summary=f"任务销号 {text}".strip()
    )
    return task


def reopen_task(task: Task, user: User, reason: str) -> Task:
    """Reopen a closed task with a reason (audited); it is scanned and reminded again.
    Raises ServiceError (field "reason") without a reason; Conflict when it is open."""
    if task.closed_at is None:
        raise Conflict("该任务未销号，无需重新打开。")
    why = reason.strip()
    if not why or len(why) > REASON_MAX:
        raise ServiceError(f"请写明重新打开的理由（不超过{REASON_MAX}字）。", "reason")
    before = audit.snapshot(task)
    task.closed_at = None
    audit.record(
        "reopen", task, user=user, task_id=task.id, before=before, summary=f"重新打开：{why}"
    )
    return task


def closed_tasks(plan_id: int | None = None) -> list[Task]:
    """Tasks closed (已销号), latest first."""
    query = (
        sa.select(Task)
        .where(Task.closed_at.is_not(None))
        .order_by(Task.closed_at.desc())
        .options(selectinload(Task.unit_links), selectinload(Task.plan))
    )
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    return list(db.session.scalars(query))
