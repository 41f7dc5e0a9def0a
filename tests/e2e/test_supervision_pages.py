"""The supervision pages in a real browser (issue 15): axe-core (WCAG 2.0 A/AA) at 1366 and
390 px on every supervision page of the demo for the office, a leader and an inspected
unit; at 390 px nothing but the wide tables' own scroll regions is wider than the phone;
the team records a finding on a phone, a failed submit included."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.e2e.test_accessibility import check_widths, log_in
from tracker import settings as app_settings
from tracker.clock import today
from tracker.extensions import db
from tracker.models import Debriefing, Inspection, Problem, Task, User
from tracker.services.demo import load_demo

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _paths(app: Flask) -> tuple[dict[str, list[str]], str]:
    """The supervision pages each role opens, and the inspected unit's username."""
    with app.app_context():
        load_demo(today(), app_settings.current())
        db.session.commit()
        inspection = db.session.scalars(sa.select(Inspection)).one()
        problem = db.session.scalars(sa.select(Problem).order_by(Problem.id)).first()
        debriefing = db.session.scalars(sa.select(Debriefing)).one()
        closed = db.session.scalars(sa.select(Task).where(Task.closed_at.is_not(None))).one()
        assert problem is not None
        unit_user = db.session.scalar(
            sa.select(User.username).where(User.unit_id == problem.unit_id)
        )
        assert unit_user is not None
        common = [
            "/inspections",
            f"/inspections/{inspection.id}",
            "/problems",
            "/problems?overdue=1",
            f"/problems/{problem.id}",
            "/debriefings",
            f"/debriefings/{debriefing.id}",
        ]
        office = [*common, "/closed-tasks", f"/tasks/{closed.id}/closing",
                  f"/tasks/{inspection.items[0].task_id}/closing"]  # fmt: skip
        return {"office": office, "leader": common, unit_user: common}, unit_user


def _wider_than_the_phone(page: Page) -> list[str]:
    """Elements reaching beyond 390 px, outside a scroll region of their own."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 391
                      && !e.closest('.table-scroll'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )


def test_supervision_pages_pass_axe_and_fit_a_phone(
    axe_source: str, app: Flask, live_server: str, browser: Browser
) -> None:
    paths, _ = _paths(app)
    found: list[str] = []
    too_wide: list[str] = []
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    for username, role_paths in paths.items():
        context.clear_cookies()
        log_in(page, live_server, username)
        for path in role_paths:
            response = page.goto(live_server + path)
            assert response is not None and response.ok, (username, path)
            check_widths(page, axe_source, f"{username} {path}", found)
            page.set_viewport_size(PHONE)
            too_wide += [f"{username} {path}: {e}" for e in _wider_than_the_phone(page)]
            page.set_viewport_size({"width": 1366, "height": 900})
    context.close()
    assert not found, "\n".join(found)
    assert not too_wide, "\n".join(too_wide)


def test_the_team_records_a_finding_on_a_phone(
    axe_source: str, app: Flask, live_server: str, browser: Browser
) -> None:
    paths, _ = _paths(app)
    inspection_path = paths["office"][1]
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server, "office")
    page.goto(live_server + inspection_path)
    page.fill("#description", "   ")  # passes the browser's check, not the server's
    page.click("#finding-title ~ form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#error-summary").count() == 1
    found: list[str] = []
    check_widths(page, axe_source, "office finding (failed)", found)
    page.set_viewport_size(PHONE)
    page.fill("#description", "企业职工书屋未建成")
    page.fill("#deadline_workdays", "10")
    page.click("#finding-title ~ form button[type=submit]")
    page.wait_for_load_state()
    assert "已记录督查发现的问题" in page.content()
    page.close()
    assert not found, "\n".join(found)
