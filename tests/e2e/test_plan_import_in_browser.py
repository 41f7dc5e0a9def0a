"""Issue 11 §1-2 in a real browser, from an empty database: the office imports the Cixi
table through the pages, revises it (one task removed, one schedule changed, one added)
keeping every report of the kept tasks, and imports another district's table after
saying which column is which. axe-core checks the preview pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from config.settings import TEST_HASH_METHOD
from tests.e2e.test_accessibility import run_axe
from tests.integration.test_plan_revision import other_district_table, revised_cixi
from tests.paths import SEEDS
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Plan, ProgressReport, Task, User
from tracker.services import reports
from tracker.services.users import create_user

PASSWORD = "browser-pass-1"
CIXI_DOCX = SEEDS / "cixi-key-tasks.docx"
pytestmark = pytest.mark.e2e


@pytest.fixture
def office(app: Flask) -> None:
    with app.app_context():
        create_user(
            "office", PASSWORD, Role.OFFICE, display_name="产改办", hash_method=TEST_HASH_METHOD
        )
        db.session.commit()


def log_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", "office")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def upload(page, path: Path) -> None:
    page.set_input_files("#file", str(path))
    page.click("button:has-text('上传并预览')")
    page.wait_for_load_state()


def no_violations(page, axe_source: str) -> None:
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert run_axe(page, axe_source) == [], (page.url, width)


def report_on_every_task(app: Flask) -> int:
    with app.app_context():
        user = db.session.scalars(sa.select(User)).one()
        tasks = db.session.scalars(sa.select(Task)).all()
        for task in tasks:
            reports.submit_report(
                task,
                task.lead_units[0],
                user,
                reports.ReportInput(period="2020Q3", value=10.0, progress="推进中"),
                date(2020, 10, 12),
            )
        db.session.commit()
        return len(tasks)


def test_office_imports_and_revises_cixi_in_the_browser(
    app: Flask, office: None, live_server: str, axe_source: str, browser, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server)
    page.click("text=导入责任分工表")
    upload(page, CIXI_DOCX)
    assert "共 57 项任务" in page.inner_text("main")
    no_violations(page, axe_source)
    page.fill("#period", "2019-2025")
    page.click("button:has-text('确认导入')")
    assert "已导入方案" in page.locator(".flash-success").inner_text()
    with app.app_context():
        plan_id = db.session.scalars(sa.select(Plan.id)).one()
    reported = report_on_every_task(app)

    path, removed, _changed, added = revised_cixi(tmp_path)
    page.goto(f"{live_server}/plans/{plan_id}")
    page.click("text=导入修订后的责任分工表")
    upload(page, path)
    assert "新增 1 项、修改 1 项、归档 1 项，55 项未变" in page.inner_text("main")
    no_violations(page, axe_source)
    page.click("button:has-text('确认修订')")
    assert "方案已修订" in page.locator(".flash-success").inner_text()
    ledger = page.inner_text("main")
    assert added in ledger and removed not in ledger
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ProgressReport.id))) == reported
    page.close()


def test_unknown_headers_are_chosen_in_the_browser(
    app: Flask, office: None, live_server: str, axe_source: str, browser, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server)
    page.goto(f"{live_server}/plans/import")
    header = ("编号", "民生事项", "推进安排", "主办", "协办")
    upload(page, other_district_table(tmp_path / "odd.xlsx", header))
    assert "指定各列" in page.inner_text("main")
    no_violations(page, axe_source)
    for index, role in enumerate(("ignore", "task", "schedule", "lead", "cooperating")):
        page.select_option(f"#columns-{index}", role)
    page.click("button:has-text('按此对应重新预览')")
    assert "共 2 项任务" in page.inner_text("main")
    page.fill("#period", "2021-2021")
    page.click("button:has-text('确认导入')")
    assert "已导入方案" in page.locator(".flash-success").inner_text()
    page.close()
