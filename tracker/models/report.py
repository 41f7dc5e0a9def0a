"""Progress reports (进度填报) of lead units and contributions (配合确认) of cooperating units."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models._types import enum_column, utcnow
from tracker.models.plan import Task
from tracker.models.unit import Unit


class ReportStatus(StrEnum):
    """Where a report is: 草稿 → (待本单位审批 →) 待审核 → 已审核, or 已退回 and resubmitted;
    an accepted report replaced by an accepted correction becomes 已更正 (kept, read-only)."""

    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    SUPERSEDED = "superseded"


REPORT_STATUS_LABELS = {
    ReportStatus.DRAFT: "草稿",
    ReportStatus.PENDING_APPROVAL: "待本单位审批",
    ReportStatus.SUBMITTED: "待审核",
    ReportStatus.ACCEPTED: "已审核",
    ReportStatus.RETURNED: "已退回",
    ReportStatus.SUPERSEDED: "已更正",
}


class ProgressReport(Model):
    """A lead unit's report for one task and one reporting period (e.g. "2020Q3").

    ``value`` is the figure the task's milestones measure, in ``value_unit`` (%, 倍, 人, 家,
    元): the level at the period's end, or the running total where the task has a
    cumulative target. ``version`` counts saves and refuses a stale save; ``revision``
    numbers the corrections of one period's report (1 is the first; an accepted report is
    never edited, a correction is a new revision and the old one is kept).
    """

    __tablename__ = "progress_reports"
    __table_args__ = (
        sa.UniqueConstraint("task_id", "period", "revision"),
        #: The review queue's count in every office page's menu (migration 0017).
        sa.Index("ix_progress_reports_status", "status"),
        #: The reports waiting, in the review queue's order, with their units (0019).
        sa.Index(
            "ix_progress_reports_waiting",
            "submitted_on",
            "id",
            "unit_id",
            sqlite_where=sa.text("status IN ('pending_approval', 'submitted')"),
            postgresql_where=sa.text("status IN ('pending_approval', 'submitted')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    period: Mapped[str] = mapped_column(sa.String(10))
    period_end: Mapped[date]
    status: Mapped[ReportStatus] = mapped_column(
        enum_column(ReportStatus), default=ReportStatus.DRAFT
    )
    value: Mapped[float | None]
    value_unit: Mapped[str | None] = mapped_column(sa.String(10))
    progress: Mapped[str] = mapped_column(sa.Text, default="")
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    next_steps: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_on: Mapped[date | None]
    reviewed_on: Mapped[date | None]
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    return_reason: Mapped[str] = mapped_column(sa.Text, default="")
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    approver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: Indexed: what changed since a scan is a range of it (task_states.current_states).
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True
    )

    __mapper_args__: Mapping[str, object] = {"version_id_col": version}

    task: Mapped[Task] = relationship()
    unit: Mapped[Unit] = relationship()
    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Contribution.id"
    )

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return REPORT_STATUS_LABELS[self.status]


class ContributionStatus(StrEnum):
    """A cooperating unit's answer: 待确认, 已确认 or 有异议."""

    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


CONTRIBUTION_STATUS_LABELS = {
    ContributionStatus.REQUESTED: "待确认",
    ContributionStatus.CONFIRMED: "已确认",
    ContributionStatus.DISPUTED: "有异议",
}


class Contribution(Model):
    """A cooperating unit's confirmation (or dispute, with a reason) of its part in a report."""

    __tablename__ = "contributions"
    __table_args__ = (sa.UniqueConstraint("report_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("progress_reports.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    status: Mapped[ContributionStatus] = mapped_column(
        enum_column(ContributionStatus), default=ContributionStatus.REQUESTED
    )
    text: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    requested_on: Mapped[date]
    due_on: Mapped[date | None]
    answered_on: Mapped[date | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    report: Mapped[ProgressReport] = relationship(back_populates="contributions")
    unit: Mapped[Unit] = relationship()

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return CONTRIBUTION_STATUS_LABELS[self.status]
