"""Supervision (督查): inspection rounds, units' self-checks, the problem ledger (问题清单)
with rectification (整改) and closing (销号), and duty debriefings (述职评议) — issue 15."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model, db
from tracker.models._types import enum_column, utcnow
from tracker.models.assessment import Indicator
from tracker.models.plan import Plan, Task
from tracker.models.unit import Unit
from tracker.models.user import User


class InspectionKind(StrEnum):
    """The kinds of a supervision round."""

    SELF_CHECK = "self_check"
    ON_SITE = "on_site"
    SPECIAL = "special"


INSPECTION_KIND_LABELS = {
    InspectionKind.SELF_CHECK: "自查",
    InspectionKind.ON_SITE: "实地督查",
    InspectionKind.SPECIAL: "专项督查",
}


class ProblemSource(StrEnum):
    """Where a problem was found."""

    INSPECTION = "inspection"
    REPORT_REVIEW = "report_review"
    INSTRUCTION = "instruction"
    PUBLIC_CLUE = "public_clue"


PROBLEM_SOURCE_LABELS = {
    ProblemSource.INSPECTION: "督查发现",
    ProblemSource.REPORT_REVIEW: "报告审核",
    ProblemSource.INSTRUCTION: "领导批示",
    ProblemSource.PUBLIC_CLUE: "群众线索",
}


class ProblemStatus(StrEnum):
    """待整改 → 已提交整改 → 已销号, or 退回 (back to the unit, to rectify again)."""

    OPEN = "open"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CLOSED = "closed"


PROBLEM_STATUS_LABELS = {
    ProblemStatus.OPEN: "待整改",
    ProblemStatus.SUBMITTED: "已提交整改",
    ProblemStatus.RETURNED: "已退回",
    ProblemStatus.CLOSED: "已销号",
}

inspection_units = sa.Table(
    "inspection_units",
    db.metadata,
    sa.Column("inspection_id", sa.ForeignKey("inspections.id"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id"), primary_key=True),
)


class Inspection(Model):
    """A supervision round (督查): its name, kind, the plan it checks (if any), dates, the
    team (one member a line), the units inspected and the items checked."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[InspectionKind] = mapped_column(enum_column(InspectionKind))
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    team: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    plan: Mapped[Plan | None] = relationship()
    units: Mapped[list[Unit]] = relationship(secondary=inspection_units, order_by="Unit.name")
    items: Mapped[list[InspectionItem]] = relationship(
        back_populates="inspection", order_by="InspectionItem.position"
    )

    @property
    def kind_label(self) -> str:
        """自查 / 实地督查 / 专项督查."""
        return INSPECTION_KIND_LABELS[self.kind]

    @property
    def team_members(self) -> list[str]:
        """The team, one name a line."""
        return [line.strip() for line in self.team.splitlines() if line.strip()]


class InspectionItem(Model):
    """One thing a round checks (a task, an indicator, or a point in words)."""

    __tablename__ = "inspection_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"))
    indicator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicators.id"))

    inspection: Mapped[Inspection] = relationship(back_populates="items")
    task: Mapped[Task | None] = relationship()
    indicator: Mapped[Indicator | None] = relationship()


