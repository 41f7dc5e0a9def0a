"""Every plan's ledger end to end (``GET /api/v1/tasks`` without ``plan``), at a cost that
does not grow with the plans (issue 14 §3).

The plans holding a matching task and how many each holds are one grouped query — live
tasks, narrowed by unit (the filter's and, for a unit user, its own) and by category; with
a state filter, their stored states of the day (the scan's result, which the ledger reads
too), and a plan that has none yet counts its own ledger. The page is then laid over the
plans, newest plan first, and only the plans it overlaps build their ledger
(:func:`~tracker.services.ledger.build_ledger`, one or two of its pages each): at most one
plan per row of the page, whatever the number of plans.

A task whose facts moved on since the day's scan is counted by its stored state but shown
by its fresh one in its plan's ledger: until the next scan, a state-filtered listing may
leave such a task out or show a page a row short (each plan's own ledger, ``plan=``, is
exact).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from config.settings import LagThresholds
from tracker.extensions import db
from tracker.models import Measure, Task, TaskState, TaskUnit
from tracker.services.ledger import LedgerFilter, LedgerRow, build_ledger
from tracker.services.paging import PER_PAGE, clamped


@dataclass(frozen=True, slots=True)
class AcrossPage:
    """Page ``page`` of ``pages`` of every plan's matching tasks (``total`` in all)."""

    statuses: list[LedgerRow]
    page: int
    pages: int
    total: int


def plan_counts(filters: LedgerFilter, as_of: date, *, lag: LagThresholds) -> list[tuple[int, int]]:
    """``(plan_id, matching tasks)`` of every plan with at least one, newest plan first:
    one query; with a state filter two more, and a plan not yet scanned that day counts
    its own ledger's rows (:func:`~tracker.services.ledger.build_ledger`)."""
    query: sa.Select[int, int] = sa.select(Task.plan_id, sa.func.count(Task.id)).where(
        Task.archived_at.is_(None)
    )
    for unit_id in (filters.visible_unit_id, filters.unit_id):
        if unit_id is not None:
            linked = sa.select(TaskUnit.task_id).where(TaskUnit.unit_id == unit_id)
            query = query.where(Task.id.in_(linked.scalar_subquery()))
    if filters.category_id is not None:
        query = query.join(Measure, Measure.id == Task.measure_id).where(
            Measure.category_id == filters.category_id
        )
    query = query.group_by(Task.plan_id).order_by(Task.plan_id.desc())
    counts = [(plan_id, count) for plan_id, count in db.session.execute(query)]
    if filters.state is None:
        return counts
    stored = sa.and_(TaskState.task_id == Task.id, TaskState.as_of == as_of)
    by_state = query.join(TaskState, stored).where(TaskState.state == filters.state)
    in_state = {plan_id: count for plan_id, count in db.session.execute(by_state)}
    scanned = set(
        db.session.scalars(sa.select(TaskState.plan_id).where(TaskState.as_of == as_of).distinct())
    )
    found = [
        (
            plan_id,
            in_state.get(plan_id, 0)
            if plan_id in scanned
            else build_ledger(plan_id, as_of, filters, lag=lag, page_size=1).matching,
        )
        for plan_id, _ in counts
    ]
    return [(plan_id, count) for plan_id, count in found if count]


def every_plan_page(
    as_of: date,
    filters: LedgerFilter,
    page: int,
    *,
    lag: LagThresholds,
    per_page: int = PER_PAGE,
) -> AcrossPage:
    """Page ``page`` (clamped) of every plan's ledger as of ``as_of`` put end to end,
    ``per_page`` rows a page, each plan's rows in its ledger's order. Reads only."""
    counts = plan_counts(filters, as_of, lag=lag)
    total = sum(count for _, count in counts)
    page, pages = clamped(page, total, per_page)
    start, end = (page - 1) * per_page, page * per_page
    rows: list[LedgerRow] = []
    offset = 0
    for plan_id, count in counts:
        lo, hi = max(start, offset), min(end, offset + count)
        if lo < hi:
            rows += _rows(plan_id, as_of, filters, (lo - offset, hi - offset), lag, per_page)
        offset += count
        if offset >= end:
            break
    return AcrossPage(rows, page, pages, total)


def _rows(
    plan_id: int,
    as_of: date,
    filters: LedgerFilter,
    span: tuple[int, int],
    lag: LagThresholds,
    per_page: int,
) -> list[LedgerRow]:
    """Rows ``[lo, hi)`` of the plan's ledger, read from the (one or two) ledger pages
    that hold them; a page past the ledger's last is not read again."""
    lo, hi = span
    first, last = lo // per_page + 1, (hi - 1) // per_page + 1
    rows: list[LedgerRow] = []
    for number in range(first, last + 1):
        ledger = build_ledger(plan_id, as_of, filters, lag=lag, page=number, page_size=per_page)
        if ledger.page != number:
            break
        rows += ledger.statuses
    skip = lo - (first - 1) * per_page
    return rows[skip : skip + hi - lo]
