"""Leaders' instructions through the web: a leader writes one on the task page, the lead
unit sees it, others cannot write, an empty text is refused in Chinese, and the report
form's partial asks for the answers (issue 3 §7)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from tests.functional.helpers import (
    COOPERATING_UNITS,
    LEAD_UNIT,
    Cixi,
    add_user,
    import_cixi,
    location,
    login,
    token,
)
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEntry, Instruction, ProgressReport, ReportStatus, Task, User
from tracker.services import instructions

TEXT = "请牵头单位加快推进，年底前实现全覆盖。"


@pytest.fixture(scope="module")
def cixi(app: Flask, shared_db: None) -> Cixi:
    """The Cixi plan, a leader, the office, and users of the lead and a cooperating unit."""
    runner = app.test_cli_runner()
    plan = import_cixi(app, runner)
    add_user(app, "leader", Role.LEADER)
    add_user(app, "office", Role.OFFICE)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    add_user(app, "coop", Role.UNIT, COOPERATING_UNITS[0])
    return plan


def write(client: FlaskClient, task_id: int, text: str, report_id: str = "") -> str:
    """POST the instruction form; the redirect target."""
    response = client.post(
        f"/tasks/{task_id}/instructions",
        data={"csrf_token": token(client), "text": text, "report_id": report_id},
    )
    return location(response)


def count(app: Flask) -> int:
    """How many instructions are stored."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Instruction.id))) or 0


def add_report(app: Flask, task_id: int) -> int:
    """A submitted 2020Q3 report of the task's lead unit; its id."""
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert task is not None
        report = ProgressReport(
            task=task,
            unit=task.lead_units[0],
            period="2020Q3",
            period_end=date(2020, 9, 30),
            status=ReportStatus.SUBMITTED,
            value=30.0,
            progress="三季度按计划推进",
        )
        db.session.add(report)
        db.session.commit()
        return report.id


def test_leader_writes_and_the_lead_unit_sees_it(
    app: Flask, client: FlaskClient, cixi: Cixi
) -> None:
    """The leader's form is on the task page; the instruction shows there for the lead
    unit as 待答复 with a link to report, and is audited."""
    report_id = add_report(app, cixi.task_id)
    login(client, "leader")
    page = client.get(f"/tasks/{cixi.task_id}").text
    assert "领导批示" in page and "发送批示" in page and "暂无批示" in page

    assert write(client, cixi.task_id, f"  {TEXT}  ", str(report_id)) == f"/tasks/{cixi.task_id}"
    page = client.get(f"/tasks/{cixi.task_id}").text
    assert "批示已发送" in page and TEXT in page and "leader测试" in page
    assert "针对2020年第三季度填报" in page
    with app.app_context():
        stored = db.session.scalars(sa.select(Instruction)).one()
        assert (stored.text, stored.task_id, stored.report_id) == (TEXT, cixi.task_id, report_id)
        assert stored.author.username == "leader"
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.entity == "instructions")
        ).one()
        assert (entry.action, entry.task_id) == ("create", cixi.task_id)

    client.post("/logout", data={"csrf_token": token(client)})
    login(client, "lead")
    page = client.get(f"/tasks/{cixi.task_id}").text
    assert TEXT in page and "待答复" in page and "请在下次填报时答复" in page
    assert "发送批示" not in page


def test_unit_users_and_the_office_cannot_write(
    app: Flask, client: FlaskClient, cixi: Cixi
) -> None:
    """Only leaders write instructions: others get 403 and see no form."""
    for username in ("lead", "coop", "office"):
        login(client, username)
        assert "发送批示" not in client.get(f"/tasks/{cixi.task_id}").text
        response = client.post(
            f"/tasks/{cixi.task_id}/instructions",
            data={"csrf_token": token(client), "text": TEXT},
        )
        assert response.status_code == 403, username
        client.post("/logout", data={"csrf_token": token(client)})
    assert count(app) == 0


def test_no_card_without_instructions_for_non_leaders(client: FlaskClient, cixi: Cixi) -> None:
    """With no instruction, the task page of a non-leader has no 批示 card at all."""
    login(client, "office")
    page = client.get(f"/tasks/{cixi.task_id}").text
    assert "领导批示" not in page and 'id="instructions"' not in page


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "请填写批示内容"), ("   ", "请填写批示内容"), ("批" * 1001, "不能超过1000字")],
)
def test_bad_text_is_refused_in_chinese(
    app: Flask, client: FlaskClient, cixi: Cixi, text: str, message: str
) -> None:
    """An empty or over-long text: back to the task page with the reason, nothing stored."""
    login(client, "leader")
    assert write(client, cixi.task_id, text) == f"/tasks/{cixi.task_id}"
    page = client.get(f"/tasks/{cixi.task_id}").text
    assert message in page
    assert count(app) == 0


def test_a_report_of_another_task_is_refused(app: Flask, client: FlaskClient, cixi: Cixi) -> None:
    """The optional report must be one of this task's reports."""
    with app.app_context():
        other_task = db.session.scalar(
            sa.select(Task.id).where(Task.plan_id == cixi.plan_id, Task.id != cixi.task_id)
        )
    assert other_task is not None
    report_id = add_report(app, other_task)
    login(client, "leader")
    write(client, cixi.task_id, TEXT, str(report_id))
    assert "所选填报不属于此任务" in client.get(f"/tasks/{cixi.task_id}").text
    assert count(app) == 0


ANSWER_FORM = '<form method="post">{% include "instructions/_answer_fields.html" %}</form>'


def test_answer_fields_ask_for_each_open_instruction(app: Flask, cixi: Cixi) -> None:
    """The report form's partial: one textarea per open instruction, the text above it,
    typed answers kept when the form comes back; nothing when none is open."""
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        leader = db.session.scalar(sa.select(User).where(User.username == "leader"))
        assert task is not None and leader is not None
        instruction = instructions.write_instruction(task, leader, TEXT)
        db.session.commit()
        name = f"instruction-{instruction.id}"
        with app.test_request_context("/"):
            html = render_template_string(ANSWER_FORM, task=task)
        assert f'name="{name}"' in html and TEXT in html and "答复领导批示" in html
        assert html.index(TEXT) < html.index(f'name="{name}"')
        with app.test_request_context("/", method="POST", data={name: "已召开推进会"}):
            html = render_template_string(ANSWER_FORM, task=task)
            assert instructions.answers_from_form({"progress": "x", name: "已召开推进会"}) == {
                instruction.id: "已召开推进会"
            }
        assert "已召开推进会" in html

        other = db.session.scalar(sa.select(Task).where(Task.id != task.id).limit(1))
        with app.test_request_context("/"):
            assert "textarea" not in render_template_string(ANSWER_FORM, task=other)
