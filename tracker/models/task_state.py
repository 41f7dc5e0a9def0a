"""Each scan's result per task: the state, the expected and the actual value on a day."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.domain.lag import LagState
from tracker.extensions import Model
from tracker.models._types import enum_column, utcnow


class TaskState(Model):
    """One task's lag state as the scan found it on ``as_of`` (DESIGN.md §5).

    What the ledger, the dashboard and the API read instead of assessing every task per
    request (``tracker.services.task_states.current_states``). ``expected`` and
    ``actual`` are in the task's milestone unit (%, 人, 家 …), ``None`` where nothing is
    expected or reported yet. One row per task and day; a rerun of the same day replaces
    the row.
    """

    __tablename__ = "task_states"
    __table_args__ = (
        sa.UniqueConstraint("task_id", "as_of"),
        sa.Index("ix_task_states_plan_id_as_of", "plan_id", "as_of"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id"))
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"))
    as_of: Mapped[date]
    state: Mapped[LagState] = mapped_column(enum_column(LagState))
    expected: Mapped[float | None]
    actual: Mapped[float | None]
    scanned_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: A digest of the facts the state was computed from (its plan's key and the md5 the
    #: database works out, ``services.scan_heads``); a rerun assesses the task again only
    #: when the current facts differ.
    fingerprint: Mapped[str | None] = mapped_column(sa.String(40))
