"""Drafts are the unit's own until submitted (issue 12 §4): others see only "草稿中" on the
task page, in its history and in the API, and a 批示 cannot address a draft."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.functional.api_helpers import call, make_world
from tests.functional.helpers import add_user, form_fields, login, token
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Instruction, ProgressReport

SECRET = "尚未核实的草稿文字"


def _draft(app: Flask, task_id: int) -> int:
    writer = app.test_client()
    login(writer, "lead")
    url = f"/tasks/{task_id}/report"
    fields = form_fields(writer.get(url).text) | {
        "value": "1000000000",
        "progress": SECRET,
        "action": "draft",
    }
    assert writer.post(url, data=fields).status_code == 302
    page = writer.get(f"/tasks/{task_id}").text
    assert SECRET in page and "继续编辑草稿" in page  # the unit sees its own draft
    with app.app_context():
        return db.session.scalars(sa.select(ProgressReport.id)).one()


def test_others_see_a_draft_only_as_being_written(app: Flask, runner: FlaskCliRunner) -> None:
    (cixi, keys) = make_world(app, runner)
    add_user(app, "admin", Role.ADMIN)
    report_id = _draft(app, cixi.task_id)

    for username in ("office", "leader", "coop", "admin"):
        reader = app.test_client()
        login(reader, username)
        page = reader.get(f"/tasks/{cixi.task_id}").text
        assert "草稿中" in page, username
        assert SECRET not in page and "1000000000" not in page, username
        assert "完成值 " not in page and "1e+09" not in page, username

    for username in ("office", "leader", "coop"):
        listed = call(app.test_client(), "GET", f"/tasks/{cixi.task_id}/reports", keys[username])
        (shown,) = listed.json["reports"]
        assert shown["content_hidden"] is True and shown["value"] is None
        assert shown["progress"] == "" and shown["status"] == "draft"
        one = call(app.test_client(), "GET", f"/reports/{report_id}", keys[username])
        assert one.json["content_hidden"] is True and SECRET not in one.text
        history = call(app.test_client(), "GET", f"/tasks/{cixi.task_id}/history", keys[username])
        assert SECRET not in history.text and "1000000000" not in history.text
        assert any(e["content_hidden"] for e in history.json["entries"])

    own = call(app.test_client(), "GET", f"/reports/{report_id}", keys["lead"])
    assert own.json["content_hidden"] is False and own.json["progress"] == SECRET
    assert one.json["value_text"] is None and own.json["value_text"] == "1000000000%"


def test_a_submitted_report_is_shown_to_everyone(app: Flask, runner: FlaskCliRunner) -> None:
    (cixi, keys) = make_world(app, runner)
    report_id = _draft(app, cixi.task_id)
    submitted = call(app.test_client(), "POST", f"/reports/{report_id}/submit", keys["lead"], {})
    assert submitted.status_code == 200, submitted.json
    office = app.test_client()
    login(office, "office")
    page = office.get(f"/tasks/{cixi.task_id}").text
    assert SECRET in page and "草稿中" not in page


def test_an_instruction_cannot_address_a_draft(app: Flask, runner: FlaskCliRunner) -> None:
    (cixi, _keys) = make_world(app, runner)
    report_id = _draft(app, cixi.task_id)
    leader = app.test_client()
    login(leader, "leader")
    page = leader.get(f"/tasks/{cixi.task_id}").text
    assert f'<option value="{report_id}"' not in page  # not offered

    response = leader.post(
        f"/tasks/{cixi.task_id}/instructions",
        data={"csrf_token": token(leader), "text": "请加快", "report_id": str(report_id)},
        follow_redirects=True,
    )

    assert "这份填报还是草稿，尚未报送，不能针对它作批示" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 0
    on_task = leader.post(
        f"/tasks/{cixi.task_id}/instructions",
        data={"csrf_token": token(leader), "text": "请加快", "report_id": ""},
    )
    assert on_task.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 1


def test_the_service_refuses_an_instruction_on_a_draft(app: Flask, runner: FlaskCliRunner) -> None:
    """The rule lives in the service, so the API (and any later route) keeps it."""
    import pytest

    from tracker.models import User
    from tracker.services import instructions
    from tracker.services.errors import ServiceError

    (cixi, _keys) = make_world(app, runner)
    report_id = _draft(app, cixi.task_id)
    with app.app_context():
        report = db.session.get(ProgressReport, report_id)
        leader = db.session.scalars(sa.select(User).where(User.username == "leader")).one()
        assert report is not None
        with pytest.raises(ServiceError) as refused:
            instructions.write_instruction(report.task, leader, "请加快", report)
        assert refused.value.field == "report_id"
        db.session.rollback()
