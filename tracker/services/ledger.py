"""The ledger (台账): a plan's tasks with their lag states, filtered and paged.

The states come from :func:`tracker.services.task_states.current_states` (the scan's
stored rows, fresh only where a task's facts moved on since), the unit and category
filters are SQL, and only one page of tasks is loaded as objects, so a page costs the
same number of queries for a plan of 50 tasks or of 10,000.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from config.settings import LagThresholds
from tracker.domain.lag import LagState
from tracker.extensions import db
from tracker.models import Category, Measure, Plan, Task, TaskState, TaskUnit, Unit
from tracker.services.errors import NotFound
from tracker.services.task_states import StateRow, fresh_states, stored_states
from tracker.services.tasks import units_of_plan

#: Tasks per ledger page.
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class LedgerFilter:
    """Filters of the ledger page; ``visible_unit_id`` limits a unit user to its tasks."""

    unit_id: int | None = None
    state: LagState | None = None
    category_id: int | None = None
    visible_unit_id: int | None = None


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """A task of the page (its units, milestones, measure and category loaded) and its
    lag state as of the ledger's day."""

    task: Task
    status: StateRow

    @property
    def state(self) -> LagState:
        """The task's lag state."""
        return self.status.state

    @property
    def expected(self) -> float | None:
        """Expected-to-date (序时进度), in the task's milestone unit."""
        return self.status.expected

    @property
    def actual(self) -> float | None:
        """The latest accepted value, in the task's milestone unit."""
        return self.status.actual

    def to_json(self) -> dict[str, object]:
        """``{"id", "state", "expected", "actual"}`` as ``scan --json`` prints per task."""
        return self.status.to_json()


@dataclass
class Ledger:
    """A plan, the page of rows that pass the filter, counts by state (of the tasks the
    user may see), filter choices (``units``, ``categories`` as ``(id, name)``) and
    paging: ``matching`` rows in ``pages`` pages."""

    plan: Plan
    as_of: date
    statuses: list[LedgerRow]
    counts: Counter[LagState] = field(default_factory=Counter)
    units: list[Unit] = field(default_factory=list)
    categories: list[tuple[int, str]] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    matching: int = 0


def _with_unit(query: sa.Select[Any], unit_id: int) -> sa.Select[Any]:
    linked = sa.select(TaskUnit.task_id).where(TaskUnit.unit_id == unit_id)
    return query.where(Task.id.in_(linked.scalar_subquery()))


def _stored(plan_id: int, as_of: date) -> sa.ColumnElement[bool]:
    """The join of a task of the plan to its stored state of ``as_of`` (the plan named,
    so that the rows are read on the plan's index of the day)."""
    return sa.and_(
        TaskState.task_id == Task.id, TaskState.plan_id == plan_id, TaskState.as_of == as_of
    )


def _in_state(state: LagState, fresh: dict[int, StateRow]) -> sa.ColumnElement[bool]:
    """A task in ``state``: its stored row says so, unless ``fresh`` holds it anew."""
    if not fresh:  # the usual case: no IN lists for the planner to see through
        return TaskState.state == state
    again = [tid for tid, row in fresh.items() if row.state is state]
    return sa.or_(
        sa.and_(TaskState.state == state, Task.id.not_in(list(fresh))), Task.id.in_(again)
    )


