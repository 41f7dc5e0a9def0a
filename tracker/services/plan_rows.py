"""A new plan computed before it is written, then written in a few bulk statements
(issue 18 §1): the write lock of SQLite is held only for the inserts.

:func:`compute_plan` reads the table and the unit directory and builds every row the plan
needs — plan, categories, measures, tasks, milestones, task units, and the units and
aliases the table names that do not exist yet — as plain column dicts, numbered locally.
It reads only (the schedules are parsed here, the slow part). :func:`write_plan` then
reserves ids in bulk (:func:`tracker.services.bulk.reserve_ids`), adds the new units with
``ON CONFLICT DO NOTHING`` (a unit another writer added meanwhile is taken, not doubled),
and inserts each table with one statement (one per few thousand rows): the number of
statements does not grow with the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import inspect as sa_inspect

from config.settings import ReportingDefaults
from tracker.domain.policy import UnitRole
from tracker.domain.units import UnitName
from tracker.extensions import db
from tracker.io.tables import ResponsibilityTable
from tracker.models import Category, Measure, Milestone, Plan, Task, TaskUnit, Unit, UnitAlias
from tracker.services import calendar as calendar_service
from tracker.services.bulk import insert_rows, reserve_ids, table_of, with_defaults
from tracker.services.units import UnitDirectory

Row = dict[str, Any]


@dataclass
class PlanRows:
    """Every row of a new plan, ready to insert. Foreign keys between them are local
    indexes (``category``, ``measure``, ``task``: the position in the parent's list) and
    units are named (``unit``), resolved to ids when written."""

    plan: Row
    categories: list[Row] = field(default_factory=list)
    measures: list[Row] = field(default_factory=list)
    tasks: list[Row] = field(default_factory=list)
    milestones: list[Row] = field(default_factory=list)
    task_units: list[Row] = field(default_factory=list)
    new_units: dict[str, None] = field(default_factory=dict)
    new_aliases: dict[str, str] = field(default_factory=dict)  # alias → unit name
    touched_units: set[str] = field(default_factory=set)
    needs_review: int = 0


def compute_plan(
    table: ResponsibilityTable,
    *,
    period: tuple[int, int],
    defaults: ReportingDefaults,
    name: str | None = None,
) -> PlanRows:
    """The rows importing ``table`` as a new plan adds (see the module docstring). Reads
    only; the schedules are parsed (cached) as :func:`tracker.services.plans.task_from_row`
    does."""
    from tracker.services.plans import plan_name, task_from_row

    plan = Plan(
        name=(name or plan_name(table)).strip(),
        title=table.title,
        first_year=period[0],
        last_year=period[1],
        source_filename=table.source,
        report_due_workdays=defaults.report_due_workdays,
        overdue_grace_workdays=defaults.overdue_grace_workdays,
    )
    rows = PlanRows(plan=_values(plan))
    known = calendar_service.library_years()  # its days are stored with the plan: look now
    calendar_service.prepare_library([y for y in range(period[0], period[1] + 2) if y in known])
    units = UnitDirectory()
    categories: dict[str, int] = {}
    measures: dict[tuple[str, str], int] = {}
    measures_of: dict[int, int] = {}
    for position, row in enumerate(table.rows, start=1):
        if row.category not in categories:
            categories[row.category] = len(rows.categories)
            rows.categories.append({"position": len(categories), "name": row.category or "未分类"})
        category = categories[row.category]
        if (row.category, row.measure) not in measures:
            measures_of[category] = measures_of.get(category, 0) + 1
            measures[(row.category, row.measure)] = len(rows.measures)
            rows.measures.append(
                {
                    "category": category,
                    "position": measures_of[category],
                    "name": row.measure or "未分组",
                }
            )
        task = task_from_row(row, position, period)
        index = len(rows.tasks)
        rows.tasks.append({**_values(task), "measure": measures[(row.category, row.measure)]})
        rows.needs_review += int(task.needs_review)
        for number, milestone in enumerate(task.milestones):
            rows.milestones.append({**_values(milestone), "task": index, "position": number + 1})
        for role, names in (
            (UnitRole.LEAD, row.lead_units),
            (UnitRole.COOPERATING, row.cooperating_units),
        ):
            _link(rows, units, index, role, names)
    return rows


def _link(
    rows: PlanRows, units: UnitDirectory, task: int, role: UnitRole, names: tuple[UnitName, ...]
) -> None:
    """The task's links to the units ``names`` resolve to, in order (a unit once per
    role), noting the units and aliases still to add."""
    linked: set[str] = set()
    for position, name in enumerate(names, start=1):
        rows.touched_units.add(name.name)
        known = units.find(name.name)
        unit = known.name if known is not None else rows.new_aliases.get(name.name, name.name)
        if known is None and name.name not in rows.new_aliases:
            rows.new_units.setdefault(unit)
        for alias in name.aliases:
            if units.find(alias) is None and alias not in rows.new_units:
                rows.new_aliases.setdefault(alias, unit)
        if unit in linked:
            continue
        linked.add(unit)
        unit_id = known.id if known is not None else None
        rows.task_units.append(
            {
                "task": task,
                "unit_id": unit_id,
                "unit_name": unit,
                "role": role,
                "position": position,
            }
        )


def write_plan(rows: PlanRows) -> int:
    """Insert ``rows`` (from :func:`compute_plan`) and return the new plan's id. Call it
    right after :func:`tracker.unit_of_work.begin_writes` (``up_front=False``): on SQLite
    the rows first go into temporary tables of this connection, which takes no lock of the
    database (:mod:`tracker.services.plan_staging`), and the plan's first insert takes the
    write lock, held for a few ``INSERT … SELECT`` statements; elsewhere they are inserted
    in bulk with ids reserved from the sequences. One transaction either way, so all or
    nothing. Flushes nothing of the ORM; the caller's unit of work commits."""
    if db.session.get_bind().dialect.name == "sqlite":
        from tracker.services.plan_staging import write_staged

        return write_staged(rows)
    plan_id = insert_rows(
        table_of(Plan), with_defaults(table_of(Plan), [rows.plan]), conflict=("id",), returning="id"
    )[0]
    unit_ids = write_units(rows)
    category_ids = reserve_ids(table_of(Category), len(rows.categories))
    measure_ids = reserve_ids(table_of(Measure), len(rows.measures))
    task_ids = reserve_ids(table_of(Task), len(rows.tasks))
    milestone_ids = reserve_ids(table_of(Milestone), len(rows.milestones))
    _insert(
        Category,
        [
            {**row, "id": category_ids[index], "plan_id": plan_id}
            for index, row in enumerate(rows.categories)
        ],
    )
    _insert(
        Measure,
        [
            {
                **_without(row, "category"),
                "id": measure_ids[index],
                "category_id": category_ids[row["category"]],
            }
            for index, row in enumerate(rows.measures)
        ],
    )
    _insert(
        Task,
        [
            {
                **_without(row, "measure"),
                "id": task_ids[index],
                "plan_id": plan_id,
                "measure_id": measure_ids[row["measure"]],
            }
            for index, row in enumerate(rows.tasks)
        ],
    )
    _insert(
        Milestone,
        [
            {**_without(row, "task"), "id": milestone_ids[index], "task_id": task_ids[row["task"]]}
            for index, row in enumerate(rows.milestones)
        ],
    )
    _insert(
        TaskUnit,
        [
            {
                "task_id": task_ids[row["task"]],
                "unit_id": row["unit_id"] or unit_ids[row["unit_name"]],
                "role": row["role"],
                "position": row["position"],
            }
            for row in rows.task_units
        ],
        conflict=("task_id", "unit_id", "role"),
    )
    return int(plan_id)


