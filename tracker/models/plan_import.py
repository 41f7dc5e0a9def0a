"""A plan import waiting for the office's confirmation, and the column choices the office
made for tables whose headers the reader did not know."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model
from tracker.models._types import utcnow


class PlanImport(Model):
    """An uploaded responsibility table held server-side between its preview and the
    office's confirmation (never in the session cookie): the file's bytes, the office's
    column choice (JSON, header → role), and the plan it revises (None: a new plan).
    ``confirmed_at`` is set once it has been applied; a confirmed import is not applied
    twice."""

    __tablename__ = "plan_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    choice: Mapped[str] = mapped_column(sa.Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    result_plan_id: Mapped[int | None]


class ImportColumnChoice(Model):
    """Which role the office gave a header of a kind of table ("plan": responsibility
    tables), remembered for the next import of that kind."""

    __tablename__ = "import_column_choices"
    __table_args__ = (sa.UniqueConstraint("kind", "header"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    header: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(20))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
