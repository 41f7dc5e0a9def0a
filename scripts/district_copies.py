"""Copies of the demo district by bulk ``INSERT … SELECT``: the one copying code of
``scripts/bench_scale.py`` and the flat-pages test (tests/integration/test_flat_pages.py).

Copy ``k`` of a row takes every id (and every id it points at among the copied tables) plus
``k`` × the template's largest id of that table, so copies never collide; units and users
stay shared unless :data:`PEOPLE_TABLES` is copied too. Text columns that must be unique
(an alert's key, a notice's number) get ``#k`` appended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

SUFFIX = "#"
"""In a table's map: append ``#k`` to this (unique) text column."""

#: The tables one district's plan is copied through, with the id columns offset per copy.
PLAN_TABLES: dict[str, dict[str, str]] = {
    "plans": {"id": "plans"},
    "categories": {"id": "categories", "plan_id": "plans"},
    "measures": {"id": "measures", "category_id": "categories"},
    "tasks": {"id": "tasks", "plan_id": "plans", "measure_id": "measures"},
    "task_units": {"task_id": "tasks"},
    "milestones": {"id": "milestones", "task_id": "tasks"},
    "progress_reports": {"id": "progress_reports", "task_id": "tasks"},
    "contributions": {"id": "contributions", "report_id": "progress_reports"},
}

#: What the pages list about a plan: its alerts, reminders, notices, 批示, inspections,
#: problems and the stored states (copied after :data:`PLAN_TABLES`).
LISTED_TABLES: dict[str, dict[str, str]] = {
    "task_states": {"id": "task_states", "task_id": "tasks", "plan_id": "plans"},
    "alerts": {"id": "alerts", "plan_id": "plans", "task_id": "tasks", "key": SUFFIX},
    "reminders": {"id": "reminders", "task_id": "tasks", "key": SUFFIX},
    "supervision_notices": {
        "id": "supervision_notices",
        "plan_id": "plans",
        "task_id": "tasks",
        "key": SUFFIX,
        "number": SUFFIX,
        "sequence": "supervision_notices",
    },
    "instructions": {
        "id": "instructions",
        "task_id": "tasks",
        "report_id": "progress_reports",
        "answer_report_id": "progress_reports",
    },
    "inspections": {"id": "inspections", "plan_id": "plans"},
    "inspection_units": {"inspection_id": "inspections"},
    "inspection_items": {
        "id": "inspection_items",
        "inspection_id": "inspections",
        "task_id": "tasks",
    },
    "problems": {"id": "problems", "inspection_id": "inspections", "task_id": "tasks"},
}

#: Units and accounts of their own per copy (the admin lists); the copied plans keep
#: pointing at the template's units.
PEOPLE_TABLES: dict[str, dict[str, str]] = {
    "units": {"id": "units", "name": SUFFIX},
    "users": {"id": "users", "unit_id": "units", "username": SUFFIX, "email": SUFFIX},
}


def tops(conn: Connection, tables: Iterable[Mapping[str, Mapping[str, str]]]) -> dict[str, int]:
    """The largest id of every table the maps offset by (0 for an empty table)."""
    names = {ref for table in tables for offsets in table.values() for ref in offsets.values()}
    names.discard(SUFFIX)
    return {t: conn.exec_driver_sql(f"SELECT max(id) FROM {t}").scalar() or 0 for t in names}


def copy_districts(
    conn: Connection,
    first: int,
    last: int,
    *,
    same_plan: bool = False,
    tables: Mapping[str, Mapping[str, str]] = PLAN_TABLES,
    top: Mapping[str, int] | None = None,
) -> None:
    """Copies ``first``..``last`` of the template district into ``tables`` (in order), each
    row's ids + k × the template's max id (``top``, from :func:`tops` before any copy);
    with ``same_plan`` every copy's rows go under one new plan (a province-wide plan)."""
    top = dict(top) if top is not None else tops(conn, [tables])
    sqlite = conn.dialect.name == "sqlite"
    series = (
        f"WITH RECURSIVE k(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM k WHERE n < {last}) "
        if sqlite
        else ""
    )
    source = "k" if sqlite else f"generate_series({first}, {last}) AS k(n)"
    meta = sa.MetaData()
    meta.reflect(bind=conn, only=list(tables))
    big_plan = top["plans"] * (first + 1) if "plans" in top else 0
    for table, offsets in tables.items():
        columns = [c.name for c in meta.tables[table].columns]
        values = [_value(table, name, offsets, top, same_plan, big_plan) for name in columns]
        if same_plan and table == "plans":
            values[columns.index("id")] = str(big_plan)
            rows = f"(SELECT * FROM plans WHERE id = {top['plans']}) t"  # the template's plan
            kinds = "(SELECT 1 AS n) k"
            conn.exec_driver_sql(
                f"INSERT INTO plans ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {rows}, {kinds}"
            )
            continue
        key = "id" if "id" in columns else next(iter(offsets))
        conn.exec_driver_sql(
            f"{series}INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM "
            f"(SELECT * FROM {table} WHERE {key} <= {top[offsets[key]]}) t, {source}"
        )


def _value(
    table: str,
    name: str,
    offsets: Mapping[str, str],
    top: Mapping[str, int],
    same_plan: bool,
    big_plan: int,
) -> str:
    """The SELECT expression of one column of copy ``k.n``."""
    ref = offsets.get(name)
    if ref == "plans" and same_plan:
        return str(big_plan)
    if ref == SUFFIX:
        return f"{name} || '#' || k.n"
    if ref:
        return f"{name} + k.n * {top[ref]}"
    if table == "plans" and name == "name":
        return "name || ' 全省'" if same_plan else "name || '#' || k.n"
    return name


def reset_sequences(conn: Connection, tables: Mapping[str, Mapping[str, str]]) -> None:
    """On PostgreSQL, move the id sequence of each of ``tables`` that has one past its
    copied rows."""
    if conn.dialect.name == "sqlite":
        return
    for table, offsets in tables.items():
        if offsets.get("id") == table:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
