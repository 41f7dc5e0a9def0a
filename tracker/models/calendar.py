"""The working-day calendar kept in the database (DESIGN.md §5)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model


class CalendarDay(Model):
    """A day that differs from the Monday–Friday rule: a holiday (``is_workday`` False) or
    an adjusted workday (调休, ``is_workday`` True). ``source`` is "chinesecalendar" for days
    taken from the library and "office" for days the office entered."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    name: Mapped[str] = mapped_column(sa.String(50), default="")
    source: Mapped[str] = mapped_column(sa.String(20), default="office")


class CalendarYear(Model):
    """A year whose holidays are known (loaded from the library or confirmed by the office)."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(20), default="office")
