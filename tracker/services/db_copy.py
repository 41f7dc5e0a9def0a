"""Moving an install from SQLite to PostgreSQL: copy every row of an SQLite database into a
migrated, empty PostgreSQL database at the same Alembic revision (issue 18 §5).

``backup restore`` calls :func:`copy_sqlite_database` when the archive holds an SQLite
database and the target is PostgreSQL. The rows are read through the models' tables (so
dates, times, JSON and enums come back as Python values), written in chunks of
:data:`CHUNK_ROWS` inside one PostgreSQL transaction (all or nothing), foreign-key loops
(a unit's leader is a user of a unit) are closed by an UPDATE after every row is in, the
tables' own triggers stay off meanwhile (the rows come in as they were, counters kept by
triggers included), and each table's id sequence is moved past its largest id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

import tracker.models  # noqa: F401  (every table in the metadata)
from tracker.extensions import Base
from tracker.services.errors import ServiceError

#: Rows per INSERT batch.
CHUNK_ROWS = 1000


class CopyError(ServiceError):
    """The copy cannot start (revisions differ, target not migrated); nothing was written."""


@dataclass(frozen=True, slots=True)
class CopyReport:
    """Rows copied per table, in the order they were written."""

    rows: dict[str, int]


def copy_sqlite_database(source: Path, target: Engine, *, replace: bool = False) -> CopyReport:
    """Copy every row of the SQLite file ``source`` into ``target`` (PostgreSQL).

    Both must be at the same Alembic revision (migrate the target with ``db upgrade``
    first). ``replace`` empties the target's tables first (``TRUNCATE``); otherwise the
    caller has checked that it is empty. Raises :class:`CopyError` before writing anything
    when the revisions differ.
    """
    reader = sa.create_engine(f"sqlite:///{source}")
    try:
        with reader.connect() as read, target.begin() as write:
            _same_revision(read, write, source)
            tables, loops = _order()
            if replace:
                names = ", ".join(write.dialect.identifier_preparer.quote(t.name) for t in tables)
                write.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            _user_triggers(write, tables, enabled=False)
            rows = {table.name: _copy_table(read, write, table, loops) for table in tables}
            _close_loops(read, write, loops)
            _user_triggers(write, tables, enabled=True)
            for table in tables:
                _advance_sequence(write, table)
    finally:
        reader.dispose()
    return CopyReport(rows)


def _same_revision(read: Connection, write: Connection, source: Path) -> None:
    def revision(connection: Connection) -> str | None:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()

    theirs, ours = revision(read), revision(write)
    if ours is None:
        raise CopyError("目标 PostgreSQL 数据库尚未建表：请先运行 flask --app tracker db upgrade")
    if theirs != ours:
        raise CopyError(
            f"备份中的 SQLite 数据库 {source.name} 的版本是 {theirs}，目标数据库是 {ours}："
            "请把两边迁移到同一版本（flask --app tracker db upgrade）后再恢复"
        )


def _order() -> tuple[list[sa.Table], list[sa.ForeignKeyConstraint]]:
    """The tables parents first, and the foreign keys that close a loop (written after)."""
    tables: list[sa.Table] = []
    loops: list[sa.ForeignKeyConstraint] = []
    for table, constraints in sa.schema.sort_tables_and_constraints(Base.metadata.tables.values()):
        if table is None:
            loops.extend(constraints)
        else:
            tables.append(table)
    return tables, loops


def _user_triggers(write: Connection, tables: list[sa.Table], *, enabled: bool) -> None:
    """Switch the tables' own triggers (not the foreign keys' checks) off or on, inside
    the copy's transaction: with them on, copying a task's reports would bump its
    ``facts_version`` (migration 0018) past the value the copy brings along."""
    action = "ENABLE" if enabled else "DISABLE"
    for table in tables:
        name = write.dialect.identifier_preparer.quote(table.name)
        write.exec_driver_sql(f"ALTER TABLE {name} {action} TRIGGER USER")


def _loop_columns(table: sa.Table, loops: list[sa.ForeignKeyConstraint]) -> set[str]:
    return {column.name for fk in loops if fk.table is table for column in fk.columns}


def _copy_table(
    read: Connection, write: Connection, table: sa.Table, loops: list[sa.ForeignKeyConstraint]
) -> int:
    deferred = _loop_columns(table, loops)
    count = 0
    for chunk in _chunks(read, table):
        rows = [{**row, **dict.fromkeys(deferred)} for row in chunk]
        write.execute(table.insert(), rows)
        count += len(rows)
    return count


def _close_loops(read: Connection, write: Connection, loops: list[sa.ForeignKeyConstraint]) -> None:
    for fk in loops:
        table = fk.table
        keys = list(table.primary_key.columns)
        columns = list(fk.columns)
        query = sa.select(*keys, *columns).where(sa.or_(*(c.isnot(None) for c in columns)))
        for row in read.execute(query).mappings():
            where = sa.and_(*(key == row[key.name] for key in keys))
            write.execute(
                table.update().where(where).values({c.name: row[c.name] for c in columns})
            )


def _chunks(read: Connection, table: sa.Table) -> Iterator[list[dict[str, Any]]]:
    aware = [
        column.name
        for column in table.columns
        if isinstance(column.type, sa.DateTime) and column.type.timezone
    ]
    query = sa.select(table).order_by(*table.primary_key.columns)
    result = read.execution_options(yield_per=CHUNK_ROWS).execute(query).mappings()
    for part in result.partitions(CHUNK_ROWS):
        rows = [dict(row) for row in part]
        for row in rows:
            for name in aware:
                row[name] = _utc(row[name])
        yield rows


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite keeps no offset: its times were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _advance_sequence(write: Connection, table: sa.Table) -> None:
    keys = list(table.primary_key.columns)
    if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
        return
    name, key = table.name, keys[0].name
    sequence = write.execute(
        sa.text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": name, "column": key}
    ).scalar()
    if sequence is None:
        return
    quote = write.dialect.identifier_preparer.quote
    column = quote(key)
    write.exec_driver_sql(
        f"SELECT setval('{sequence}', COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL) "
        f"FROM {quote(name)}"
    )
