"""GB/T 37668-2019 (WCAG 2.0 A/AA) in a real browser: axe-core over every page of every role.

The demo world is loaded; each role (office, leader, lead unit, cooperating unit, assessor,
admin) logs in and the test walks the site from the ledger, following every link to an HTML
page once per route shape (``/tasks/7`` and ``/tasks/8`` are one shape, so pages added later
are checked without being listed here). On each page axe-core runs with the ``wcag2a`` and
``wcag2aa`` tags at 1366 px and at 390 px wide; any violation fails the test. Failed form
submits (login, report) are checked too, with the error summary and the focus it receives.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask

from config.settings import TEST_HASH_METHOD
from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Contribution, ProgressReport, Task, User
from tracker.services.demo import DEMO_PASSWORD, load_demo
from tracker.services.users import create_user

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

WIDTHS = (1366, 390)
HEIGHT = 900
#: Pages per role at most (the demo has up to 21); more fails rather than going unchecked.
MAX_PAGES = 60
#: Links that are not pages: files, the chart image, logging out.
NOT_PAGES = re.compile(r"\.(png|xlsx|docx|pdf)$|^/(static|evidence|assessment/evidence)/|/logout$")
#: Where screenshots go; set TRACKER_A11Y_SHOTS to keep them.
SHOTS = os.environ.get("TRACKER_A11Y_SHOTS")
SHOT_SHAPES = {"/", "/plans/N", "/tasks/N", "/tasks/N/report", "/my", "/inbox/", "/login"}


@dataclass(frozen=True)
class Demo:
    """The demo's accounts by role name, and a task the lead unit reports on."""

    accounts: dict[str, str]
    report_task_id: int


@pytest.fixture
def demo(app: Flask) -> Demo:
    """Load the demo; the username of each role, keyed by role name. The lead unit leads
    a task with a submitted report waiting on a cooperating unit, whose reporter is the
    cooperating unit; an admin account is added unless the demo has one."""
    with app.app_context():
        load_demo(today(), app_settings.current())
        if db.session.scalar(sa.select(User.id).where(User.username == "admin")) is None:
            create_user("admin", DEMO_PASSWORD, Role.ADMIN, hash_method=TEST_HASH_METHOD)
        db.session.commit()
        request = db.session.scalars(
            sa.select(Contribution)
            .join(ProgressReport)
            .where(Contribution.status == "requested", ProgressReport.status == "submitted")
            .order_by(Contribution.id)
        ).first()
        assert request is not None
        lead = db.session.scalar(
            sa.select(User.username).where(User.unit_id == request.report.unit_id)
        )
        coop = db.session.scalar(sa.select(User.username).where(User.unit_id == request.unit_id))
        assert lead and coop
        task_id = request.report.task_id
    accounts = {
        "office": "office",
        "leader": "leader",
        "lead unit": lead,
        "cooperating unit": coop,
        "assessor": "assessor",
        "admin": "admin",
    }
    return Demo(accounts, task_id)


def shape(url: str) -> str:
    """A route's shape: the path with numbers as N, plus the names of its query keys."""
    parts = urlsplit(url)
    keys = sorted({key for key, value in parse_qsl(parts.query) if value})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def run_axe(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)  # not a script tag: the CSP forbids inline ones
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
                resultTypes: ['violations'],
            });
            return result.violations.map(v => ({
                id: v.id, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — '
                    + n.failureSummary.split('\\n').slice(0, 2).join(' ')),
                count: v.nodes.length,
            }));
        }"""
    )


def check_widths(page: Page, axe_source: str, label: str, found: list[str]) -> None:
    """Run axe at each width on the loaded page; add each violation to ``found``."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for violation in run_axe(page, axe_source):
            nodes = "\n      ".join(violation["nodes"])
            found.append(
                f"{label} @{width}px: {violation['id']} ({violation['count']}) "
                f"{violation['help']}\n      {nodes}"
            )
        name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        if SHOTS and shape(page.url) in SHOT_SHAPES:
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert urlsplit(page.url).path != "/login", f"{username} could not log in"


