"""The plan tree: Plan → Category → Measure → Task, with task units and milestones."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.milestones import MilestoneKind, MilestoneSpec, Relative
from tracker.domain.periods import Cadence
from tracker.domain.policy import UnitRole
from tracker.extensions import Model
from tracker.models._types import enum_column, utcnow
from tracker.models.unit import Unit


def since_index(name: str, column: str) -> sa.Index:
    """An index of the rows whose stamp ``column`` is set (partial: ``IS NOT NULL``), for
    "changed since" ranges; the rows still open (NULL) stay out of it, so no lookup of
    open rows is steered onto it."""
    where = sa.text(f"{column} IS NOT NULL")
    return sa.Index(name, column, sqlite_where=where, postgresql_where=where)


class Plan(Model):
    """A reform plan (实施方案) with its period in years and its reporting rules: the
    cadence, the report due rule (working days after a period ends), the grace before a
    report is overdue, the contribution deadline (working days after it is asked) and
    whether a unit's approver signs off reports before they reach the office; and its
    reminder rules: reminders so many working days before a report is due ("5,1"), a
    supervision notice to the unit head after ``notice_after_workdays`` working days overdue
    and word to the leader in charge after ``leader_after_workdays``, numbered with
    ``notice_prefix`` (慈产改督〔2020〕3号)."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.Text, default="")
    first_year: Mapped[int]
    last_year: Mapped[int]
    cadence: Mapped[Cadence] = mapped_column(enum_column(Cadence), default=Cadence.QUARTERLY)
    report_due_workdays: Mapped[int] = mapped_column(default=5, server_default="5")
    overdue_grace_workdays: Mapped[int] = mapped_column(default=0, server_default="0")
    contribution_due_workdays: Mapped[int] = mapped_column(default=5, server_default="5")
    unit_approval: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    remind_before_workdays: Mapped[str] = mapped_column(
        sa.String(40), default="5,1", server_default="5,1"
    )
    notice_after_workdays: Mapped[int] = mapped_column(default=3, server_default="3")
    leader_after_workdays: Mapped[int] = mapped_column(default=10, server_default="10")
    notice_prefix: Mapped[str] = mapped_column(
        sa.String(40), default="慈产改督", server_default="慈产改督"
    )
    source_filename: Mapped[str] = mapped_column(sa.String(255), default="")
    imported_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    categories: Mapped[list[Category]] = relationship(
        back_populates="plan", order_by="Category.position", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="plan", order_by="Task.position", viewonly=True
    )

    @property
    def period(self) -> tuple[int, int]:
        """(first_year, last_year), e.g. (2019, 2025)."""
        return (self.first_year, self.last_year)

    @property
    def start(self) -> date:
        """The first day of the plan's period."""
        return date(self.first_year, 1, 1)

    @property
    def end(self) -> date:
        """The last day of the plan's period."""
        return date(self.last_year, 12, 31)


class Category(Model):
    """A first grouping of the table (主要举措, "（一）…")."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.Text)

    plan: Mapped[Plan] = relationship(back_populates="categories")
    measures: Mapped[list[Measure]] = relationship(
        back_populates="category", order_by="Measure.position", cascade="all, delete-orphan"
    )


class Measure(Model):
    """A numbered measure (举措, "1.…") under a category."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.Text)

    category: Mapped[Category] = relationship(back_populates="measures")
    tasks: Mapped[list[Task]] = relationship(
        back_populates="measure", order_by="Task.position", cascade="all, delete-orphan"
    )


class Task(Model):
    """One row of the responsibility table (责任分解) with its schedule text."""

    __tablename__ = "tasks"
    __table_args__ = (
        since_index("ix_tasks_closed_at", "closed_at"),
        #: The ledger's order of a plan's live tasks, and their count (migration 0017).
        sa.Index(
            "ix_tasks_plan_id_live",
            "plan_id",
            "position",
            "id",
            sqlite_where=sa.text("archived_at IS NULL"),
            postgresql_where=sa.text("archived_at IS NULL"),
        ),
        #: A plan's archived tasks (few), left out of its stored states by id.
        sa.Index(
            "ix_tasks_plan_id_archived",
            "plan_id",
            sqlite_where=sa.text("archived_at IS NOT NULL"),
            postgresql_where=sa.text("archived_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measures.id", ondelete="CASCADE"))
    position: Mapped[int]
    source_row: Mapped[int | None]
    text: Mapped[str] = mapped_column(sa.Text)
    schedule_text: Mapped[str] = mapped_column(sa.Text, default="")
    needs_review: Mapped[bool] = mapped_column(default=False)
    review_reasons: Mapped[str] = mapped_column(sa.Text, default="")
    baseline_value: Mapped[float | None]
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: When a revision of the plan dropped the task: hidden from the ledger and skipped by
    #: the scan and reminders, kept with its reports (never deleted).
    archived_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: How many statements wrote the task's reports or milestones: bumped by the
    #: database's triggers (migration 0018) in the writing transaction, never by the app;
    #: the lag scan's fingerprint reads it (``services.scan_heads``).
    facts_version: Mapped[int] = mapped_column(
        server_default=sa.text("0"), deferred=True, deferred_raiseload=True
    )

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    measure: Mapped[Measure] = relationship(back_populates="tasks")
    unit_links: Mapped[list[TaskUnit]] = relationship(
        back_populates="task", order_by="TaskUnit.position", cascade="all, delete-orphan"
    )
    #: The milestones in force; a correction supersedes rows instead of deleting them.
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="task",
        primaryjoin="and_(Task.id == Milestone.task_id, Milestone.superseded_at.is_(None))",
        order_by="Milestone.position",
        cascade="save-update, merge",
    )
    #: Every milestone the task ever had, superseded ones included (for the history).
    all_milestones: Mapped[list[Milestone]] = relationship(
        order_by="Milestone.id",
        viewonly=True,
    )

    def units_with_role(self, role: UnitRole) -> list[Unit]:
        """The task's units of one role, in the table's order."""
        return [link.unit for link in self.unit_links if link.role is role]

    @property
    def lead_units(self) -> list[Unit]:
        """牵头单位, in the table's order."""
        return self.units_with_role(UnitRole.LEAD)

    @property
    def cooperating_units(self) -> list[Unit]:
        """配合单位, in the table's order."""
        return self.units_with_role(UnitRole.COOPERATING)

    def role_of(self, unit_id: int | None) -> UnitRole | None:
        """The relation of a unit to this task, or None when it has none."""
        for link in self.unit_links:
            if link.unit_id == unit_id:
                return link.role
        return None

    @property
    def review_reason_list(self) -> list[str]:
        """Why the schedule needs the office's review, one reason per line of Chinese text."""
        return [line for line in self.review_reasons.splitlines() if line.strip()]


