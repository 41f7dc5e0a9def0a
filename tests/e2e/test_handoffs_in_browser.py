"""Hand-offs end to end in a real browser (issue 12): the office returns a report from the
review queue and the unit finds the reason in 我的提醒 and resubmits; the office issues a
supervision notice by hand from the task page and the unit signs for it."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import TEST_HASH_METHOD
from tests.paths import SEEDS
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import ProgressReport, ReportStatus, SupervisionNotice, Task, Unit, User
from tracker.services import calendar as calendar_service
from tracker.services.reports import ReportInput, submit_report
from tracker.services.users import create_user

PASSWORD = "browser-pass-1"
TASK_TEXT = "非公有制企业职工30人以上有党员"
pytestmark = pytest.mark.e2e


@pytest.fixture
def world(app: Flask, runner: FlaskCliRunner) -> int:
    """The Cixi plan, 市委组织部's reporter (its head) with a submitted 2020Q3 report on
    the first task, and the office; the task's id."""
    result = runner.invoke(
        args=["plan", "import", str(SEEDS / "cixi-key-tasks.docx"), "--period", "2019-2025"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020])
        unit = db.session.scalars(sa.select(Unit).where(Unit.name == "市委组织部")).one()
        zzb = create_user("zzb", PASSWORD, Role.UNIT, unit=unit, display_name="组织部填报员",
                          hash_method=TEST_HASH_METHOD)  # fmt: skip
        zzb.is_unit_head = True
        create_user("office", PASSWORD, Role.OFFICE, display_name="产改办",
                    hash_method=TEST_HASH_METHOD)  # fmt: skip
        task = db.session.scalars(sa.select(Task).order_by(Task.id)).first()
        assert task is not None
        data = ReportInput(period="2020Q3", value=30.0, progress="三季度按计划推进")
        submit_report(task, unit, zzb, data, date(2020, 10, 12))
        db.session.commit()
        return task.id


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def log_out(page) -> None:
    page.click("text=退出")


def test_return_reaches_the_unit_which_resubmits(
    app: Flask, world: int, live_server: str, browser
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, live_server, "office")
    page.click("a[href='/review/reports']")
    assert page.locator("h1").inner_text().startswith("待审核填报")
    row = page.locator("tr[data-report-id]").first
    row.locator("summary:has-text('退回')").click()
    row.locator("textarea[name=reason]").fill("请补充各乡镇的党组织覆盖数据")
    row.locator("button:has-text('退回')").click()
    assert "已退回，已通知填报单位。" in page.locator(".flash-success").inner_text()
    log_out(page)

    log_in(page, live_server, "zzb")
    page.set_viewport_size({"width": 390, "height": 844})  # units read on their phones
    page.click("a[href='/notifications']")
    notification = page.locator("li.notification.unread").first
    assert "请补充各乡镇的党组织覆盖数据" in notification.inner_text()
    notification.locator(f"a:has-text('{TASK_TEXT}')").click()
    page.click("text=修改并重新提交")
    page.fill("#progress", "已补充各乡镇的党组织覆盖数据。")
    page.click("button:has-text('提交')")
    assert page.locator(".flash-success").inner_text() == "已提交，等待改革办审核。"
    log_out(page)

    log_in(page, live_server, "office")
    assert "（1）" in page.locator("a[href='/review/reports']").inner_text()
    page.close()
    with app.app_context():
        report = db.session.scalars(sa.select(ProgressReport)).one()
        assert report.status is ReportStatus.SUBMITTED
        assert report.progress == "已补充各乡镇的党组织覆盖数据。"


def test_a_notice_issued_by_hand_is_signed_by_the_unit(
    app: Flask, world: int, live_server: str, browser
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, live_server, "office")
    page.goto(f"{live_server}/tasks/{world}")
    page.click("text=发督办单")
    page.select_option("#period", "2020Q2")
    page.fill("#overdue_text", "2020年第二季度进度未按要求报送")
    page.click("button:has-text('发出督办单')")
    assert "已发出督办单" in page.locator(".flash-success").inner_text()
    log_out(page)

    log_in(page, live_server, "zzb")
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("a[href='/notifications']")
    notification = page.locator("li.notification.unread", has_text="督办单").first
    notification.locator("a:has-text('去办理')").click()
    page.click("button:has-text('签收')")
    assert "已签收督办单" in page.locator(".flash-success").inner_text()
    page.close()
    with app.app_context():
        notice = db.session.scalars(sa.select(SupervisionNotice)).one()
        signer = db.session.get(User, notice.acknowledged_by_id)
        assert notice.acknowledged_at is not None and signer is not None
        assert signer.username == "zzb"
