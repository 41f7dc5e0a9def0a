"""Briefings (专报) issued for a plan, numbered per plan and year, and their schedule."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model
from tracker.models._types import utcnow


class Briefing(Model):
    """One issued briefing: ``sequence`` counts the plan's briefings of ``year`` from 1
    ("2020年第11期"); ``as_of`` the day its figures are of."""

    __tablename__ = "briefings"
    __table_args__ = (sa.UniqueConstraint("plan_id", "year", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    year: Mapped[int]
    sequence: Mapped[int]
    as_of: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    @property
    def label(self) -> str:
        """``2020年第11期``."""
        return f"{self.year}年第{self.sequence}期"


class BriefingSchedule(Model):
    """How often a plan's briefing goes to the office: ``monthly``, ``quarterly`` or
    ``off``. A plan without a row is briefed quarterly."""

    __tablename__ = "briefing_schedules"

    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"), primary_key=True)
    cadence: Mapped[str] = mapped_column(sa.String(10), default="quarterly")