class TaskUnit(Model):
    """The relation of a unit to a task: lead or cooperating, in the table's order."""

    __tablename__ = "task_units"

    task_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True, index=True)
    role: Mapped[UnitRole] = mapped_column(enum_column(UnitRole), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    task: Mapped[Task] = relationship(back_populates="unit_links")
    unit: Mapped[Unit] = relationship(lazy="joined")


class Milestone(Model):
    """A dated target of a task (节点 / 年度目标), stored from a :class:`MilestoneSpec`.

    ``target_value`` holds numeric targets (%, 倍, 人, 家, 元, growth factors); ``target_text``
    holds a stage's words ("启动").
    """

    __tablename__ = "milestones"
    __table_args__ = (since_index("ix_milestones_superseded_at", "superseded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[MilestoneKind] = mapped_column(enum_column(MilestoneKind))
    due: Mapped[date]
    start: Mapped[date | None]
    comparator: Mapped[str | None] = mapped_column(sa.String(2))
    target_value: Mapped[float | None]
    target_text: Mapped[str | None] = mapped_column(sa.String(100))
    upper: Mapped[float | None]
    unit: Mapped[str | None] = mapped_column(sa.String(10))
    source: Mapped[str] = mapped_column(sa.Text, default="")
    #: A target against a base year ("较2022年下降8%", issue 10): how (``RelativeKind``), the
    #: base year, the signed amount (−8; +5 个百分点; ×2), and the base year's actual once
    #: reported; all ``None`` for an absolute target.
    relative_kind: Mapped[str | None] = mapped_column(sa.String(20))
    relative_base_year: Mapped[int | None]
    relative_amount: Mapped[float | None]
    base_value: Mapped[float | None]
    #: When an office correction replaced this milestone (None while it is in force), and why.
    superseded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    superseded_reason: Mapped[str | None] = mapped_column(sa.Text)

    task: Mapped[Task] = relationship(back_populates="milestones")

    @classmethod
    def from_spec(cls, spec: MilestoneSpec, position: int) -> Milestone:
        """A new row holding ``spec``; ``position`` orders the task's milestones."""
        numeric = isinstance(spec.target, int | float) and not isinstance(spec.target, bool)
        return cls(
            position=position,
            kind=spec.kind,
            due=spec.due,
            start=spec.start,
            comparator=spec.comparator,
            target_value=float(spec.target)
            if numeric and isinstance(spec.target, int | float)
            else None,
            target_text=None if numeric or spec.target is None else str(spec.target),
            upper=spec.upper,
            unit=spec.unit,
            source=spec.source,
            relative_kind=None if spec.relative is None else str(spec.relative.kind),
            relative_base_year=None if spec.relative is None else spec.relative.base_year,
            relative_amount=None if spec.relative is None else spec.relative.amount,
            base_value=None if spec.relative is None else spec.relative.base_value,
        )

    @property
    def has_target(self) -> bool:
        """A numeric target, or one against a base year (concrete once the base is known)."""
        return self.target_value is not None or self.relative_kind is not None

    @property
    def report_unit(self) -> str | None:
        """The unit reports use; a relative target without one is measured as its base."""
        if self.relative_kind is None:
            return self.unit
        return self.unit or "与基期同口径"

    @property
    def relative(self) -> Relative | None:
        """The row's :class:`Relative`, or ``None`` for an absolute target."""
        return Relative.from_columns(
            self.relative_kind, self.relative_base_year, self.relative_amount, self.base_value
        )

    def to_spec(self) -> MilestoneSpec:
        """The domain value of this row."""
        target: float | str | None = (
            self.target_value if self.target_value is not None else self.target_text
        )
        return MilestoneSpec(
            kind=self.kind,
            due=self.due,
            comparator=self.comparator,
            target=target,
            unit=self.unit,
            start=self.start,
            upper=self.upper,
            source=self.source,
            relative=self.relative,
        )
