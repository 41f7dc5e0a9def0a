"""Alerts the lag scan raises for the reform office's inbox."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.lag import LagState
from tracker.extensions import Model
from tracker.models._types import enum_column, utcnow
from tracker.models.plan import Task
from tracker.models.unit import Unit


class Alert(Model):
    """One lag event of one task (a missed milestone, an overdue report …).

    ``key`` identifies the event ("missed:milestone:12"), so a second scan of the same
    facts finds the alert already there instead of adding another.
    """

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    kind: Mapped[LagState] = mapped_column(enum_column(LagState))
    due: Mapped[date]
    message: Mapped[str] = mapped_column(sa.Text)
    raised_on: Mapped[date]
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    task: Mapped[Task] = relationship()
    unit: Mapped[Unit | None] = relationship()
