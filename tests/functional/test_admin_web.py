"""The settings pages: a plan's reporting rules and the holiday calendar, as the office,
the admin and a unit user see them; the ledger's warning for a year without holidays."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.helpers import add_user, form_fields, location, login, token
from tracker import settings as app_settings
from tracker.domain.periods import Cadence
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEntry, CalendarDay, Plan, Unit
from tracker.services import calendar as calendar_service

WARNING_2099 = "2099年尚无节假日数据，工作日暂按周一至周五计算"


@pytest.fixture
def plan_id(app: Flask) -> int:
    """A plan with no tasks and the default rules; no holiday data is stored."""
    with app.app_context():
        plan = Plan(name="测试实施方案", first_year=2019, last_year=2025)
        db.session.add(plan)
        db.session.add(Unit(name="市总工会"))
        db.session.commit()
        return plan.id


def _as(client: FlaskClient, app: Flask, role: Role, unit: str | None = None) -> None:
    add_user(app, role.value, role, unit)
    assert login(client, role.value).status_code == 302


def _plan(app: Flask, plan_id: int) -> Plan:
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        assert plan is not None
        db.session.expunge(plan)
        return plan


def _audit(app: Flask, entity: str) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [
            (e.action, e.before, e.after)
            for e in db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
            )
        ]


def test_office_changes_a_plans_due_rule(app: Flask, client: FlaskClient, plan_id: int) -> None:
    _as(client, app, Role.OFFICE)
    page = client.get(f"/plans/{plan_id}/settings")
    assert page.status_code == 200
    assert "每季度填报，期末后第5个工作日截止，逾期宽限0个工作日" in page.text
    assert "按半年" in page.text

    fields = form_fields(page.text) | {
        "cadence": "half_yearly",
        "report_due_workdays": "10",
        "overdue_grace_workdays": "2",
    }
    response = client.post(f"/plans/{plan_id}/settings", data=fields)
    assert location(response) == f"/plans/{plan_id}/settings"

    plan = _plan(app, plan_id)
    assert (plan.cadence, plan.report_due_workdays, plan.overdue_grace_workdays) == (
        Cadence.HALF_YEARLY,
        10,
        2,
    )
    [(action, before, after)] = _audit(app, "plans")
    assert action == "update_settings"
    assert json.loads(before)["report_due_workdays"] == 5
    assert json.loads(after)["report_due_workdays"] == 10
    shown = client.get(f"/plans/{plan_id}/settings").text
    assert "每半年填报，期末后第10个工作日截止，逾期宽限2个工作日" in shown
    assert "填报规则已保存" in shown
    assert "每半年填报" in client.get("/admin/plans").text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"report_due_workdays": "61"}, "须为0到60之间的整数"),
        ({"overdue_grace_workdays": "-1"}, "须为0到30之间的整数"),
        ({"contribution_due_workdays": "0"}, "须为1到60之间的整数"),
        ({"report_due_workdays": "五"}, "不是有效的整数"),
        ({"report_due_workdays": ""}, "请填写填报截止"),
        ({"cadence": "weekly"}, "不是有效的选择"),
    ],
)
def test_bad_settings_show_the_form_again(
    app: Flask, client: FlaskClient, plan_id: int, changes: dict[str, str], message: str
) -> None:
    _as(client, app, Role.OFFICE)
    fields = form_fields(client.get(f"/plans/{plan_id}/settings").text) | changes
    response = client.post(f"/plans/{plan_id}/settings", data=fields)
    assert response.status_code == 200
    assert message in response.text
    plan = _plan(app, plan_id)
    assert (plan.cadence, plan.report_due_workdays, plan.overdue_grace_workdays) == (
        Cadence.QUARTERLY,
        5,
        0,
    )
    assert _audit(app, "plans") == []


def test_unit_users_get_403(app: Flask, client: FlaskClient, plan_id: int) -> None:
    _as(client, app, Role.UNIT, "市总工会")
    assert client.get(f"/plans/{plan_id}/settings").status_code == 403
    assert client.get("/admin/plans").status_code == 403
    assert client.get("/admin/calendar").status_code == 403
    fields = {"csrf_token": token(client), "day": "2099-10-01", "kind": "holiday", "name": "x"}
    assert client.post("/admin/calendar", data=fields).status_code == 403
    page = client.get(f"/plans/{plan_id}").text
    assert "节假日日历" not in page and "填报规则" not in page


def test_admin_keeps_the_calendar_but_not_plan_settings(
    app: Flask, client: FlaskClient, plan_id: int
) -> None:
    _as(client, app, Role.ADMIN)
    assert client.get(f"/plans/{plan_id}/settings").status_code == 403
    page = client.get("/admin/calendar?year=2099")
    assert page.status_code == 200
    assert 'href="/admin/calendar"' in client.get(f"/plans/{plan_id}").text


def test_calendar_warns_for_an_unknown_year_and_adds_a_day(
    app: Flask, client: FlaskClient, plan_id: int
) -> None:
    _as(client, app, Role.OFFICE)
    page = client.get("/admin/calendar?year=2099")
    assert page.status_code == 200
    assert WARNING_2099 in page.text
    assert "确认该年节假日已录入完整" in page.text
    assert "从节假日库导入" not in page.text  # the library does not know 2099

    fields = {"csrf_token": token(client), "day": "2099-10-01", "kind": "holiday", "name": "国庆节"}
    response = client.post("/admin/calendar?year=2099", data=fields)
    assert location(response) == "/admin/calendar?year=2099"
    with app.app_context():
        stored = db.session.get(CalendarDay, date(2099, 10, 1))
        assert stored is not None and (stored.is_workday, stored.name) == (False, "国庆节")
    shown = client.get("/admin/calendar?year=2099").text
    assert "国庆节" in shown and "办公室录入" in shown and "已保存 2099-10-01" in shown

    response = client.post("/admin/calendar/2099/confirm", data={"csrf_token": token(client)})
    assert location(response) == "/admin/calendar?year=2099"
    assert WARNING_2099 not in client.get("/admin/calendar?year=2099").text

    response = client.post(
        "/admin/calendar/days/2099-10-01/delete", data={"csrf_token": token(client)}
    )
    assert location(response) == "/admin/calendar?year=2099"
    with app.app_context():
        assert db.session.get(CalendarDay, date(2099, 10, 1)) is None
    assert [action for action, _, _ in _audit(app, "calendar_days")] == ["create", "delete"]


def test_bad_day_shows_the_form_again(app: Flask, client: FlaskClient, plan_id: int) -> None:
    _as(client, app, Role.OFFICE)
    fields = {"csrf_token": token(client), "day": "2099-10-05", "kind": "workday", "name": "调休"}
    response = client.post("/admin/calendar?year=2099", data=fields)
    assert response.status_code == 200
    assert "调休上班日应为周六或周日" in response.text
    fields |= {"day": "不是日期", "name": ""}
    response = client.post("/admin/calendar?year=2099", data=fields)
    assert response.status_code == 200
    assert "请填写名称" in response.text and "不是有效的日期" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay)) == 0


def test_library_import_from_the_page(app: Flask, client: FlaskClient, plan_id: int) -> None:
    _as(client, app, Role.OFFICE)
    page = client.get("/admin/calendar?year=2020").text
    assert "2020年尚无节假日数据" in page and "从节假日库导入2020年" in page
    response = client.post("/admin/calendar/2020/import", data={"csrf_token": token(client)})
    assert location(response) == "/admin/calendar?year=2020"
    page = client.get("/admin/calendar?year=2020").text
    assert "2020年尚无节假日数据" not in page
    assert "国庆节" in page and "节假日库" in page and "已从节假日库导入2020年" in page


def test_ledger_warns_when_this_year_is_unknown(
    app: Flask, client: FlaskClient, plan_id: int
) -> None:
    _as(client, app, Role.LEADER)
    clock = app_settings.of(app).clock.today
    assert clock is not None
    year = clock.year
    warning = f"{year}年尚无节假日数据，工作日暂按周一至周五计算"
    assert warning in client.get(f"/plans/{plan_id}").text
    with app.app_context():
        calendar_service.sync_from_library([year])
        db.session.commit()
    assert warning not in client.get(f"/plans/{plan_id}").text
