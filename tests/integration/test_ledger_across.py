"""Every plan's ledger end to end (``GET /api/v1/tasks`` without ``plan``, issue 14 §3):
its pages are the plans' own ledgers put end to end, newest plan first, and a page costs
the same statements with three plans as with six.

World: the Cixi plan with accepted reports and two copies of it, scanned once (each
module of the suite builds its own)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.functional.helpers import LEAD_UNIT, unit_id
from tests.integration.test_scan_scale import DAY, LAG, copy_tasks, counted, new_plan
from tests.integration.test_scan_scale import world as scan_world  # noqa: F401
from tracker.domain.lag import LagState
from tracker.extensions import db
from tracker.models import Plan
from tracker.services.ledger import LedgerFilter, build_ledger
from tracker.services.ledger_across import every_plan_page
from tracker.services.scan import run_scan

PER_PAGE = 20


@pytest.fixture(scope="module")
def plans(app: Flask, scan_world: dict[str, int]) -> list[int]:  # noqa: F811
    """The world's plans, scanned as of the day."""
    with app.app_context():
        run_scan(DAY, lag=LAG)
        db.session.commit()
        return list(db.session.scalars(sa.select(Plan.id).order_by(Plan.id.desc())))


def _end_to_end(plan_ids: list[int], filters: LedgerFilter) -> list[int]:
    return [
        row.task.id
        for plan_id in plan_ids
        for row in build_ledger(plan_id, DAY, filters, lag=LAG, page_size=None).statuses
    ]


def _paged(filters: LedgerFilter) -> tuple[list[int], int]:
    first = every_plan_page(DAY, filters, 1, lag=LAG, per_page=PER_PAGE)
    ids = [row.task.id for row in first.statuses]
    for number in range(2, first.pages + 1):
        page = every_plan_page(DAY, filters, number, lag=LAG, per_page=PER_PAGE)
        assert page.page == number and page.total == first.total
        ids += [row.task.id for row in page.statuses]
    return ids, first.total


def test_the_pages_are_every_plans_ledger_end_to_end(app_ctx: Flask, plans: list[int]) -> None:
    """Unfiltered, by a unit, as a unit user and by state: pages of 20 rows that cross
    plans and the plans' own pages of 50 give each plan's ledger, newest plan first."""
    lead = unit_id(app_ctx, LEAD_UNIT)
    checked = 0
    for filters in (
        LedgerFilter(),
        LedgerFilter(unit_id=lead),
        LedgerFilter(visible_unit_id=lead),
        *(LedgerFilter(state=state) for state in LagState),
    ):
        expected = _end_to_end(plans, filters)
        ids, total = _paged(filters)
        assert (ids, total) == (expected, len(expected)), filters
        checked += bool(expected)
    assert checked >= 4  # the unit's tasks and at least two states are present
    past = every_plan_page(DAY, LedgerFilter(), 999, lag=LAG, per_page=PER_PAGE)
    assert past.page == past.pages and past.statuses


def test_a_page_costs_the_same_with_twice_the_plans(app_ctx: Flask, plans: list[int]) -> None:
    def statements() -> int:
        every_plan_page(DAY, LedgerFilter(), 2, lag=LAG, per_page=PER_PAGE)  # warm caches
        db.session.expire_all()
        with counted() as seen:
            every_plan_page(DAY, LedgerFilter(), 2, lag=LAG, per_page=PER_PAGE)
        return len(seen)

    before = statements()
    for n in range(3):
        copy_tasks(plans[-1], new_plan(plans[-1], f"再副本{n}"))
    run_scan(DAY, lag=LAG)
    assert statements() == before
    db.session.rollback()
