"""Evidence (佐证材料): files attached to a report or a contribution."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models._types import utcnow
from tracker.models.report import Contribution, ProgressReport


class Evidence(Model):
    """A stored file: kept outside the web root under ``stored_name`` (generated), with
    the name the user gave, the content type found from its bytes, its size in bytes and
    SHA-256. Removing it only sets ``removed_at``: nothing is deleted."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("progress_reports.id"), index=True)
    contribution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contributions.id"), index=True
    )
    self_assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("self_assessments.id"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    report: Mapped[ProgressReport | None] = relationship()
    contribution: Mapped[Contribution | None] = relationship()
