"""Supervision notices (督办单): numbered formal notices to a unit about an overdue report."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models._types import utcnow
from tracker.models.plan import Task
from tracker.models.unit import Unit
from tracker.models.user import User


class SupervisionNotice(Model):
    """A notice numbered in a yearly sequence ("慈产改督〔2020〕3号": ``prefix``, ``year``,
    ``sequence``) naming the task, the unit, what is overdue and the new deadline; stored
    as .docx and PDF; the unit signs for it (签收) and answers."""

    __tablename__ = "supervision_notices"
    __table_args__ = (sa.UniqueConstraint("prefix", "year", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(sa.String(40))
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(80), unique=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"))
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    period: Mapped[str | None] = mapped_column(sa.String(10))
    overdue_text: Mapped[str] = mapped_column(sa.Text)
    issued_on: Mapped[date]
    new_deadline: Mapped[date]
    docx_name: Mapped[str] = mapped_column(sa.String(80), default="")
    pdf_name: Mapped[str] = mapped_column(sa.String(80), default="")
    acknowledged_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    task: Mapped[Task] = relationship()
    unit: Mapped[Unit] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()
