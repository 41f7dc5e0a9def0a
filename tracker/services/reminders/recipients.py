"""Who hears of a reminder, and storing each reminder once per thing, step and recipient."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
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
    """Resolves an intent's audience to the ids of active users, caching per pass (plain
    ids: nothing to reload after a chunk's commit): unit → the unit's users of role unit;
    office → office users; unit head → the unit's heads, else its users; leader → the
    unit's leader in charge, else every leader."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int | None], list[int]] = {}

    def ids(self, intent: ReminderIntent) -> list[int]:
        """The recipients of ``intent``, by id."""
        key = (intent.audience, intent.unit_id if intent.audience != OFFICE else None)
        if key not in self._cache:
            self._cache[key] = sorted(user.id for user in self._resolve(*key))
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


def reminder_rows(
    intents: Iterable[ReminderIntent],
    as_of: date,
    audiences: Audiences,
    seen: set[str],
    *,
    link: Callable[[ReminderIntent], str] | None = None,
) -> Iterator[dict[str, Any]]:
    """One reminder row per intent and recipient, in order, skipping a key already in
    ``seen`` (and adding each new one to it): an intent repeated within the pass (the
    office hears of a task once, however many lead units it has) is stored once. ``link``
    gives a row's page to act on (default: none)."""
    for intent in intents:
        for user_id in audiences.ids(intent):
            key = intent.key(user_id)
            if key in seen:
                continue
            seen.add(key)
            yield {
                "key": key,
                "recipient_id": user_id,
                "kind": intent.kind,
                "task_id": intent.task_id,
                "period": intent.period,
                "due": intent.due,
                "message": intent.message,
                "as_of": as_of,
                "created_at": utcnow(),
                "link": link(intent) if link is not None else "",
            }


def insert_reminders(rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` with ``ON CONFLICT DO NOTHING`` on the key (bulk, a fixed number of
    statements per few thousand rows); the ids of those inserted (a key stored before, or
    by a concurrent pass first, is not)."""
    table = cast(sa.Table, Reminder.__table__)
    return insert_rows(table, rows, conflict=("key",), returning="id")


def store_reminders(intents: Sequence[ReminderIntent], as_of: date) -> tuple[list[Reminder], int]:
    """Store one reminder per intent and recipient whose key is new, in the caller's
    transaction; returns them and the count of the others (keys already stored: skipped
    duplicates; a key repeated within ``intents`` is stored once and not counted).
    Flushes nothing of the ORM: bulk ``INSERT … ON CONFLICT DO NOTHING``."""
    seen: set[str] = set()
    rows = list(reminder_rows(intents, as_of, Audiences(), seen))
    ids = insert_reminders(rows)
    return loaded(ids), len(seen) - len(ids)


def loaded(ids: Sequence[int]) -> list[Reminder]:
    """The reminders of ``ids``, by id (a query per :data:`CHUNK` ids)."""
    wanted = sorted(ids)
    found: list[Reminder] = []
    for start in range(0, len(wanted), CHUNK):
        query = sa.select(Reminder).where(Reminder.id.in_(wanted[start : start + CHUNK]))
        found += db.session.scalars(query)
    return sorted(found, key=lambda reminder: reminder.id)