def build_ledger(
    plan_id: int,
    as_of: date,
    filters: LedgerFilter,
    *,
    lag: LagThresholds,
    page: int = 1,
    page_size: int | None = PAGE_SIZE,
) -> Ledger:
    """The ledger of one plan as of ``as_of`` under the thresholds ``lag``: page ``page``
    (from 1; past the last gives the last) of ``page_size`` rows, or every row when
    ``page_size`` is None. Reads only. Raises NotFound for an unknown plan.

    States are the scan's stored rows, read, counted and filtered in SQL; only the tasks
    whose row is missing or older than their facts are assessed afresh
    (:func:`~tracker.services.task_states.fresh_states`) and override their rows, so a
    page costs the same queries for a plan of 50 tasks or of 10,000."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的实施方案")
    fresh = fresh_states(plan_id, as_of, lag=lag)
    visible: sa.Select[Any] = sa.select(Task.id).where(
        Task.plan_id == plan_id, Task.archived_at.is_(None)
    )
    if filters.visible_unit_id is not None:
        visible = _with_unit(visible, filters.visible_unit_id)
    counts = _counts(plan_id, as_of, fresh, visible, filters.visible_unit_id)
    matching = visible
    if filters.unit_id is not None:
        matching = _with_unit(matching, filters.unit_id)
    if filters.category_id is not None:
        matching = matching.join(Measure, Measure.id == Task.measure_id).where(
            Measure.category_id == filters.category_id
        )
    narrowed = matching is not visible
    if filters.state is not None:
        matching = matching.outerjoin(TaskState, _stored(plan_id, as_of)).where(
            _in_state(filters.state, fresh)
        )
    if narrowed:
        found = _count(matching)
    else:  # the counts by state say how many match already
        found = counts[filters.state] if filters.state else sum(counts.values())
    size = page_size or max(found, 1)
    pages = max(1, -(-found // size))
    page = min(max(page, 1), pages)
    shown = list(
        db.session.scalars(
            matching.order_by(Task.position, Task.id).offset((page - 1) * size).limit(size)
        )
    )
    states = {**stored_states(plan_id, as_of, shown), **fresh}
    return Ledger(
        plan=plan,
        as_of=as_of,
        statuses=[LedgerRow(task, states[task.id]) for task in _tasks(shown)],
        counts=counts,
        units=units_of_plan(plan.id),
        categories=_categories(plan.id),
        total=sum(counts.values()),
        page=page,
        pages=pages,
        matching=found,
    )


def _count(query: sa.Select[Any]) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def _counts(
    plan_id: int,
    as_of: date,
    fresh: dict[int, StateRow],
    visible: sa.Select[Any],
    unit_id: int | None,
) -> Counter[LagState]:
    """Tasks by state among ``visible`` (the plan's live tasks, of the unit ``unit_id``
    when given): their stored rows of ``as_of`` grouped in SQL, those of ``fresh``
    counted by their new state.

    The rows are counted on the plan's index of the day without joining the tasks: the
    archived tasks (few, on their own partial index) are left out by their ids."""
    archived = sa.select(Task.id).where(Task.plan_id == plan_id, Task.archived_at.is_not(None))
    stored = (
        sa.select(TaskState.state, sa.func.count())
        .where(
            TaskState.plan_id == plan_id,
            TaskState.as_of == as_of,
            TaskState.task_id.not_in(archived.scalar_subquery()),
        )
        .group_by(TaskState.state)
    )
    if fresh:
        stored = stored.where(TaskState.task_id.not_in(list(fresh)))
    if unit_id is not None:
        linked = sa.select(TaskUnit.task_id).where(TaskUnit.unit_id == unit_id)
        stored = stored.where(TaskState.task_id.in_(linked.scalar_subquery()))
    counts: Counter[LagState] = Counter(dict(db.session.execute(stored).all()))
    if fresh:
        anew = db.session.scalars(visible.where(Task.id.in_(list(fresh))))
        counts.update(fresh[tid].state for tid in anew)
    return counts


def _categories(plan_id: int) -> list[tuple[int, str]]:
    """``(id, name)`` of the plan's categories in their order, for the filter: plain rows,
    since a province-wide plan may have a thousand of them."""
    query = (
        sa.select(Category.id, Category.name)
        .where(Category.plan_id == plan_id)
        .order_by(Category.position, Category.id)
    )
    return [(cid, name) for cid, name in db.session.execute(query)]


def _tasks(ids: list[int]) -> list[Task]:
    """The tasks ``ids`` in that order, with what a ledger row shows loaded."""
    if not ids:
        return []
    query = (
        sa.select(Task)
        .where(Task.id.in_(ids))
        .options(
            selectinload(Task.unit_links),
            selectinload(Task.milestones),
            joinedload(Task.measure).joinedload(Measure.category),
        )
    )
    found = {task.id: task for task in db.session.scalars(query)}
    return [found[tid] for tid in ids if tid in found]
