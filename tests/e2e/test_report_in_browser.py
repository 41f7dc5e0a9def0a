"""End to end in a real browser: a lead unit reports, the office accepts, the ledger shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import TEST_HASH_METHOD
from tests.paths import SEEDS
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import ProgressReport, ReportStatus, Unit
from tracker.services import calendar as calendar_service
from tracker.services.users import create_user

PASSWORD = "browser-pass-1"
pytestmark = pytest.mark.e2e


@pytest.fixture
def cixi_users(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["plan", "import", str(SEEDS / "cixi-key-tasks.docx"), "--period", "2019-2025"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020])
        organisation = db.session.scalars(sa.select(Unit).where(Unit.name == "市委组织部")).one()
        create_user(
            "zzb",
            PASSWORD,
            Role.UNIT,
            unit=organisation,
            display_name="组织部填报员",
            hash_method=TEST_HASH_METHOD,
        )
        create_user(
            "office", PASSWORD, Role.OFFICE, display_name="产改办", hash_method=TEST_HASH_METHOD
        )
        db.session.commit()


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_unit_reports_and_office_accepts(
    app: Flask,
    cixi_users: None,
    live_server: str,
    browser,
    tmp_path: Path,
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server, "zzb")
    page.click("text=非公有制企业职工30人以上有党员")
    page.click("text=填报进度")
    page.select_option("#period", "2020Q3")
    page.fill("#value", "30.5")
    page.fill("#progress", "已在 120 家非公企业建立党组织。")
    page.click("button:has-text('提交')")
    assert page.locator(".flash-success").inner_text() == "已提交，等待改革办审核。"
    page.screenshot(path=str(tmp_path / "unit-task.png"), full_page=True)
    page.click("text=退出")

    log_in(page, live_server, "office")
    page.click("text=非公有制企业职工30人以上有党员")
    page.check("input[value=accept]")
    page.click("button:has-text('提交审核')")
    # no cooperating unit has confirmed yet: the office is asked first (issue 12 §6)
    assert "还有配合单位未确认" in page.locator("h1").inner_text()
    page.click("button:has-text('仍然审核通过')")
    assert "已审核通过" in page.locator(".flash-success").inner_text()
    assert page.locator("#report-1, article.report").first.inner_text().count("已审核") >= 1
    # Not wait_for_function: its polling evaluates strings, which the pages' CSP forbids.
    width = page.locator("img.chart").evaluate(
        "img => img.complete ? img.naturalWidth"
        " : new Promise(done => { img.onload = () => done(img.naturalWidth); })"
    )
    assert width == 900
    page.close()

    with app.app_context():
        saved = db.session.scalars(sa.select(ProgressReport)).one()
        assert (saved.period, saved.value, saved.status) == ("2020Q3", 30.5, ReportStatus.ACCEPTED)
