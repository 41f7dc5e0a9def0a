"""End to end in a real browser (issue 11): the office adds a unit and a user, imports the
national rubric through the preview, and maps two tasks on the mapping page, which keeps
its place after each click."""

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
from tracker.models import IndicatorSet, Task, TaskIndicator, Unit, User
from tracker.services.users import create_user

PASSWORD = "browser-pass-1"
pytestmark = pytest.mark.e2e


@pytest.fixture
def office(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["plan", "import", str(SEEDS / "cixi-key-tasks.docx"), "--period", "2019-2025"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        create_user(
            "office", PASSWORD, Role.OFFICE, display_name="产改办", hash_method=TEST_HASH_METHOD
        )
        db.session.commit()


def test_office_adds_people_imports_the_rubric_and_maps_tasks(
    app: Flask, office: None, live_server: str, browser, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server}/login")
    page.fill("#username", "office")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")

    page.click("nav >> text=单位与用户")
    page.click("text=新增单位")
    page.fill("#name", "市产改办")
    page.select_option("#kind", "department")
    page.fill("#aliases", "慈溪市产改办")
    page.click("button:has-text('保存')")
    assert "已新增单位「市产改办」" in page.locator(".flash-success").inner_text()

    page.goto(f"{live_server}/admin/users/new")
    page.fill("#username", "gaiban")
    page.fill("#display_name", "产改办干部")
    page.select_option("#role", "unit")
    page.select_option("#unit_id", label="市产改办")
    page.fill("#email", "gaiban@example.org")
    page.click("button:has-text('保存')")
    password = page.locator("#one-time-password").inner_text()
    assert len(password) >= 12

    page.goto(f"{live_server}/assessment/import")
    page.set_input_files("#file", str(SEEDS / "national-assessment-rubric.docx"))
    page.click("button:has-text('预览')")
    assert "指标 88 项 · 共 1000 分" in page.locator(".preview-summary").inner_text()
    page.select_option("#plan_id", index=1)
    page.click("button:has-text('确认导入')")
    assert "指标体系已导入" in page.locator(".flash-success").inner_text()
    assert "未能对应、请核对" in page.content()
    page.screenshot(path=str(tmp_path / "set-units.png"), full_page=True)

    with app.app_context():
        set_id = db.session.scalars(sa.select(IndicatorSet.id)).one()
        plan_id, first, second = _two_tasks()
    page.goto(f"{live_server}/assessment/{set_id}/mapping?plan={plan_id}")
    for task_id in (first, second):
        row = page.locator(f"#task-{task_id}")
        assert "任务与指标都提到" in row.inner_text()
        row.locator("td:nth-child(3) button").first.click()
        assert page.url.endswith(f"#task-{task_id}")
        assert "已将任务对应到指标" in page.locator(".flash-success").inner_text()
    page.screenshot(path=str(tmp_path / "mapping.png"), full_page=True)

    with app.app_context():
        mapped = set(db.session.scalars(sa.select(TaskIndicator.task_id)))
        assert mapped == {first, second}
        unit = db.session.scalars(sa.select(Unit).where(Unit.name == "市产改办")).one()
        user = db.session.scalars(sa.select(User).where(User.username == "gaiban")).one()
        assert [a.alias for a in unit.aliases] == ["慈溪市产改办"]
        assert user.unit_id == unit.id and user.must_change_password


def _two_tasks() -> tuple[int, int, int]:
    tasks = db.session.scalars(sa.select(Task).order_by(Task.id).limit(6)).all()
    return tasks[0].plan_id, tasks[0].id, tasks[5].id
