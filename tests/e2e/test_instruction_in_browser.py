"""The 批示 hand-off end to end in a real browser (issue 12 §2): a leader writes a 批示 on a
task, the lead unit finds it in 我的提醒 and answers it with its next report, and the leader
finds the answer in 我的提醒 and on the task page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import TEST_HASH_METHOD
from tests.e2e.test_handoffs_in_browser import PASSWORD, log_in, log_out
from tests.paths import SEEDS
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Instruction, Task, Unit
from tracker.services import calendar as calendar_service
from tracker.services.users import create_user

INSTRUCTION = "请加快非公企业党组织覆盖，年底前拿出专项方案"
ANSWER = "已制定专项方案，12月起分片推进"
pytestmark = pytest.mark.e2e


@pytest.fixture
def world(app: Flask, runner: FlaskCliRunner) -> int:
    """The Cixi plan, 市委组织部's reporter and a leader; the first task's id."""
    result = runner.invoke(
        args=["plan", "import", str(SEEDS / "cixi-key-tasks.docx"), "--period", "2019-2025"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020])
        unit = db.session.scalars(sa.select(Unit).where(Unit.name == "市委组织部")).one()
        create_user("zzb", PASSWORD, Role.UNIT, unit=unit, display_name="组织部填报员",
                    hash_method=TEST_HASH_METHOD)  # fmt: skip
        create_user("leader", PASSWORD, Role.LEADER, display_name="分管领导",
                    hash_method=TEST_HASH_METHOD)  # fmt: skip
        task = db.session.scalars(sa.select(Task).order_by(Task.id)).first()
        assert task is not None
        db.session.commit()
        return task.id


def test_an_instruction_is_answered_and_the_leader_reads_the_answer(
    app: Flask, world: int, live_server: str, browser
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, live_server, "leader")
    page.goto(f"{live_server}/tasks/{world}")
    page.fill("#instruction-text", INSTRUCTION)
    page.click("button:has-text('发送批示')")
    assert page.locator(".flash-success").count() == 1
    log_out(page)

    log_in(page, live_server, "zzb")
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("a[href='/notifications']")
    word = page.locator("li.notification.unread", has_text=INSTRUCTION[:10]).first
    assert word.count() == 1
    page.goto(f"{live_server}/tasks/{world}/report")
    page.fill("#value", "30")
    page.fill("#progress", "四季度推进非公企业党组织覆盖。")
    answer_box = page.locator("fieldset.instruction-answers textarea").first
    answer_box.fill(ANSWER)
    page.click("button:has-text('提交')")
    if page.locator("input[name=confirm_value], input[name=confirm_carryover]").count():
        for box in page.locator("input[name=confirm_value], input[name=confirm_carryover]").all():
            box.check()
        page.locator("fieldset.instruction-answers textarea").first.fill(ANSWER)
        page.click("button:has-text('提交')")
    assert page.locator(".flash-success").count() == 1, page.content()
    log_out(page)

    log_in(page, live_server, "leader")
    page.goto(f"{live_server}/notifications")
    answered = page.locator("li.notification", has_text="答复").first
    assert answered.count() == 1
    page.goto(f"{live_server}/tasks/{world}")
    card = page.locator("#instructions")
    assert ANSWER in card.locator(".instruction-answer").inner_text()
    assert card.locator(".badge-green", has_text="已答复").count() == 1
    page.close()
    with app.app_context():
        instruction = db.session.scalars(sa.select(Instruction)).one()
        assert instruction.answer == ANSWER and instruction.answer_report_id is not None
        assert instruction.answered_at is not None
