"""Writing a computed plan on SQLite while holding the write lock briefly (issue 18 §1).

SQLite has one write lock for the whole database, and inserting tens of thousands of rows
row by row (``executemany``) holds it for seconds: binding each row costs far more than
storing it. So the rows go first into ``TEMP`` tables of this connection — another
database file, whose lock no other connection ever waits for — and then into the plan's
tables with one ``INSERT … SELECT`` per table, which runs inside SQLite (≈180 ms for a
10,000-task plan with 22,000 milestones and 29,000 unit links at a load of 8 on 2 cores,
against 4.8 s row by row).

All in one transaction, so an import stays all or nothing: a failure at any statement
rolls back the plan's rows and the staging alike. The transaction must not read the main
database before its first write (the plan's row): on WAL a transaction that read and then
writes after another connection committed is refused at once ("busy snapshot"), while one
whose first statement writes waits its turn for the lock. So the caller begins it with
:func:`tracker.unit_of_work.begin_writes` (``up_front=False``) and reads nothing before.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Category, Measure, Milestone, Plan, Task, TaskUnit
from tracker.services.bulk import insert_rows, largest_id, table_of, with_defaults
from tracker.services.plan_rows import PlanRows, Row, write_units

#: A staged link's unit: known when computed, else added since, by name or alias.
_UNIT_ID = (
    "coalesce(s.unit_id, (SELECT u.id FROM units u WHERE u.name = s.unit_name), "
    "(SELECT a.unit_id FROM unit_aliases a WHERE a.alias = s.unit_name))"
)

#: Local-index columns of the staged rows (their parent's position in its list, 0-based).
_LOCAL = ("_local", "category", "measure", "task", "unit_name")


def write_staged(rows: PlanRows) -> int:
    """Stage ``rows``, insert the plan (taking the write lock), copy the staged rows in
    and drop the staging; the new plan's id. Reads the main database only after the first
    write; every id is the largest stored one plus the row's local number, safe under the
    write lock."""
    staged = [
        _stage(table_of(Category), rows.categories, None),
        _stage(table_of(Measure), rows.measures, "category"),
        _stage(table_of(Task), rows.tasks, "measure"),
        _stage(table_of(Milestone), rows.milestones, "task"),
        _stage_links(rows.task_units),
    ]
    plan_table = table_of(Plan)
    plan_id = int(
        insert_rows(
            plan_table, with_defaults(plan_table, [rows.plan]), conflict=("id",), returning="id"
        )[0]
    )  # the first write: SQLite's write lock is held from here to the commit
    write_units(rows)
    bases = {
        name: largest_id(table_of(model))
        for name, model in (
            ("category", Category),
            ("measure", Measure),
            ("task", Task),
            ("milestone", Milestone),
        )
    }

    def new_id(local: str, kind: str) -> str:
        return f"s.{local} + {bases[kind]} + 1"

    plan = str(plan_id)
    _copy(table_of(Category), {"id": new_id("_local", "category"), "plan_id": plan})
    _copy(
        table_of(Measure),
        {"id": new_id("_local", "measure"), "category_id": new_id("category", "category")},
    )
    _copy(
        table_of(Task),
        {
            "id": new_id("_local", "task"),
            "plan_id": plan,
            "measure_id": new_id("measure", "measure"),
        },
    )
    _copy(
        table_of(Milestone),
        {"id": new_id("_local", "milestone"), "task_id": new_id("task", "task")},
    )
    _copy(table_of(TaskUnit), {"task_id": new_id("task", "task"), "unit_id": _UNIT_ID})
    for name in staged:
        db.session.execute(sa.text(f"DROP TABLE IF EXISTS temp.{name}"))
    return plan_id


def _stage(table: sa.Table, rows: list[Row], parent: str | None) -> str:
    """Put ``rows`` (all with the same columns, ``parent`` a local index) into a new
    ``TEMP`` table with the column types of ``table`` and a ``_local`` row number from 0;
    its name."""
    name = f"stage_{table.name}"
    filled = with_defaults(table, rows)
    keys = [key for key in (filled[0] if filled else {}) if key != parent]
    columns = [sa.Column(key, table.c[key].type) for key in keys]
    return _fill(name, columns, parent, filled)


def _stage_links(rows: list[Row]) -> str:
    table = table_of(TaskUnit)
    columns: list[sa.Column[Any]] = [
        sa.Column("unit_id", sa.Integer),
        sa.Column("unit_name", sa.String),
        sa.Column("role", table.c.role.type),
        sa.Column("position", sa.Integer),
    ]
    return _fill("stage_task_units", columns, "task", rows)


def _fill(name: str, columns: list[sa.Column[Any]], parent: str | None, rows: list[Row]) -> str:
    extra = [sa.Column(parent, sa.Integer)] if parent else []
    temp = sa.Table(
        name,
        sa.MetaData(),
        sa.Column("_local", sa.Integer),
        *extra,
        *columns,
        prefixes=["TEMPORARY"],
    )
    db.session.execute(sa.text(f"DROP TABLE IF EXISTS temp.{name}"))
    db.session.execute(sa.schema.CreateTable(temp))
    if rows:
        wanted = [column.name for column in (*extra, *columns)]
        db.session.execute(
            temp.insert(),
            [
                {"_local": index, **{key: row.get(key) for key in wanted}}
                for index, row in enumerate(rows)
            ],
        )
    return name


def _copy(table: sa.Table, computed: dict[str, str]) -> None:
    """``INSERT INTO table SELECT … FROM`` its staging: the staged columns as they are, the
    ``computed`` ones (column → SQL expression over ``s``) instead."""
    staged = f"stage_{table.name}"
    names = [
        row[1]
        for row in db.session.execute(sa.text(f"PRAGMA temp.table_info({staged})"))
        if row[1] not in _LOCAL
    ]
    columns = [*computed, *(name for name in names if name not in computed)]
    values = [computed.get(name, f"s.{name}") for name in columns]
    db.session.execute(
        sa.text(
            f"INSERT INTO main.{table.name} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM temp.{staged} s ORDER BY s._local"
        )
    )