def write_units(rows: PlanRows) -> dict[str, int]:
    """Add the new units and aliases (one that another writer added meanwhile is kept);
    the id of every unit by name and alias. Write phase: reads the units' names and ids."""
    insert_rows(
        table_of(Unit),
        with_defaults(table_of(Unit), [{"name": name} for name in rows.new_units]),
        conflict=("name",),
    )
    ids = {name: id_ for name, id_ in db.session.execute(sa.select(Unit.name, Unit.id))}
    aliases = [
        {"alias": alias, "unit_id": ids[unit]}
        for alias, unit in rows.new_aliases.items()
        if alias not in ids and unit in ids
    ]
    insert_rows(table_of(UnitAlias), aliases, conflict=("alias",))
    for alias, unit_id in db.session.execute(sa.select(UnitAlias.alias, UnitAlias.unit_id)):
        ids.setdefault(alias, unit_id)
    return ids


def _insert(model: type, rows: list[Row], conflict: tuple[str, ...] = ("id",)) -> None:
    table = table_of(model)
    insert_rows(table, with_defaults(table, rows), conflict=conflict)


def _values(record: object) -> Row:
    """The column values set on a new ORM object (not yet added to a session)."""
    keys = {column.key for column in sa_inspect(record).mapper.column_attrs}
    return {key: value for key, value in vars(record).items() if key in keys}


def _without(row: Row, key: str) -> Row:
    return {name: value for name, value in row.items() if name != key}
