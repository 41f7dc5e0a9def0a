"""Who hears of a hand-off, and storing each word once (a key) as a reminder: in the
recipient's notifications at once, and in the next daily digest of the reminder pass."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import sqlalchemy as sa

from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Reminder, Unit, User
from tracker.models._types import utcnow
from tracker.services.bulk import insert_rows


@dataclass(frozen=True, slots=True)
class Word:
    """One hand-off to tell: ``kind`` ("returned", "review_waiting" …), the event's
    ``event`` key part ("report12:a345": the thing and its audit entry), the message, the
    page to act on, the task and period it is about and the day it happened."""

    kind: str
    event: str
    message: str
    link: str
    day: date
    task_id: int | None = None
    period: str | None = None
    due: date | None = None

    def key(self, recipient_id: int) -> str:
        """ "handoff:returned:report12:a345:user5"."""
        return f"handoff:{self.kind}:{self.event}:user{recipient_id}"


def _active(*conditions: sa.ColumnElement[bool]) -> list[User]:
    query = sa.select(User).where(User.active.is_(True), *conditions).order_by(User.id)
    return list(db.session.scalars(query))


def office_users() -> list[User]:
    """The reform office's active users."""
    return _active(User.role == Role.OFFICE)


def role_users(role: Role) -> list[User]:
    """The active users of ``role``."""
    return _active(User.role == role)


def unit_users(unit_id: int | None) -> list[User]:
    """The unit's active reporters (role unit)."""
    return _active(User.role == Role.UNIT, User.unit_id == unit_id) if unit_id else []


def unit_heads(unit_id: int | None) -> list[User]:
    """The unit's heads (who sign for notices), else all its reporters."""
    return _heads(unit_users(unit_id))


def heads_of_units(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """:func:`unit_heads` of each unit of ``unit_ids`` (one query); a unit with no active
    reporter has none."""
    wanted = sorted(set(unit_ids))
    by_unit: dict[int, list[User]] = {unit_id: [] for unit_id in wanted}
    if wanted:
        for user in _active(User.role == Role.UNIT, User.unit_id.in_(wanted)):
            by_unit[cast(int, user.unit_id)].append(user)
    return {unit_id: _heads(users) for unit_id, users in by_unit.items()}


def _heads(users: list[User]) -> list[User]:
    return [user for user in users if user.is_unit_head] or users


def approvers(unit_id: int | None) -> list[User]:
    """The unit's approvers (who sign reports off before they reach the office)."""
    return [user for user in unit_users(unit_id) if user.is_approver]


def leaders_of(unit_id: int | None) -> list[User]:
    """The leader in charge of the unit, else every leader."""
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit is not None and unit.leader_id is not None:
        leader = db.session.get(User, unit.leader_id)
        if leader is not None and leader.active:
            return [leader]
    return role_users(Role.LEADER)


def tell(
    word: Word,
    recipients: Iterable[User],
    *,
    keys: dict[int, str] | None = None,
    kind: str | None = None,
) -> int:
    """Store ``word`` once per recipient (``keys`` may give a recipient's key instead of
    :meth:`Word.key`, and ``kind`` the reminder's kind instead of "handoff_<kind>", to
    share them with the reminder pass's steps); a key already stored (or stored first by a
    concurrent request) is skipped: one ``INSERT … ON CONFLICT DO NOTHING`` for all.
    Returns how many were stored."""
    return store_rows(word_rows(word, recipients, keys=keys, kind=kind))


def word_rows(
    word: Word,
    recipients: Iterable[User],
    *,
    keys: dict[int, str] | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    """The reminder rows :func:`tell` stores for ``word``: one per recipient (once each)."""
    return [
        {
            "key": (keys or {}).get(user.id) or word.key(user.id),
            "recipient_id": user.id,
            "kind": kind or f"handoff_{word.kind}",
            "task_id": word.task_id,
            "period": word.period,
            "due": word.due,
            "message": word.message,
            "as_of": word.day,
            "link": word.link,
            "created_at": utcnow(),
        }
        for user in {user.id: user for user in recipients}.values()
    ]


def store_rows(rows: list[dict[str, Any]]) -> int:
    """Insert reminder ``rows`` of :func:`word_rows` (one ``INSERT … ON CONFLICT DO
    NOTHING`` on the key for all); returns how many were stored."""
    table = cast(sa.Table, Reminder.__table__)
    return len(insert_rows(table, rows, conflict=("key",), returning="key"))


def settle(prefixes: Iterable[str]) -> None:
    """Mark read the unread hand-offs whose key starts with one of ``prefixes``: the word
    that a report waits for review, once it is decided, needs nobody any more. Flushes."""
    for prefix in prefixes:
        db.session.execute(
            sa.update(Reminder)
            .where(Reminder.key.startswith(prefix, autoescape=True), Reminder.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session="fetch")
        )
