"""The office's calendar and plan-settings services: days entered for a year the holiday
library does not know, confirming a year, importing one, the audit trail, bad input."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from config.settings import TEST_HASH_METHOD
from tracker.domain.periods import Cadence
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEntry, CalendarDay, CalendarYear, Plan, User
from tracker.services import calendar as calendar_service
from tracker.services import plan_settings
from tracker.services.errors import NotFound, ServiceError
from tracker.services.plan_settings import PlanSettings
from tracker.services.users import create_user

#: A year the installed chinesecalendar release does not know (it stops at 2026).
FUTURE = 2099


@pytest.fixture
def office(app_ctx: Flask) -> User:
    user = create_user("office", "secret-pass-1", Role.OFFICE, hash_method=TEST_HASH_METHOD)
    db.session.commit()
    return user


def _entries(entity: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        )
    )


def _workdays(first: date, last: date) -> int:
    return calendar_service.load_calendar().workdays_between(first, last)


def test_unknown_year_counts_weekends_only(office: User) -> None:
    assert not calendar_service.is_year_known(FUTURE)
    assert calendar_service.days_of_year(FUTURE) == []
    # 2099-10-01 is a Thursday: Mon 28 Sep – Fri 9 Oct 2099 has ten weekdays.
    assert _workdays(date(2099, 9, 28), date(2099, 10, 9)) == 10
    assert calendar_service.workdays_of_year(FUTURE) == 261


def test_office_days_change_the_count_and_are_audited(office: User) -> None:
    calendar_service.set_day(date(2099, 10, 1), False, "国庆节", office)
    calendar_service.set_day(date(2099, 10, 2), False, "国庆节", office)
    calendar_service.set_day(date(2099, 10, 3), True, "国庆节调休上班", office)  # Saturday
    db.session.commit()

    assert _workdays(date(2099, 9, 28), date(2099, 10, 9)) == 10 - 2 + 1
    days = calendar_service.days_of_year(FUTURE)
    assert [(d.day, d.is_workday, d.name, d.source) for d in days] == [
        (date(2099, 10, 1), False, "国庆节", "office"),
        (date(2099, 10, 2), False, "国庆节", "office"),
        (date(2099, 10, 3), True, "国庆节调休上班", "office"),
    ]
    entries = _entries("calendar_days")
    assert [e.action for e in entries] == ["create", "create", "create"]
    assert entries[0].user_id == office.id and entries[0].task_id is None
    assert json.loads(entries[0].after)["day"] == "2099-10-01"
    # Entering days does not make the year known: only the confirmation does.
    assert not calendar_service.is_year_known(FUTURE)


def test_changing_a_day_keeps_before_and_after(office: User) -> None:
    calendar_service.set_day(date(2099, 10, 5), False, "国庆节", office)
    calendar_service.set_day(date(2099, 10, 5), False, "国庆节假期", office)
    db.session.commit()
    change = _entries("calendar_days")[-1]
    assert change.action == "update"
    assert json.loads(change.before)["name"] == "国庆节"
    assert json.loads(change.after)["name"] == "国庆节假期"


def test_removing_an_office_day_restores_the_weekday_and_is_audited(office: User) -> None:
    calendar_service.set_day(date(2099, 10, 1), False, "国庆节", office)
    db.session.commit()
    assert _workdays(date(2099, 10, 1), date(2099, 10, 1)) == 0

    calendar_service.remove_day(date(2099, 10, 1), office)
    db.session.commit()

    assert _workdays(date(2099, 10, 1), date(2099, 10, 1)) == 1
    assert db.session.get(CalendarDay, date(2099, 10, 1)) is None
    removal = _entries("calendar_days")[-1]
    assert removal.action == "delete"
    assert json.loads(removal.before)["name"] == "国庆节"
    assert removal.after == ""
    with pytest.raises(NotFound):
        calendar_service.remove_day(date(2099, 10, 1), office)


def test_confirm_year_makes_it_known(office: User) -> None:
    row = calendar_service.confirm_year(FUTURE, office)
    db.session.commit()
    assert (row.year, row.source) == (FUTURE, "office")
    assert calendar_service.is_year_known(FUTURE)
    assert calendar_service.load_calendar().is_known(FUTURE)
    assert _entries("calendar_years")[-1].action == "create"
    with pytest.raises(ServiceError, match="已是完整"):
        calendar_service.confirm_year(FUTURE, office)


def test_library_import_of_a_known_year(office: User) -> None:
    assert not calendar_service.is_year_known(2020)
    added = calendar_service.import_year(2020, office)
    db.session.commit()

    assert added > 0
    assert calendar_service.is_year_known(2020)
    assert db.session.get(CalendarYear, 2020).source == "chinesecalendar"  # type: ignore[union-attr]
    national_day = db.session.get(CalendarDay, date(2020, 10, 1))
    assert national_day is not None and not national_day.is_workday
    assert national_day.source == "chinesecalendar"
    # Mon 28 Sep – Mon 12 Oct 2020: 28, 29, 30 Sep; 9, 10 (Saturday worked), 12 Oct.
    assert _workdays(date(2020, 9, 28), date(2020, 10, 12)) == 6
    assert "新增" in _entries("calendar_years")[-1].summary
    with pytest.raises(ServiceError, match="已有节假日数据"):
        calendar_service.import_year(2020, office)


def test_library_days_are_corrected_not_removed(office: User) -> None:
    calendar_service.import_year(2020, office)
    with pytest.raises(ServiceError, match="来自节假日库"):
        calendar_service.remove_day(date(2020, 10, 1), office)
    corrected = calendar_service.set_day(date(2020, 10, 1), False, "国庆节（更正）", office)
    assert corrected.source == "office"


@pytest.mark.parametrize(
    ("day", "is_workday", "name", "field", "message"),
    [
        (date(2099, 10, 5), True, "调休", "kind", "调休上班日应为周六或周日"),  # a Monday
        (date(2099, 10, 1), False, "  ", "name", "请填写名称"),
        (date(2099, 10, 1), False, "节" * 51, "name", "不能超过50个字"),
        (date(1999, 10, 1), False, "国庆节", "day", "年份须在2000到2100之间"),
    ],
)
def test_bad_days_are_refused(
    office: User, day: date, is_workday: bool, name: str, field: str, message: str
) -> None:
    with pytest.raises(ServiceError, match=message) as caught:
        calendar_service.set_day(day, is_workday, name, office)
    assert caught.value.field == field
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay)) == 0


def test_library_import_of_an_unknown_year_is_refused(office: User) -> None:
    with pytest.raises(ServiceError, match=f"节假日库不含{FUTURE}年"):
        calendar_service.import_year(FUTURE, office)


# --- Plan settings ------------------------------------------------------------------------


@pytest.fixture
def plan(office: User) -> Plan:
    created = Plan(name="测试方案", first_year=2019, last_year=2025)
    db.session.add(created)
    db.session.commit()
    return created


def test_default_rules_in_plain_chinese(plan: Plan) -> None:
    rules = plan_settings.describe_rules(PlanSettings.of(plan))
    assert rules.startswith("每季度填报，期末后第5个工作日截止，逾期宽限0个工作日")


def test_update_settings_stores_and_audits(plan: Plan, office: User) -> None:
    wanted = PlanSettings(Cadence.MONTHLY, 10, 3, 7, True)
    plan_settings.update_settings(plan, wanted, office)
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(Plan, plan.id)
    assert stored is not None and PlanSettings.of(stored) == wanted
    entry = _entries("plans")[-1]
    assert (entry.action, entry.task_id, entry.user_id) == ("update_settings", None, office.id)
    assert json.loads(entry.before)["report_due_workdays"] == 5
    assert json.loads(entry.after)["report_due_workdays"] == 10
    assert json.loads(entry.after)["cadence"] == "monthly"
    assert "每月填报，期末后第10个工作日截止，逾期宽限3个工作日" in entry.summary


def test_unchanged_settings_write_nothing(plan: Plan, office: User) -> None:
    plan_settings.update_settings(plan, PlanSettings.of(plan), office)
    assert _entries("plans") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"report_due_workdays": 61}, "report_due_workdays"),
        ({"report_due_workdays": -1}, "report_due_workdays"),
        ({"overdue_grace_workdays": 31}, "overdue_grace_workdays"),
        ({"contribution_due_workdays": 0}, "contribution_due_workdays"),
        ({"cadence": "weekly"}, "cadence"),
    ],
)
def test_bad_settings_are_refused(
    plan: Plan, office: User, changes: dict[str, object], field: str
) -> None:
    base = PlanSettings.of(plan)
    values = {name: getattr(base, name) for name in PlanSettings.__slots__} | changes
    with pytest.raises(ServiceError) as caught:
        plan_settings.update_settings(plan, PlanSettings(**values), office)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert plan.report_due_workdays == 5 and plan.cadence is Cadence.QUARTERLY
    assert _entries("plans") == []
