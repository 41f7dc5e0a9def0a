"""Which stored lag states are still current, asked of the database (issue 14 §1).

A task's fingerprint is 8 hex characters of the md5 of its plan's rules (years, cadence,
report due rule, overdue grace) and the scan's ``salt`` (the app-wide thresholds and the
calendar, :attr:`~tracker.services.scan_facts.PlanRules.salt`), followed by the md5 of the
task's own facts as text — its baseline and closing, its reports' count, last change and
sum of versions, its milestones' in force count, sum of ids and sum of bases (a correction
supersedes rows and adds new ones, so their ids change). The database works both out
(PostgreSQL's ``md5()``; on SQLite the function :mod:`tracker.extensions` registers on every
connection), each plan's part once per chunk, in the one query per chunk that reads the
tasks and their stored states of the day, and compares them there (:func:`heads`): an
unchanged rerun reads, per task, its stored state and a NULL, and hashes or compares
nothing in Python.

Reads only.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import sqlalchemy as sa

from tracker.domain.lag import LagState
from tracker.models import Milestone, Plan, ProgressReport, Task, TaskState
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


def _rows_of_tasks(column: Any, scope: Scope) -> sa.ColumnElement[bool]:
    """Rows of the tasks in ``scope`` to group: a range needs only its bounds (the outer
    query keeps the live tasks of the plan), which spares the planner a join per group."""
    if isinstance(scope, TaskRange):
        return column.between(scope.lo, scope.hi)
    return tasks_in(column, scope)


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
    of_scope = sa.select(Task.plan_id).where(_rows_of_tasks(Task.id, scope)).distinct()
    key = sa.func.substr(sa.func.md5(rules), 1, 8, type_=sa.Text)
    return (
        sa.select(Plan.id, key.label("key"))
        .where(Plan.id.in_(of_scope.scalar_subquery()))
        .cte("plan_keys")
        .prefix_with("MATERIALIZED", dialect="postgresql")  # one digest per plan, not task
    )


def fingerprints(scope: Scope, salt: str) -> sa.CTE:
    """``(task_id, plan_id, fingerprint)`` of the tasks in ``scope`` now, as a CTE worked
    out once per task: the tasks joined to their plan's key and to their grouped reports
    and milestones."""
    reports = (
        sa.select(
            ProgressReport.task_id.label("task_id"),
            sa.func.count(ProgressReport.id).label("n"),
            sa.func.max(ProgressReport.updated_at).label("changed"),
            sa.func.sum(ProgressReport.version).label("versions"),
        )
        .where(_rows_of_tasks(ProgressReport.task_id, scope))
        .group_by(ProgressReport.task_id)
        .subquery()
    )
    milestones = (
        sa.select(
            Milestone.task_id.label("task_id"),
            sa.func.count(Milestone.id).label("n"),
            sa.func.sum(Milestone.id).label("ids"),
            sa.func.sum(sa.func.coalesce(Milestone.base_value, 0)).label("bases"),
        )
        .where(_rows_of_tasks(Milestone.task_id, scope), Milestone.superseded_at.is_(None))
        .group_by(Milestone.task_id)
        .subquery()
    )
    facts = _joined(
        (
            Task.baseline_value,
            Task.closed_at,
            reports.c.n,
            reports.c.changed,
            reports.c.versions,
            milestones.c.n,
            milestones.c.ids,
            milestones.c.bases,
        )
    )
    keys = _plan_keys(scope, salt)
    fingerprint = keys.c.key + sa.func.md5(facts, type_=sa.Text)
    return (
        sa.select(Task.id.label("task_id"), Task.plan_id, fingerprint.label("fingerprint"))
        .select_from(Task)
        .join(keys, keys.c.id == Task.plan_id)
        .outerjoin(reports, reports.c.task_id == Task.id)
        .outerjoin(milestones, milestones.c.task_id == Task.id)
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
