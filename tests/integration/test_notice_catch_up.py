"""Notices that find their cases (issue 12 §3): a reminder pass on any working day issues
the notice of each task and lead unit's latest report overdue by N working days that has
none yet — however many days were missed — tells the leader in charge once overdue by M,
and never twice; the steps are the plan's own, edited on its settings page."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.functional.helpers import LEAD_UNIT, Cixi, add_user, import_cixi, location, login
from tests.functional.helpers import token as csrf_token
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEntry, Plan, Reminder, SupervisionNotice, Unit, User
from tracker.services import calendar as calendar_service
from tracker.services.escalation_settings import EscalationSettings, update_escalation
from tracker.services.reminders import run_reminders


def setup(app: Flask, runner: FlaskCliRunner) -> Cixi:
    """The Cixi plan (no report ever filed), its calendar, the office, 市委组织部's head and
    its leader in charge."""
    cixi = import_cixi(app, runner)
    add_user(app, "office", Role.OFFICE)
    add_user(app, "head", Role.UNIT, LEAD_UNIT)
    add_user(app, "leader", Role.LEADER)
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020, 2021])
        leader = db.session.scalar(sa.select(User).where(User.username == "leader"))
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == LEAD_UNIT))
        assert leader is not None and unit is not None
        unit.leader_id = leader.id
        db.session.commit()
    return cixi


def notices_of(task_id: int) -> list[SupervisionNotice]:
    query = sa.select(SupervisionNotice).where(SupervisionNotice.task_id == task_id)
    return list(db.session.scalars(query.order_by(SupervisionNotice.id)))


def test_a_pass_weeks_late_issues_the_notices_owed_once(app: Flask, runner: FlaskCliRunner) -> None:
    """2020-11-20 is 27 working days after 2020Q3's due date: the first pass ever issues
    its notice (naming the earlier periods too) and tells the leader; a rerun, nothing."""
    cixi = setup(app, runner)
    with app.app_context():
        run_reminders(date(2020, 11, 20), app_settings.current())
        db.session.commit()
        (notice,) = notices_of(cixi.task_id)
        assert notice.period == "2020Q3" and notice.issued_on == date(2020, 11, 20)
        assert "至2020年第三季度共" in notice.overdue_text
        head = db.session.scalar(sa.select(User).where(User.username == "head"))
        leader = db.session.scalar(sa.select(User).where(User.username == "leader"))
        assert head is not None and leader is not None
        keys = set(db.session.scalars(sa.select(Reminder.key)))
        assert f"notice:report:task{cixi.task_id}:2020Q3:user{head.id}" in keys
        assert f"leader:report:task{cixi.task_id}:2020Q3:user{leader.id}" in keys
        count = db.session.scalar(sa.select(sa.func.count(SupervisionNotice.id)))
        reminders = db.session.scalar(sa.select(sa.func.count(Reminder.id)))

        run_reminders(date(2020, 11, 23), app_settings.current())
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(SupervisionNotice.id))) == count
        assert notices_of(cixi.task_id) == [notice]
        leader_words = db.session.scalars(
            sa.select(Reminder).where(Reminder.recipient_id == leader.id)
        ).all()
        assert len({r.key for r in leader_words}) == len(leader_words)
        assert (db.session.scalar(sa.select(sa.func.count(Reminder.id))) or 0) >= (reminders or 0)


def test_the_plans_steps_decide(app: Flask, runner: FlaskCliRunner) -> None:
    """With a notice only after 30 working days, 2020Q3 (27) waits; 2020Q2 is owed one."""
    cixi = setup(app, runner)
    with app.app_context():
        plan = db.session.get(Plan, cixi.plan_id)
        assert plan is not None
        update_escalation(plan, EscalationSettings("3,1", 30, 40, "慈督"), None)
        run_reminders(date(2020, 11, 20), app_settings.current())
        db.session.commit()
        (notice,) = notices_of(cixi.task_id)
        assert (notice.period == "2020Q2" and notice.number == "慈督〔2020〕1号") or (
            notice.period == "2020Q2" and notice.number.startswith("慈督〔2020〕")
        )


def test_the_office_edits_the_steps_on_the_settings_page(
    app: Flask, runner: FlaskCliRunner
) -> None:
    cixi = setup(app, runner)
    client = app.test_client()
    login(client, "office")
    url = f"/plans/{cixi.plan_id}/settings"
    page = client.get(url).text
    assert "催办与督办规则" in page and "逾期3个工作日发督办单（慈产改督〔年份〕N号）" in page
    fields = {
        "csrf_token": csrf_token(client),
        "before": "1，5",
        "notice_after_workdays": "4",
        "leader_after_workdays": "8",
        "notice_prefix": "慈产改办督",
    }
    saved = client.post(f"/plans/{cixi.plan_id}/escalation", data=fields)
    assert location(saved) == url
    page = client.get(url).text
    assert "催办与督办规则已保存。" in page
    assert (
        "截止前5、1个工作日提醒牵头单位；逾期4个工作日发督办单（慈产改办督〔年份〕N号），" in page
    )
    with app.app_context():
        plan = db.session.get(Plan, cixi.plan_id)
        assert plan is not None
        assert (plan.remind_before_workdays, plan.notice_after_workdays) == ("5,1", 4)
        assert db.session.scalar(
            sa.select(AuditEntry.id).where(AuditEntry.action == "update_escalation")
        )
    refused = client.post(
        f"/plans/{cixi.plan_id}/escalation",
        data=fields | {"leader_after_workdays": "2", "csrf_token": csrf_token(client)},
    )
    assert "报分管领导的天数不能少于发督办单的天数" in client.get(location(refused)).text
    bad = client.post(
        f"/plans/{cixi.plan_id}/escalation",
        data=fields | {"before": "五", "csrf_token": csrf_token(client)},
    )
    assert "截止前几个工作日提醒请填写用逗号分隔的整数" in client.get(location(bad)).text
