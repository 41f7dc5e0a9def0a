"""Phone width (issue 13 §5): the pages leaders and units use fit 390 × 844 px without
the page scrolling sideways (wide tables scroll inside their own box or become cards,
charts at the device's width, the menu not one character per line); the overview
passes axe at 390 px. Screenshots at 1366 and 390 px go to ``TRACKER_PHONE_SHOTS``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.e2e.test_accessibility import log_in, run_axe
from tracker import settings as app_settings
from tracker.clock import today
from tracker.extensions import db
from tracker.models import Contribution, ProgressReport, SupervisionNotice, User
from tracker.services.demo import load_demo

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("TRACKER_PHONE_SHOTS")


def _paths(app: Flask) -> dict[str, list[str]]:
    """The demo's pages per account: the leader's and the lead unit's."""
    with app.app_context():
        load_demo(today(), app_settings.current())
        db.session.commit()
        request = db.session.scalars(
            sa.select(Contribution)
            .join(ProgressReport)
            .where(ProgressReport.status == "submitted")
            .order_by(Contribution.id)
        ).first()
        assert request is not None
        task_id, unit_id = request.report.task_id, request.report.unit_id
        lead = db.session.scalar(sa.select(User.username).where(User.unit_id == unit_id))
        notice = db.session.scalars(sa.select(SupervisionNotice.id)).first()
        own_notice = db.session.scalars(
            sa.select(SupervisionNotice.id).where(SupervisionNotice.unit_id == unit_id)
        ).first()
        plan_id = db.session.scalar(sa.text("SELECT max(id) FROM plans"))
    assert lead
    common = ["/notifications", "/notices"]
    notice_page = [f"/notices/{notice}"] if notice else []  # the leader reads every notice
    own_notice_page = [f"/notices/{own_notice}"] if own_notice else []  # a unit, its own
    return {
        "leader": [
            "/dashboard",
            f"/plans/{plan_id}",
            f"/plans/{plan_id}/matrix",
            f"/tasks/{task_id}",
            *common,
            *notice_page,
        ],
        lead: ["/my", f"/tasks/{task_id}", f"/tasks/{task_id}/report", *common, *own_notice_page],
    }


def _overflow(page: Page) -> dict[str, object]:
    return page.evaluate(
        """() => {
            const root = document.scrollingElement;
            const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > innerWidth + 1
                        && !e.closest('.table-scroll'))
                .slice(0, 5).map(e => e.tagName + '.' + e.className);
            return {scroll: root.scrollWidth, inner: innerWidth, wide};
        }"""
    )


def _nav_lines(page: Page) -> int:
    """The tallest menu link in lines of text (1 when no label wraps)."""
    return int(
        page.evaluate(
            """() => Math.max(1, ...[...document.querySelectorAll('.topbar nav a')].map(a =>
                Math.round(a.getBoundingClientRect().height
                           / parseFloat(getComputedStyle(a).lineHeight || 20))))"""
        )
    )


def test_pages_fit_a_phone(app: Flask, live_server: str, browser: Browser, axe_source: str) -> None:
    """At 390 × 844 no page scrolls sideways, no menu label wraps; charts are at most the
    screen wide; the dashboard passes axe."""
    failures: list[str] = []
    for username, paths in _paths(app).items():
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        log_in(page, live_server, username)
        for path in paths:
            response = page.goto(live_server + path)
            assert response is not None and response.ok, f"{path}: {response and response.status}"
            found = _overflow(page)
            if int(str(found["scroll"])) > int(str(found["inner"])):
                failures.append(f"{username} {path}: {found}")
            if _nav_lines(page) > 1:
                failures.append(f"{username} {path}: a menu label wraps")
            for width in page.eval_on_selector_all(
                "img.chart, svg.trend-chart", "els => els.map(e => e.getBoundingClientRect().width)"
            ):
                if width > PHONE["width"]:
                    failures.append(f"{username} {path}: a chart is {width}px wide")
            if path == "/dashboard":
                failures += [f"axe {v['id']}: {v['nodes']}" for v in run_axe(page, axe_source)]
            _shoot(page, username, path)
        context.close()
    assert failures == []


def _shoot(page: Page, username: str, path: str) -> None:
    if not SHOTS:
        return
    name = (username + path).replace("/", "-")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 844})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(PHONE)
