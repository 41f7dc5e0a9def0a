"""Reminders, the daily digests that carry them, their deliveries per channel, and the
record of every scheduled job run (issue 4)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models._types import utcnow
from tracker.models.plan import Task
from tracker.models.user import User


class Digest(Model):
    """The one message a recipient gets on a day, listing all their reminders. Shown in
    the in-app inbox (``read_at``) and sent through the other channels."""

    __tablename__ = "digests"
    __table_args__ = (sa.UniqueConstraint("recipient_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    day: Mapped[date]
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    recipient: Mapped[User] = relationship()
    reminders: Mapped[list[Reminder]] = relationship(back_populates="digest")
    deliveries: Mapped[list[Delivery]] = relationship(back_populates="digest")


class Reminder(Model):
    """One reminder of one thing at one step to one recipient. ``key`` names all three
    ("overdue:report:task12:2020Q3:user5"), so it is never sent twice, across reruns and
    restarts alike.

    Each reminder is also a notification (通知) of the recipient's 我的提醒 page, read or
    not (``read_at``); a hand-off (a report returned, a 批示 written, a notice issued …) is
    stored as one at once, with ``link`` the page to act on, and goes out with the next
    daily digest (:mod:`tracker.services.handoffs`)."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"))
    period: Mapped[str | None] = mapped_column(sa.String(10))
    due: Mapped[date | None]
    message: Mapped[str] = mapped_column(sa.Text)
    as_of: Mapped[date]
    digest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("digests.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    link: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    recipient: Mapped[User] = relationship()
    task: Mapped[Task | None] = relationship()
    digest: Mapped[Digest | None] = relationship(back_populates="reminders")


#: The states of a delivery (issue 9 §2): recorded by the reminder pass as "pending",
#: claimed as "sending" just before the channel is called, then "sent", "skipped" (the
#: channel cannot carry it), "failed" (no attempts left) or "pending" again (backoff).
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "skipped")


class Delivery(Model):
    """A digest sent through one channel ("inbox", "email", "webhook"): attempts, the last
    error, when to try again (backoff), when the last attempt claimed it (``claimed_at``:
    a "sending" claim older than the claim timeout is due again) and when it went out."""

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("digest_id", "channel"),
        sa.CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in DELIVERY_STATUSES) + ")", name="status"
        ),
        sa.Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(sa.ForeignKey("digests.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    digest: Mapped[Digest] = relationship(back_populates="deliveries")


class JobRun(Model):
    """One run of a scheduled job: start, end, outcome ("ok", "error") and its counts
    (JSON text), shown to admins."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(60), index=True)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(sa.String(20), default="running")
    counts: Mapped[str] = mapped_column(sa.Text, default="")
    error: Mapped[str] = mapped_column(sa.Text, default="")
