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
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.dialects import postgresql, sqlite

from tracker.extensions import db

#: Rows per statement on PostgreSQL.
BATCH = 5000


def insert_rows(
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    returning: str | None = None,
) -> list[Any]:
    """Insert ``rows`` (dicts with the same keys) into ``table``; a row whose ``conflict``
    columns match a stored one updates its ``update`` columns instead, or is skipped when
    ``update`` is empty. With no ``conflict`` columns a row breaking a unique constraint
    raises :class:`sqlalchemy.exc.IntegrityError`, as the ORM's flush would. Returns the
    ``returning`` column of each row inserted or updated (``[]`` when ``returning`` is
    None)."""
    if not rows:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgres(table, rows, conflict, update, returning)
    statement = sqlite.insert(table)
    if conflict and update:
        statement = statement.on_conflict_do_update(
            index_elements=list(conflict),
            set_={name: statement.excluded[name] for name in update},
        )
    elif conflict:
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
    on_conflict = f" ON CONFLICT ({', '.join(conflict)}) {action}" if conflict else ""
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({arrays})"
        + on_conflict
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


def among(
    column: sa.ColumnElement[int] | sa.orm.InstrumentedAttribute[int], ids: Sequence[int]
) -> sa.ColumnElement[bool]:
    """``column`` is one of ``ids``: on PostgreSQL ``= ANY`` of one array parameter (a list
    of a thousand ids costs the driver and the planner a thousand parameters, ≈ 25 ms a
    query: more than the lookups themselves), elsewhere ``IN (…)``."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.literal(list(ids), type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(list(ids))


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def reserve_ids(table: sa.Table, count: int) -> list[int]:
    """``count`` new ids of ``table``'s integer ``id`` column, for rows inserted with
    :func:`insert_rows` whose children need their ids before they are inserted.

    PostgreSQL: drawn from the column's sequence in one statement (never reused). SQLite:
    the ids after the largest stored one, which is what SQLite itself would give; call it
    only inside a write transaction (``BEGIN IMMEDIATE``, :func:`tracker.unit_of_work.
    begin_writes`), whose lock keeps another writer from taking the same ids."""
    if count <= 0:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        sql = sa.text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        )
        return list(db.session.scalars(sql, {"table": table.name, "n": count}))
    last = largest_id(table)
    return list(range(last + 1, last + count + 1))


def largest_id(table: sa.Table) -> int:
    """The largest ``id`` stored in ``table`` (0 when it is empty)."""
    return int(db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0)


def with_defaults(table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with every column they leave out that has a Python-side default (``utcnow``,
    ``False`` …) filled in, as the ORM would: :func:`insert_rows`' PostgreSQL statement is
    plain SQL, which only applies server defaults."""
    if not rows:
        return []
    missing = [
        column
        for column in table.columns
        if column.key not in rows[0] and column.default is not None and not column.primary_key
    ]
    filled = []
    for row in rows:
        values = dict(row)
        for column in missing:
            default = column.default
            arg = getattr(default, "arg", None)
            values[column.key] = arg(None) if callable(arg) else arg
        filled.append(values)
    return filled


def table_of(model: type) -> sa.Table:
    """The Core table of an ORM model, typed as one."""
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]
