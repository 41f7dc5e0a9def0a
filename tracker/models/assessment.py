"""Assessment (考核): indicator sets, scoring rules, task mappings, rounds, proposed and
decided point adjustments, and units' self-assessments (DESIGN.md §6, issue 5)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model, db
from tracker.models._types import utcnow
from tracker.models.unit import Unit


class IndicatorSet(Model):
    """An imported indicator table (a national rubric, a district's duty table …)."""

    __tablename__ = "indicator_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    source_filename: Mapped[str] = mapped_column(sa.String(255), default="")
    imported_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="indicator_set", order_by="Indicator.position", cascade="all, delete-orphan"
    )


class Indicator(Model):
    """One node of the indicator tree: level 1, 2 or 3, with points (分值; None when the
    table gives none), key points (考核要点), inspection requirements (检查要求) and, for
    level 3, scoring rules and assessed/responsible units."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicator_sets.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicators.id"), index=True)
    level: Mapped[int]
    position: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(20), default="")
    name: Mapped[str] = mapped_column(sa.Text)
    points: Mapped[float | None]
    key_points: Mapped[str] = mapped_column(sa.Text, default="")
    inspection: Mapped[str] = mapped_column(sa.Text, default="")
    source_row: Mapped[int | None]
    #: The 考核对象 / 责任单位 text as written, resolved to a plan's units on request.
    units_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: A 加分项 (bonus item): its points are a ceiling of bonus, not part of the maximum.
    is_bonus: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    indicator_set: Mapped[IndicatorSet] = relationship(back_populates="indicators")
    parent: Mapped[Indicator | None] = relationship(remote_side=[id])
    rules: Mapped[list[ScoringRule]] = relationship(
        back_populates="indicator", order_by="ScoringRule.position", cascade="all, delete-orphan"
    )
    units: Mapped[list[Unit]] = relationship(secondary="indicator_units", order_by="Unit.name")


indicator_units = sa.Table(
    "indicator_units",
    db.metadata,
    sa.Column(
        "indicator_id",
        sa.ForeignKey("indicators.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("unit_id", sa.ForeignKey("units.id"), primary_key=True),
)


class ScoringRule(Model):
    """A scoring line of a level-3 indicator, parsed by :mod:`tracker.domain.scoring`:
    ``kind`` and its numbers (points per occurrence, cap, base …) as JSON text in
    ``params``; ``kind`` "text" when the grammar could not read it (scored by hand).
    ``source`` is the line as written."""

    __tablename__ = "scoring_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicators.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(30))
    params: Mapped[str] = mapped_column(sa.Text, default="{}")
    source: Mapped[str] = mapped_column(sa.Text)
    needs_review: Mapped[bool] = mapped_column(default=False)

    indicator: Mapped[Indicator] = relationship(back_populates="rules")


class TaskIndicator(Model):
    """The office's mapping of a task to an indicator its lags count against."""

    __tablename__ = "task_indicators"

    task_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ScoreAdjustment(Model):
    """A proposed or manual deduction/bonus on an indicator for a unit (or the whole plan
    when ``unit_id`` is None), in points (negative = deduction). Lag events propose them
    (``event_key`` unique per set and plan); an assessor confirms, changes or rejects each
    with a reason; a unit may appeal once and the assessor answers."""

    __tablename__ = "score_adjustments"
    __table_args__ = (sa.UniqueConstraint("set_id", "plan_id", "event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator_sets.id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicators.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("scoring_rules.id"))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(sa.String(200))
    event: Mapped[str] = mapped_column(sa.Text, default="")
    proposed_points: Mapped[float]
    points: Mapped[float | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="proposed")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    appeal: Mapped[str] = mapped_column(sa.Text, default="")
    appealed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    appeal_answer: Mapped[str] = mapped_column(sa.Text, default="")
    appeal_answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class SelfAssessment(Model):
    """A unit's self-assessment (自评) of one indicator in an assessment of a set: a short
    text, a proposed score, then the reviewer's opinion (审核意见) and final score."""

    __tablename__ = "self_assessments"
    __table_args__ = (sa.UniqueConstraint("set_id", "unit_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator_sets.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    proposed_score: Mapped[float | None]
    opinion: Mapped[str] = mapped_column(sa.Text, default="")
    final_score: Mapped[float | None]
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