class SelfCheck(Model):
    """A unit's self-check (自查) of one item of a round: what it did, with evidence."""

    __tablename__ = "self_checks"
    __table_args__ = (sa.UniqueConstraint("item_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection_items.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    item: Mapped[InspectionItem] = relationship()
    unit: Mapped[Unit] = relationship()


class Problem(Model):
    """A problem (问题) of the ledger: found in a round, a report's review, a 批示 or a
    public clue; its unit, category, description, the rectification required and the
    deadline in working days (``due_on`` counted from ``found_on`` on the workday
    calendar), the person responsible, the task or indicator it concerns, the unit's
    rectification (整改情况) and the office's verification, return reason and closing."""

    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspections.id"), index=True)
    source: Mapped[ProblemSource] = mapped_column(enum_column(ProblemSource))
    category: Mapped[str] = mapped_column(sa.String(60), default="")
    description: Mapped[str] = mapped_column(sa.Text)
    requirement: Mapped[str] = mapped_column(sa.Text, default="")
    found_on: Mapped[date]
    deadline_workdays: Mapped[int]
    due_on: Mapped[date] = mapped_column(index=True)
    responsible: Mapped[str] = mapped_column(sa.String(100), default="")
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicators.id"))
    status: Mapped[ProblemStatus] = mapped_column(
        enum_column(ProblemStatus), default=ProblemStatus.OPEN
    )
    rectification: Mapped[str] = mapped_column(sa.Text, default="")
    rectified_on: Mapped[date | None]
    rectified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    return_reason: Mapped[str] = mapped_column(sa.Text, default="")
    verification: Mapped[str] = mapped_column(sa.Text, default="")
    closed_on: Mapped[date | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    unit: Mapped[Unit] = relationship()
    inspection: Mapped[Inspection | None] = relationship()
    task: Mapped[Task | None] = relationship()
    indicator: Mapped[Indicator | None] = relationship()
    rectified_by: Mapped[User | None] = relationship(foreign_keys=[rectified_by_id])

    @property
    def status_label(self) -> str:
        """待整改 / 已提交整改 / 已退回 / 已销号."""
        return PROBLEM_STATUS_LABELS[self.status]

    @property
    def source_label(self) -> str:
        """督查发现 / 报告审核 / 领导批示 / 群众线索."""
        return PROBLEM_SOURCE_LABELS[self.source]

    def is_overdue(self, today: date) -> bool:
        """Past its due date and not rectified (neither submitted nor closed)."""
        waiting = self.status in (ProblemStatus.OPEN, ProblemStatus.RETURNED)
        return waiting and today > self.due_on


class Debriefing(Model):
    """A duty debriefing round (述职评议): units hand in written reports; raters score each
    unit on the criteria ("名称:满分" a line); the average of the raters' totals, with the
    highest and lowest dropped when ``trim`` is set, is the unit's score, an input to the
    mapped indicator (``indicator_id``) of ``plan_id``'s assessment."""

    __tablename__ = "debriefings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date]
    criteria: Mapped[str] = mapped_column(sa.Text)
    trim: Mapped[bool] = mapped_column(default=True)
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id"))
    indicator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicators.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    units: Mapped[list[Unit]] = relationship(secondary="debriefing_units", order_by="Unit.name")
    indicator: Mapped[Indicator | None] = relationship()


debriefing_units = sa.Table(
    "debriefing_units",
    db.metadata,
    sa.Column("debriefing_id", sa.ForeignKey("debriefings.id"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id"), primary_key=True),
)


class DebriefingReport(Model):
    """A unit's written report (述职报告) in a debriefing round, with its file."""

    __tablename__ = "debriefing_reports"
    __table_args__ = (sa.UniqueConstraint("debriefing_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    debriefing_id: Mapped[int] = mapped_column(sa.ForeignKey("debriefings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    unit: Mapped[Unit] = relationship()


class DebriefingScore(Model):
    """One rater's scores of one unit: per criterion (JSON list of numbers) and the total."""

    __tablename__ = "debriefing_scores"
    __table_args__ = (sa.UniqueConstraint("debriefing_id", "unit_id", "rater_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    debriefing_id: Mapped[int] = mapped_column(sa.ForeignKey("debriefings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    rater_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    scores: Mapped[str] = mapped_column(sa.Text, default="[]")
    total: Mapped[float]
    scored_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class InspectionFile(Model):
    """A file kept as evidence of a problem's rectification, a self-check or a debriefing
    report: checked by its bytes (the evidence rules), stored outside the web root under a
    generated name; removing it only sets ``removed_at``."""

    __tablename__ = "inspection_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int | None] = mapped_column(sa.ForeignKey("problems.id"), index=True)
    self_check_id: Mapped[int | None] = mapped_column(sa.ForeignKey("self_checks.id"), index=True)
    debriefing_report_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("debriefing_reports.id"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
