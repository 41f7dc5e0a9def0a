"""我的提醒 as notifications (issue 12 §2, §8): every reminder of a user — the reminder
pass's and the hand-offs' — one by one, newest first, 50 a page, read or unread.

Only the recipient sees a notification: another user's answers NotFound, like a missing
one. Functions here flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Digest, Reminder
from tracker.services.errors import NotFound

PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class NotificationPage:
    """One page of a user's notifications: the rows, the page number (from 1), the page
    count (at least 1) and how many rows there are in all."""

    items: list[Reminder]
    page: int
    pages: int
    total: int


def _mine(user_id: int, unread_only: bool) -> sa.Select[Reminder]:
    query = sa.select(Reminder).where(Reminder.recipient_id == user_id)
    return query.where(Reminder.read_at.is_(None)) if unread_only else query


def notifications_of(
    user_id: int, page: int = 1, *, unread_only: bool = False, per_page: int = PER_PAGE
) -> NotificationPage:
    """Page ``page`` (clamped to the pages there are) of the user's notifications,
    unread ones only when ``unread_only``, newest first."""
    base = _mine(user_id, unread_only)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    query = (
        base.options(selectinload(Reminder.task))
        .order_by(Reminder.created_at.desc(), Reminder.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return NotificationPage(list(db.session.scalars(query)), page, pages, total)


def unread_count(user_id: int) -> int:
    """How many of the user's notifications are unread."""
    query = sa.select(sa.func.count(Reminder.id)).where(
        Reminder.recipient_id == user_id, Reminder.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def get_own(user_id: int, notification_id: int) -> Reminder:
    """The user's notification; NotFound when missing or someone else's."""
    reminder = db.session.get(Reminder, notification_id)
    if reminder is None or reminder.recipient_id != user_id:
        raise NotFound("提醒不存在。")
    return reminder


def mark_read(user_id: int, notification_id: int, now: datetime) -> Reminder:
    """Mark the user's notification read at ``now`` (kept if already read); its digest
    too once every line of it is read. Raises NotFound (see :func:`get_own`)."""
    reminder = get_own(user_id, notification_id)
    if reminder.read_at is None:
        reminder.read_at = now
        db.session.flush()
        _close_digests(user_id, now)
    return reminder


def mark_all_read(user_id: int, now: datetime) -> int:
    """Mark every unread notification (and digest) of the user read; how many were."""
    result = db.session.execute(
        sa.update(Reminder)
        .where(Reminder.recipient_id == user_id, Reminder.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session="fetch")
    )
    _close_digests(user_id, now)
    return int(getattr(result, "rowcount", 0) or 0)


def _close_digests(user_id: int, now: datetime) -> None:
    """Digests of the user all of whose notifications are read count as read."""
    unread_lines = sa.select(Reminder.id).where(
        Reminder.digest_id == Digest.id, Reminder.read_at.is_(None)
    )
    db.session.execute(
        sa.update(Digest)
        .where(Digest.recipient_id == user_id, Digest.read_at.is_(None), ~unread_lines.exists())
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def link_of(reminder: Reminder) -> str:
    """Where a notification leads: its own link, else its task's page, else nowhere."""
    if reminder.link:
        return reminder.link
    return f"/tasks/{reminder.task_id}" if reminder.task_id is not None else ""
