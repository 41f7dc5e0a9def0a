"""Which stored lag states are still current, asked of the database (issue 14 §1).

A task's fingerprint is 8 hex characters of the md5 of its plan's rules (years, cadence,
report due rule, overdue grace) and the scan's ``salt`` (the app-wide thresholds and the
calendar, :attr:`~tracker.services.scan_facts.PlanRules.salt`), followed by the md5 of the
task's own facts as text — its baseline, its closing and its ``facts_version``, which the
database's triggers bump whenever a statement writes the task's reports or milestones
(migration 0018), whoever wrote them. The database works both out from the task's row
(PostgreSQL's ``md5()``; on SQLite the function :mod:`tracker.extensions` registers on
every connection), each plan's part once per chunk, in the one query per chunk that reads
the tasks and their stored states of the day, and compares them there (:func:`heads`): an
unchanged rerun reads, per task, its stored state and a NULL, reads no report or
milestone, and hashes or compares nothing in Python.

Reads only.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import sqlalchemy as sa

from tracker.domain.lag import LagState
from tracker.models import Plan, Task, TaskState
from tracker.services.scan_facts import Scope, TaskRange, rows_of, tasks_in

_STORED = cast(sa.Table, TaskState.__table__)

#: One task of a chunk: ``(task_id, plan_id, fingerprint, state, expected, actual)`` —
#: ``fingerprint`` the fingerprint of its facts now, or None when its stored state of the
#: day carries it already (the state is current); the stored state, ``state`` as its
#: stored text (a :class:`LagState` value; None when there is none). The driver's own
#: tuples: a rerun reads 171,000 of them at 3,000 districts.
Head = tuple[int, int, str | None, str | None, float | None, float | None]

#: A stored state's text as the :class:`LagState` it names.
STATES = {state.value: state for state in LagState}


def _piece(column: Any) -> sa.ColumnElement[str]:
    return sa.func.coalesce(sa.cast(column, sa.Text), "")


def _joined(parts: tuple[Any, ...]) -> sa.ColumnElement[str]:
    text = _piece(parts[0])
    for part in parts[1:]:
        text = text + "|" + _piece(part)
    return text


def _tasks_of(scope: Scope) -> sa.ColumnElement[bool]:
    """The tasks in ``scope`` whose plans to key: a range needs only its bounds (the outer
    query keeps the live tasks of the plan), which spares the planner a join."""
    if isinstance(scope, TaskRange):
        return Task.id.between(scope.lo, scope.hi)
    return tasks_in(Task.id, scope)


def _plan_keys(scope: Scope, salt: str) -> sa.CTE:
    """``(id, key)``: 8 hex characters of the rules of each plan with a task in ``scope``
    (and of ``salt``), worked out once per plan."""
    rules = _joined(
        (
            Plan.first_year,
            Plan.last_year,
            Plan.cadence,
            Plan.report_due_workdays,
            Plan.overdue_grace_workdays,
            sa.literal(salt, sa.Text),
        )
    )
    of_scope = sa.select(Task.plan_id).where(_tasks_of(scope)).distinct()
    key = sa.func.substr(sa.func.md5(rules), 1, 8, type_=sa.Text)
    return (
        sa.select(Plan.id, key.label("key"))
        .where(Plan.id.in_(of_scope.scalar_subquery()))
        .cte("plan_keys")
        .prefix_with("MATERIALIZED", dialect="postgresql")  # one digest per plan, not task
    )


def fingerprints(scope: Scope, salt: str) -> sa.CTE:
    """``(task_id, plan_id, fingerprint)`` of the tasks in ``scope`` now, as a CTE worked
    out once per task from the task's own row joined to its plan's key."""
    facts = _joined((Task.baseline_value, Task.closed_at, Task.facts_version))
    keys = _plan_keys(scope, salt)
    fingerprint = keys.c.key + sa.func.md5(facts, type_=sa.Text)
    return (
        sa.select(Task.id.label("task_id"), Task.plan_id, fingerprint.label("fingerprint"))
        .select_from(Task)
        .join(keys, keys.c.id == Task.plan_id)
        .where(tasks_in(Task.id, scope))
        .cte("fingerprints")
        # computed once per task: inlined, PostgreSQL would digest each task twice below
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def heads(scope: Scope, as_of: date, salt: str, *, with_stored: bool = True) -> list[Head]:
    """The tasks in ``scope`` (see :data:`Head`) with their fingerprint under the scan's
    ``salt`` and, unless not ``with_stored`` (a full scan replaces them all: every
    fingerprint is given), their stored state of ``as_of`` — the fingerprint then None
    when the state carries it. In no particular order; one query (the state of the day
    looked up on its unique ``(task_id, as_of)`` index)."""
    now = fingerprints(scope, salt)
    if not with_stored:
        query = sa.select(now.c.task_id, now.c.plan_id, now.c.fingerprint)
        return [
            (tid, pid, fingerprint, None, None, None) for tid, pid, fingerprint in rows_of(query)
        ]
    stored = _STORED.alias("stored")
    stale = sa.case((stored.c.fingerprint == now.c.fingerprint, None), else_=now.c.fingerprint)
    query = (
        sa.select(
            now.c.task_id,
            now.c.plan_id,
            stale,
            sa.type_coerce(stored.c.state, sa.String),
            stored.c.expected,
            stored.c.actual,
        )
        .select_from(now)
        .outerjoin(stored, sa.and_(stored.c.task_id == now.c.task_id, stored.c.as_of == as_of))
    )
    return rows_of(query)
