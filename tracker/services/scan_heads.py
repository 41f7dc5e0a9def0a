"""Which stored lag states are still current, asked of the database (issue 14 §1).

A task's fingerprint is its plan's key (:attr:`~tracker.services.scan_facts.PlanRules.key`,
8 hex characters: the plan's reporting rules, the thresholds, the calendar) followed by
the md5 of its own facts as text — its baseline and closing, its reports' count, last
change and sum of versions, its milestones' in force count, sum of ids and sum of bases
(a correction supersedes rows and adds new ones, so their ids change). The database works
the md5 out (PostgreSQL's ``md5()``; on SQLite the function :mod:`tracker.extensions`
registers on every connection) in the query per chunk that reads the tasks and their
stored states of the day (:func:`heads`), so a rerun compares two strings per task and
hashes nothing in Python, and the full scan stores digests the rerun reads
alike.

Reads only.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple, cast

import sqlalchemy as sa

from tracker.domain.lag import LagState
from tracker.models import Milestone, ProgressReport, Task, TaskState
from tracker.services.scan_facts import Scope, TaskRange, rows_of, tasks_in

_STATES = {state.value: state for state in LagState}
_STORED = cast(sa.Table, TaskState.__table__)


class Head(NamedTuple):
    """One task of a chunk: its plan, the digest of its facts (without the plan's key) and
    its stored state of the day (``fingerprint`` None when it has none)."""

    task_id: int
    plan_id: int
    digest: str
    fingerprint: str | None
    state: LagState | None
    expected: float | None
    actual: float | None


def _piece(column: Any) -> sa.ColumnElement[str]:
    return sa.func.coalesce(sa.cast(column, sa.Text), "")


def _rows_of_tasks(column: Any, scope: Scope) -> sa.ColumnElement[bool]:
    """Rows of the tasks in ``scope`` to group: a range needs only its bounds (the outer
    query keeps the live tasks of the plan), which spares the planner a join per group."""
    if isinstance(scope, TaskRange):
        return column.between(scope.lo, scope.hi)
    return tasks_in(column, scope)


def heads(scope: Scope, as_of: date, *, with_stored: bool = True) -> list[Head]:
    """The tasks in ``scope`` with the digest of their facts and (unless not
    ``with_stored``: a full scan replaces them all) their stored state of ``as_of``, in no
    particular order: one query (the tasks joined to their grouped reports and
    milestones and to their state of the day, looked up on its unique
    ``(task_id, as_of)`` index)."""
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
    parts = (
        Task.baseline_value,
        Task.closed_at,
        reports.c.n,
        reports.c.changed,
        reports.c.versions,
        milestones.c.n,
        milestones.c.ids,
        milestones.c.bases,
    )
    text = _piece(parts[0])
    for part in parts[1:]:
        text = text + "|" + _piece(part)
    query = sa.select(Task.id, Task.plan_id, sa.func.md5(text)).select_from(Task)
    query = (
        query.outerjoin(reports, reports.c.task_id == Task.id)
        .outerjoin(milestones, milestones.c.task_id == Task.id)
        .where(tasks_in(Task.id, scope))
    )
    if not with_stored:
        return [Head(tid, pid, digest, *_NONE) for tid, pid, digest in rows_of(query)]
    stored = _STORED.alias("stored")
    query = query.outerjoin(
        stored, sa.and_(stored.c.task_id == Task.id, stored.c.as_of == as_of)
    ).add_columns(
        stored.c.fingerprint,
        sa.type_coerce(stored.c.state, sa.String),
        stored.c.expected,
        stored.c.actual,
    )
    states = _STATES
    return [
        Head(tid, pid, digest, fingerprint, states[state] if state else None, expected, actual)
        for tid, pid, digest, fingerprint, state, expected, actual in rows_of(query)
    ]


_NONE = (None, None, None, None)
