"""Who hears of a reminder, and storing each reminder once per thing, step and recipient."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

import sqlalchemy as sa

from tracker.domain.policy import Role
from tracker.domain.reminders import LEADER, OFFICE, UNIT_HEAD, ReminderIntent
from tracker.extensions import db
from tracker.models import Reminder, Unit, User
from tracker.models._types import utcnow
from tracker.services.bulk import insert_rows
from tracker.services.reminders.facts import CHUNK


class Audiences:
    """Resolves an intent's audience to active users, caching per pass:
    unit → the unit's users of role unit; office → office users; unit head → the unit's
    heads, else its users; leader → the unit's leader in charge, else every leader."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int | None], list[User]] = {}

    def users(self, intent: ReminderIntent) -> list[User]:
        """The recipients of ``intent``, by id."""
        key = (intent.audience, intent.unit_id if intent.audience != OFFICE else None)
        if key not in self._cache:
            self._cache[key] = sorted(self._resolve(*key), key=lambda user: user.id)
        return self._cache[key]

    def _resolve(self, audience: str, unit_id: int | None) -> list[User]:
        if audience == OFFICE:
            return _active(User.role == Role.OFFICE)
        if audience == LEADER:
            return _leaders(unit_id)
        unit_users = _active(User.role == Role.UNIT, User.unit_id == unit_id)
        if audience == UNIT_HEAD:
            return [user for user in unit_users if user.is_unit_head] or unit_users
        return unit_users


def _active(*conditions: sa.ColumnElement[bool]) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.active.is_(True), *conditions)))


def _leaders(unit_id: int | None) -> list[User]:
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit is not None and unit.leader_id is not None:
        leader = db.session.get(User, unit.leader_id)
        if leader is not None and leader.active:
            return [leader]
    return _active(User.role == Role.LEADER)


# ---------------------------------------------------------------------- storing


def _existing_keys(keys: Iterable[str]) -> set[str]:
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(db.session.scalars(sa.select(Reminder.key).where(Reminder.key.in_(chunk))))
    return found


def _row(intent: ReminderIntent, user: User, as_of: date) -> dict[str, Any]:
    return {
        "key": intent.key(user.id),
        "recipient_id": user.id,
        "kind": intent.kind,
        "task_id": intent.task_id,
        "period": intent.period,
        "due": intent.due,
        "message": intent.message,
        "as_of": as_of,
        "created_at": utcnow(),
    }


def _insert_new(rows: list[dict[str, Any]]) -> list[str]:
    """Insert ``rows`` in batches with ``ON CONFLICT DO NOTHING``; the keys inserted (a
    concurrent pass may have stored some first)."""
    table = cast(sa.Table, Reminder.__table__)
    return insert_rows(table, rows, conflict=("key",), returning="key")


def _loaded(keys: list[str]) -> list[Reminder]:
    found: list[Reminder] = []
    for start in range(0, len(keys), CHUNK):
        query = sa.select(Reminder).where(Reminder.key.in_(keys[start : start + CHUNK]))
        found += db.session.scalars(query)
    return sorted(found, key=lambda reminder: reminder.id)


def store_reminders(intents: Sequence[ReminderIntent], as_of: date) -> tuple[list[Reminder], int]:
    """Store one reminder per intent and recipient whose key is new; returns them and the
    count of the others (keys already stored: skipped duplicates). An intent
    repeated within the pass (the office hears of a task once, however many lead units
    it has) is stored once and not counted. The new rows go in with bulk ``INSERT … ON
    CONFLICT DO NOTHING`` (a key a concurrent pass stored first counts as skipped), a
    fixed number of statements per :data:`CHUNK` reminders."""
    audiences = Audiences()
    pairs = [(intent, user) for intent in intents for user in audiences.users(intent)]
    existing = _existing_keys(intent.key(user.id) for intent, user in pairs)
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    for intent, user in pairs:
        key = intent.key(user.id)
        if key in seen:
            continue
        seen.add(key)
        if key not in existing:
            rows.append(_row(intent, user, as_of))
    inserted = _insert_new(rows) if rows else []
    skipped = len(seen) - len(inserted)
    return _loaded(inserted), skipped
