"""The audit trail: services call :func:`record` for every change they make (issue 3 §8).

Nothing is deleted or edited in place without an entry saying who changed what, when,
and what the record held before and after.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import inspect as sa_inspect

from tracker.extensions import db
from tracker.models import AuditEntry, User
from tracker.services import handoffs
from tracker.services.bulk import reserve_ids, table_of

#: Columns never copied into the trail (secrets, bookkeeping).
_SKIPPED = frozenset(
    {
        "password_hash",
        "token_hash",
        "session_token",
        "version",
        "facts_version",
        "created_at",
        "updated_at",
    }
)


def snapshot(record: object) -> dict[str, Any]:
    """The record's column values as JSON-safe data (dates as ISO text, enums as values)."""
    mapper = sa_inspect(record).mapper
    return {
        column.key: _plain(getattr(record, column.key))
        for column in mapper.column_attrs
        if column.key not in _SKIPPED
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def record(
    action: str,
    record: object,
    *,
    user: User | None,
    task_id: int | None,
    before: dict[str, Any] | None = None,
    summary: str = "",
) -> AuditEntry:
    """Add an entry for ``action`` ("create", "submit", "accept" …) on ``record``, whose
    state after the change is taken now; ``before`` is its :func:`snapshot` taken before.
    Flushes so the record has its id; the caller commits."""
    db.session.flush()
    return record_change(
        action,
        record,
        user=user,
        task_id=task_id,
        before=before,
        after=snapshot(record),
        summary=summary,
    )


def record_change(
    action: str,
    record: object,
    *,
    user: User | None,
    task_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    summary: str = "",
) -> AuditEntry:
    """Add an entry whose ``before`` and ``after`` are given (for changes that span rows,
    such as a task's milestones, which no single :func:`snapshot` holds); no ``before``
    for a creation. Flushes."""
    db.session.flush()
    entry = AuditEntry(
        user_id=user.id if user is not None else None,
        task_id=task_id,
        entity=sa_inspect(record).mapper.class_.__tablename__,
        entity_id=getattr(record, "id", None),
        action=action,
        summary=summary,
        before=json.dumps(before, ensure_ascii=False, sort_keys=True) if before else "",
        after=json.dumps(after, ensure_ascii=False, sort_keys=True),
    )
    db.session.add(entry)
    handoffs.after_audit(record, entry, user)  # word to whoever must act next (issue 12 §2)
    return entry


def history_of_task(task_id: int) -> list[AuditEntry]:
    """Every entry about a task and its milestones, reports, contributions, instructions
    and evidence, oldest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.task_id == task_id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


def changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field the entry changed; all fields for a creation."""
    before = json.loads(entry.before) if entry.before else {}
    after = json.loads(entry.after) if entry.after else {}
    return [
        (key, before.get(key), after.get(key))
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]


def record_many(
    changes: list[tuple[str, object, dict[str, Any] | None, str]], *, user: User | None
) -> None:
    """Add one entry per ``(action, record, before, summary)`` of records already flushed
    (an import's), their state after taken now, with one flush for all — not one each as
    :func:`record` does. Records whose changes pass work on (reports, contributions …)
    must go through :func:`record`."""
    ids = reserve_ids(table_of(AuditEntry), len(changes))  # given ids: the inserts batch
    entries = [
        AuditEntry(
            id=ids[index],
            **entry_values(action, record, user=user, before=before, summary=summary),
        )
        for index, (action, record, before, summary) in enumerate(changes)
    ]
    db.session.add_all(entries)
    db.session.flush()


def entry_values(
    action: str,
    record: object,
    *,
    user: User | None,
    before: dict[str, Any] | None,
    summary: str,
    task_id: int | None = None,
) -> dict[str, Any]:
    """The columns of an entry (no id) for ``action`` on ``record`` as it is now, about
    ``task_id`` (None: no task), for a caller that inserts many at once."""
    return {
        "user_id": user.id if user is not None else None,
        "task_id": task_id,
        "entity": sa_inspect(record).mapper.class_.__tablename__,
        "entity_id": getattr(record, "id", None),
        "action": action,
        "summary": summary,
        "before": json.dumps(before, ensure_ascii=False, sort_keys=True) if before else "",
        "after": json.dumps(snapshot(record), ensure_ascii=False, sort_keys=True),
    }
