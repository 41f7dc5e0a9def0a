"""Leaders' written instructions (批示) on a task or a report, and the unit's answer."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models._types import utcnow
from tracker.models.plan import Task
from tracker.models.report import ProgressReport
from tracker.models.user import User


class Instruction(Model):
    """A leader's instruction on a task (and optionally one of its reports). The lead unit
    answers it in its next report: ``answer_report_id`` and ``answer`` record where and
    what."""

    __tablename__ = "instructions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("progress_reports.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    answer_report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("progress_reports.id"))
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    task: Mapped[Task] = relationship()
    author: Mapped[User] = relationship()
    report: Mapped[ProgressReport | None] = relationship(foreign_keys=[report_id])
    answer_report: Mapped[ProgressReport | None] = relationship(foreign_keys=[answer_report_id])
