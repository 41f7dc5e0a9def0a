"""Word on every hand-off (issue 12 §2), through the pages: whoever must act next finds it
at once in 我的提醒 (and in the next digest), exactly once — a report waiting for review or
approval, returned with its reason, a contribution requested, a 批示 and its answer, a
notice issued by hand and answered, an appeal filed and answered."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.functional.helpers import (
    COOPERATING_UNITS,
    LEAD_UNIT,
    Cixi,
    add_user,
    contribution_id,
    form_fields,
    import_cixi,
    location,
    login,
    token,
)
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Instruction, Plan, ProgressReport, Reminder, SupervisionNotice, User
from tracker.services.reminders import run_reminders


def setup(app: Flask, runner: FlaskCliRunner) -> Cixi:
    """The Cixi plan; a writer of the lead unit (its head), its approver, the office, a
    leader and a reporter of the first cooperating unit."""
    cixi = import_cixi(app, runner)
    add_user(app, "writer", Role.UNIT, LEAD_UNIT)
    add_user(app, "approver", Role.UNIT, LEAD_UNIT)
    add_user(app, "office", Role.OFFICE)
    add_user(app, "leader", Role.LEADER)
    add_user(app, "coop", Role.UNIT, COOPERATING_UNITS[0])
    with app.app_context():
        for user in db.session.scalars(sa.select(User)):
            user.is_unit_head = user.username == "writer"
            user.is_approver = user.username == "approver"
        db.session.commit()
    return cixi


def client_of(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def words(app: Flask, username: str, kind: str | None = None) -> list[Reminder]:
    """The user's notifications (of ``kind``), oldest first."""
    with app.app_context():
        query = (
            sa.select(Reminder)
            .join(User, User.id == Reminder.recipient_id)
            .where(User.username == username)
            .order_by(Reminder.id)
        )
        if kind is not None:
            query = query.where(Reminder.kind == kind)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def submit(
    client: FlaskClient, task_id: int, progress: str = "三季度按计划推进", **extra: str
) -> None:
    url = f"/tasks/{task_id}/report"
    fields = form_fields(client.get(f"{url}?period=2020Q3").text)
    fields |= {"period": "2020Q3", "value": "30", "progress": progress} | extra
    response = client.post(url, data=fields)
    assert response.status_code == 302, response.text


def report_id(app: Flask) -> int:
    with app.app_context():
        found = db.session.scalar(sa.select(ProgressReport.id).order_by(ProgressReport.id.desc()))
        assert found is not None
        return found


def test_return_reaches_the_unit_with_its_reason_and_the_resubmission_the_office(
    app: Flask, runner: FlaskCliRunner
) -> None:
    cixi = setup(app, runner)
    writer, office = client_of(app, "writer"), client_of(app, "office")
    submit(writer, cixi.task_id)
    report = report_id(app)

    (waiting,) = words(app, "office", "handoff_review_waiting")
    assert "市委组织部报送了2020年第三季度进度，等待改革办审核" in waiting.message
    assert waiting.link == "/review/reports" and waiting.read_at is None
    page = office.get("/notifications").text
    assert "等待改革办审核" in page and "（未读 1）" in page
    (asked,) = words(app, "coop", "handoff_contribution")
    with app.app_context():
        asked_id = contribution_id(report, COOPERATING_UNITS[0])
    assert asked.link == f"/contributions/{asked_id}" and "请确认本单位的配合情况" in asked.message

    returned = office.post(
        f"/review/reports/{report}/decide",
        data={"csrf_token": token(office), "decision": "return", "reason": "请补充佐证材料"},
    )
    assert location(returned) == "/review/reports"
    (word,) = words(app, "writer", "handoff_returned")
    assert "被改革办退回，理由：请补充佐证材料" in word.message
    assert "请补充佐证材料" in writer.get("/notifications").text
    assert words(app, "office", "handoff_review_waiting")[0].read_at is not None  # settled

    submit(writer, cixi.task_id, progress="已补充佐证材料")
    assert len(words(app, "office", "handoff_review_waiting")) == 2  # a new hand-off, once
    assert len(words(app, "writer", "handoff_returned")) == 1


def test_unit_approval_tells_the_approver_then_the_office(
    app: Flask, runner: FlaskCliRunner
) -> None:
    cixi = setup(app, runner)
    with app.app_context():
        plan = db.session.get(Plan, cixi.plan_id)
        assert plan is not None
        plan.unit_approval = True
        db.session.commit()
    writer, approver = client_of(app, "writer"), client_of(app, "approver")
    submit(writer, cixi.task_id)
    (waiting,) = words(app, "approver", "handoff_approval_waiting")
    assert "等待本单位审批" in waiting.message
    queue = approver.get("/review/reports")
    assert queue.status_code == 200 and f'data-report-id="{report_id(app)}"' in queue.text
    assert '待本单位审批<span class="count">（1）</span>' in queue.text
    assert words(app, "office") == []

    approver.post(
        f"/reports/{report_id(app)}/approve",
        data={"csrf_token": token(approver), "decision": "accept"},
    )
    assert len(words(app, "office", "handoff_review_waiting")) == 1
    assert words(app, "approver", "handoff_approval_waiting")[0].read_at is not None


