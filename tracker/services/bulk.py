"""Bulk inserts with ``ON CONFLICT`` on PostgreSQL and SQLite (issue 14 §1, §2).

PostgreSQL gets one ``INSERT … SELECT * FROM unnest(…)`` per few thousand rows — one
array parameter per column, so neither SQLAlchemy nor the driver handles thousands of
placeholders; SQLite gets its dialect's ``INSERT … ON CONFLICT`` sent as one
``executemany`` (or SQLAlchemy's multi-row batches when rows are returned). Flushes
nothing of the ORM: the caller's unit of work commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from tracker.extensions import db

#: Rows per statement on PostgreSQL.
BATCH = 5000


def insert_rows(
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict: Sequence[str],
    update: Sequence[str] = (),
    returning: str | None = None,
) -> list[Any]:
    """Insert ``rows`` (dicts with the same keys) into ``table``; a row whose ``conflict``
    columns match a stored one updates its ``update`` columns instead, or is skipped when
    ``update`` is empty. Returns the ``returning`` column of each row inserted or updated
    (``[]`` when ``returning`` is None)."""
    if not rows:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgres(table, rows, conflict, update, returning)
    statement = sqlite.insert(table)
    if update:
        statement = statement.on_conflict_do_update(
            index_elements=list(conflict),
            set_={name: statement.excluded[name] for name in update},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    if returning is None:
        db.session.execute(statement, list(rows))
        return []
    return list(db.session.execute(statement.returning(table.c[returning]), list(rows)).scalars())


def _postgres(
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    conflict: Sequence[str],
    update: Sequence[str],
    returning: str | None,
) -> list[Any]:
    names = list(rows[0])
    dialect = postgresql.dialect()
    arrays = ", ".join(
        f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in names
    )
    action = (
        "DO UPDATE SET " + ", ".join(f"{name} = EXCLUDED.{name}" for name in update)
        if update
        else "DO NOTHING"
    )
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT ({', '.join(conflict)}) {action}"
        + (f" RETURNING {returning}" if returning else "")
    )
    found: list[Any] = []
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        params = {name: [_plain(row[name]) for row in part] for name in names}
        result = db.session.execute(sa.text(sql), params)
        if returning:
            found += result.scalars()
    return found


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value
