"""Everything the task page shows, gathered in one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from config.settings import LagThresholds
from tracker.domain.lag import MilestoneAssessment
from tracker.extensions import db
from tracker.models import Alert, Milestone, ProgressReport, Task
from tracker.services.reports import current_reports, reports_of_task
from tracker.services.scan import TaskStatus, assess_one
from tracker.services.tasks import get_task


@dataclass(frozen=True, slots=True)
class TaskPage:
    """A task, its status as of a date, its reports (every revision, newest first), the ids
    of each period's current revision and its alerts (the history is
    :mod:`tracker.services.history`)."""

    task: Task
    status: TaskStatus
    reports: list[ProgressReport]
    current_ids: frozenset[int]
    alerts: list[Alert]

    def milestone_rows(self) -> list[tuple[Milestone, MilestoneAssessment | None]]:
        """Each milestone with its own assessment, in due order."""
        by_index = {m.index: m for m in self.status.assessment.milestones}
        return [(m, by_index.get(i)) for i, m in enumerate(self.task.milestones)]


def task_page(task_id: int, as_of: date, *, lag: LagThresholds) -> TaskPage:
    """The task page's data, its state under the thresholds ``lag``; raises NotFound for
    an unknown task."""
    task = get_task(task_id)
    alerts = list(
        db.session.scalars(
            sa.select(Alert).where(Alert.task_id == task.id).order_by(Alert.raised_on.desc())
        )
    )
    return TaskPage(
        task=task,
        status=assess_one(task, as_of, lag=lag),
        reports=reports_of_task(task.id),
        current_ids=frozenset(report.id for report in current_reports(task.id)),
        alerts=alerts,
    )
