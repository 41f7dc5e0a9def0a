"""Everything the task page shows, gathered in one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.domain.lag import MilestoneAssessment
from tracker.extensions import db
from tracker.models import Alert, Milestone, ProgressReport, Task
from tracker.services.reports import reports_of_task
from tracker.services.scan import TaskStatus, assess_one
from tracker.services.tasks import get_task


@dataclass(frozen=True, slots=True)
class TaskPage:
    """A task, its status as of a date, its reports (newest first) and its alerts."""

    task: Task
    status: TaskStatus
    reports: list[ProgressReport]
    alerts: list[Alert]

    def milestone_rows(self) -> list[tuple[Milestone, MilestoneAssessment | None]]:
        """Each milestone with its own assessment, in due order."""
        by_index = {m.index: m for m in self.status.assessment.milestones}
        return [(m, by_index.get(i)) for i, m in enumerate(self.task.milestones)]


def task_page(task_id: int, as_of: date) -> TaskPage:
    """The task page's data; raises NotFound for an unknown task."""
    task = get_task(task_id)
    alerts = list(
        db.session.scalars(
            sa.select(Alert).where(Alert.task_id == task.id).order_by(Alert.raised_on.desc())
        )
    )
    return TaskPage(task, assess_one(task, as_of), reports_of_task(task.id), alerts)
