"""The in-app inbox ("我的提醒"): always on. A digest is in the inbox as soon as it
exists, so sending it only records the delivery; the queries of the inbox page live here."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Digest, Reminder
from tracker.services.channels.base import Outgoing
from tracker.services.errors import NotFound


class InboxChannel:
    """The in-app inbox: always enabled; ``send`` always succeeds."""

    name = "inbox"

    def enabled(self) -> bool:
        """Always True: every user has the inbox."""
        return True

    def send(self, message: Outgoing) -> None:
        """Nothing to transport: the digest is shown on the user's 我的提醒 page."""


def user_digests(user_id: int, *, limit: int = 100) -> list[Digest]:
    """The user's digests, newest day first, with their reminders loaded."""
    query = (
        sa.select(Digest)
        .where(Digest.recipient_id == user_id)
        .options(selectinload(Digest.reminders).selectinload(Reminder.task))
        .order_by(Digest.day.desc(), Digest.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def unread_count(user_id: int) -> int:
    """How many of the user's digests are unread."""
    query = sa.select(sa.func.count(Digest.id)).where(
        Digest.recipient_id == user_id, Digest.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def mark_read(user_id: int, digest_id: int, now: datetime) -> Digest:
    """Mark the user's digest read at ``now`` (kept if already read); flushes.

    Raises NotFound when the digest does not exist or belongs to someone else, so that
    others' digests are indistinguishable from missing ones.
    """
    digest = db.session.get(Digest, digest_id)
    if digest is None or digest.recipient_id != user_id:
        raise NotFound("提醒不存在。")
    if digest.read_at is None:
        digest.read_at = now
        db.session.flush()
    return digest
