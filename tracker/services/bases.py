"""Base-year actuals of relative targets ("较2022年下降8%", issue 10 item 2).

A relative milestone has no concrete target until its base year's actual is known: the
task's baseline when the base year is the year before the plan starts, else a base stored on
the milestone. While one is missing the task is on the review list with the reason
"缺少2022年基期值，请在填报时补充"; the report form asks for it and :func:`record_base`
stores it (audited) and takes the reason off the list once no base is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tracker.domain.lag.relative import missing_base_years
from tracker.domain.milestones import MilestoneSpec, missing_base_message
from tracker.extensions import db
from tracker.models import Task, User
from tracker.services import audit
from tracker.services.errors import ServiceError


def missing_bases(task: Task) -> tuple[int, ...]:
    """The base years the task's relative milestones still lack (sorted)."""
    specs = [milestone.to_spec() for milestone in task.milestones]
    return missing_base_years(specs, task.plan.start, task.baseline_value)


def base_reasons(specs: Sequence[MilestoneSpec], first_year: int) -> list[str]:
    """Review reasons for freshly read milestones of a plan starting in ``first_year``
    (no baseline yet): one per base year."""
    years = missing_base_years(specs, date(first_year, 1, 1), None)
    return [missing_base_message(year) for year in years]


def record_base(task: Task, year: int, value: float, *, user: User | None) -> None:
    """Store ``value`` as the actual of ``year`` on the task's relative milestones of that
    base year; the task's 缺少…基期值 reason goes once no base is missing. Audited;
    flushes, the caller commits. Raises :class:`ServiceError` when no milestone needs it."""
    rows = [m for m in task.milestones if m.relative_base_year == year]
    if not rows:
        raise ServiceError(f"任务「{task.text[:20]}」没有以{year}年为基期的目标，无需填写基期值")
    if value < 0:
        raise ServiceError(f"{year}年基期值不能为负数：{value:g}")
    before = {"base_year": year, "base_values": [m.base_value for m in rows]}
    for milestone in rows:
        milestone.base_value = value
    reason = missing_base_message(year)
    kept = [line for line in task.review_reason_list if line != reason]
    if len(kept) != len(task.review_reason_list):
        task.review_reasons = "\n".join(kept)
        task.needs_review = bool(kept)
    db.session.flush()
    audit.record_change(
        "record_base",
        task,
        user=user,
        task_id=task.id,
        before=before,
        after={"base_year": year, "base_values": [value for _ in rows]},
        summary=f"填写{year}年基期值 {value:g}",
    )