def test_instruction_reaches_the_lead_unit_and_its_answer_the_leader(
    app: Flask, runner: FlaskCliRunner
) -> None:
    cixi = setup(app, runner)
    leader, writer = client_of(app, "leader"), client_of(app, "writer")
    leader.post(
        f"/tasks/{cixi.task_id}/instructions",
        data={"csrf_token": token(leader), "text": "请加快推进，年底前全覆盖"},
    )
    (word,) = words(app, "writer", "handoff_instruction")
    assert "作出批示：「请加快推进，年底前全覆盖」" in word.message
    with app.app_context():
        instruction = db.session.scalars(sa.select(Instruction)).one()
        field = f"instruction-{instruction.id}"
    submit(writer, cixi.task_id, **{field: "已召开推进会，年底前完成"})
    (answer,) = words(app, "leader", "handoff_instruction_answered")
    assert "市委组织部答复了您的批示" in answer.message and "已召开推进会" in answer.message
    assert "已召开推进会" in leader.get("/notifications").text


def test_a_notice_by_hand_reaches_the_head_and_the_office_and_its_answer_the_office(
    app: Flask, runner: FlaskCliRunner
) -> None:
    cixi = setup(app, runner)
    office, writer = client_of(app, "office"), client_of(app, "writer")
    form = office.get(f"/tasks/{cixi.task_id}/notice?period=2020Q3")
    assert form.status_code == 200 and "2020年第三季度进度未按要求报送" in form.text
    fields = form_fields(form.text) | {"overdue_text": "2020年第三季度进度逾期未报"}
    issued = office.post(f"/tasks/{cixi.task_id}/notice", data=fields)
    with app.app_context():
        notice = db.session.scalars(sa.select(SupervisionNotice)).one()
        notice_id, number = notice.id, notice.number
    assert location(issued) == f"/notices/{notice_id}"
    (head,) = words(app, "writer", "notice")
    assert number in head.message and head.link == f"/notices/{notice_id}"
    assert head.key.startswith(f"notice:report:task{cixi.task_id}:2020Q3:")  # the pass's key
    assert words(app, "approver", "notice") == []  # the head only
    (office_word,) = words(app, "office", "handoff_notice_issued")
    assert number in office_word.message

    again = office.post(f"/tasks/{cixi.task_id}/notice", data=fields)
    assert again.status_code == 200 and f"已就此事项向市委组织部发出督办单{number}" in again.text

    writer.post(
        f"/notices/{notice_id}/answer", data={"csrf_token": token(writer), "answer": "已补报"}
    )
    (answered,) = words(app, "office", "handoff_notice_answered")
    assert number in answered.message and "已补报" in answered.message


def test_each_word_is_stored_once_and_goes_out_in_the_next_digest(
    app: Flask, runner: FlaskCliRunner
) -> None:
    cixi = setup(app, runner)
    submit(client_of(app, "writer"), cixi.task_id)
    with app.app_context():
        first = run_reminders(date(2026, 12, 1), app_settings.current())
        db.session.commit()
        office_digest = next(d for d in first.digests if d.recipient.username == "office")
        assert "等待改革办审核" in office_digest.body
        run_reminders(date(2026, 12, 2), app_settings.current())
        db.session.commit()
        keys = list(db.session.scalars(sa.select(Reminder.key)))
    assert len(keys) == len(set(keys))
    assert len(words(app, "office", "handoff_review_waiting")) == 1


def test_notifications_page_pages_by_fifty_and_marks_all_read(
    app: Flask, runner: FlaskCliRunner
) -> None:
    setup(app, runner)
    with app.app_context():
        office = db.session.scalar(sa.select(User).where(User.username == "office"))
        assert office is not None
        for n in range(120):
            db.session.add(
                Reminder(key=f"t:{n}", recipient_id=office.id, kind="overdue",
                         message=f"事项{n:03d}", as_of=date(2020, 11, 20))
            )  # fmt: skip
        db.session.commit()
    client = client_of(app, "office")
    first = client.get("/notifications").text
    assert first.count('data-notification-id="') == 50 and "第 1 / 3 页（共 120 条）" in first
    assert "事项119" in first and "事项069" not in first
    third = client.get("/notifications?page=3").text
    assert third.count('data-notification-id="') == 20 and "事项000" in third
    done = client.post("/notifications/read-all", data={"csrf_token": token(client)})
    assert location(done) == "/notifications"
    page = client.get("/notifications").text
    assert "已将120条提醒标为已读。" in page and "（未读 0）" in page
    assert client.get("/notifications?unread=1").text.count('data-notification-id="') == 0