def check_skip_link(page: Page) -> None:
    """On a page without autofocus the first Tab stop is the skip link; it moves the
    focus to the main content."""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def crawl(page: Page, base: str) -> Iterator[str]:
    """Every HTML page reachable by links from the start page, one per route shape."""
    seen_shapes: set[str] = set()
    queue = deque([page.url])
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        if shape(url) in seen_shapes:
            continue
        seen_shapes.add(shape(url))
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        if page.url != url and shape(page.url) in seen_shapes:
            continue  # a redirect to a page already checked ("/" → the plan's ledger)
        seen_shapes.add(shape(page.url))
        visited += 1
        yield page.url
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if not target.startswith(base) or NOT_PAGES.search(parts.path):
                continue
            if shape(target) not in seen_shapes:
                queue.append(target)
    unvisited = {shape(url) for url in queue} - seen_shapes
    assert not unvisited, f"more than {MAX_PAGES} route shapes; not checked: {unvisited}"


def check_failed_forms(page: Page, base: str, axe_source: str, found: list[str]) -> None:
    """A failed login: errors tied to the fields, the summary focused, and axe clean."""
    page.goto(f"{base}/login")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_attribute("#username", "aria-invalid") == "true"
    described = page.get_attribute("#username", "aria-describedby") or ""
    assert described and page.locator(f"#{described.split()[0]}").inner_text()
    assert page.locator("#error-summary a[href='#username']").count() == 1
    check_widths(page, axe_source, "anonymous /login (failed)", found)


def check_failed_report(page, base: str, task_id: int, axe_source: str, found: list[str]) -> None:
    """The lead unit submits its report form without progress text: the page with errors
    passes axe, and the error summary has the focus."""
    page.goto(f"{base}/tasks/{task_id}/report")
    page.fill("#progress", "")
    page.click("button[value=submit]")
    page.wait_for_load_state()
    assert page.locator("#error-summary").count() == 1
    assert page.evaluate("document.activeElement.id") == "error-summary"
    check_widths(page, axe_source, "lead unit report form (failed)", found)


def test_every_page_of_every_role_passes_axe(
    axe_source: str, app: Flask, demo: Demo, live_server: str, browser: Browser
) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
    found: list[str] = []
    checked: list[str] = []
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT})
    page = context.new_page()
    check_failed_forms(page, live_server, axe_source, found)
    for role, username in demo.accounts.items():
        context.clear_cookies()
        log_in(page, live_server, username)
        for url in crawl(page, live_server):
            path = url.removeprefix(live_server)
            checked.append(f"{role} {shape(url)}")
            check_widths(page, axe_source, f"{role} {path}", found)
        check_skip_link(page)
        if role == "lead unit":
            check_failed_report(page, live_server, demo.report_task_id, axe_source, found)
    context.close()
    print(f"\naxe-core checked {len(checked)} page views at {WIDTHS}:", *checked, sep="\n  ")
    assert len(checked) >= 6 * 5, checked
    assert not found, f"{len(found)} WCAG 2.0 A/AA violations:\n" + "\n".join(found)


def test_task_charts_have_their_own_text_alternative(
    app: Flask, demo: Demo, live_server: str, browser: Browser
) -> None:
    """Two task pages: each chart's alt text names its own figures, and a table with the
    series the chart is drawn from sits beside it, collapsed."""
    with app.app_context():
        task_ids = list(db.session.scalars(sa.select(Task.id).order_by(Task.id).limit(2)))
    page = browser.new_page()
    log_in(page, live_server, "office")
    alts = []
    for task_id in task_ids:
        page.goto(f"{live_server}/tasks/{task_id}")
        alts.append(page.get_attribute("img.chart", "alt"))
        details = page.locator("details.chart-data")
        assert details.count() == 1 and details.get_attribute("open") is None
        assert details.locator("table th").count() >= 3
        assert details.locator("tbody tr").count() >= 1
        details.locator("summary").click()
        assert details.locator("table").is_visible()
        if SHOTS:
            details.screenshot(path=str(Path(SHOTS) / f"chart-data-{task_id}.png"))
    page.close()
    assert alts[0] != alts[1]
    assert all("目标" in alt and "序时进度" in alt and "状态：" in alt for alt in alts), alts
    print("\n".join(alts))
