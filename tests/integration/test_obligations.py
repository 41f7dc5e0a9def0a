"""What a unit owes: required, unaccepted reports of the tasks it leads, with due dates in
Chinese working days (the 2020 National Day holiday pushes 2020Q3 to 2020-10-14)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from config.settings import TEST_HASH_METHOD, LagThresholds
from tests.paths import SEEDS
from tracker.domain.lag import LagState
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Plan, Task, Unit, User
from tracker.services import calendar as calendar_service
from tracker.services.errors import ServiceError
from tracker.services.obligations import (
    Obligation,
    default_period,
    owed_for_period,
    owed_periods,
    owed_reports,
    workdays_left,
)
from tracker.services.reports import ReportInput, review_report, save_draft, submit_report
from tracker.services.users import create_user

#: The app-wide lag thresholds (the defaults, as the test app has them).
LAG = LagThresholds()

PASSWORD = "secret-pass-1"
LEAD = "市委组织部"


@pytest.fixture(scope="module")
def plan_id(app: Flask, shared_db: None) -> int:
    """The Cixi plan with the 2019–2021 calendar, a 市委组织部 reporter and the office; the
    plan's id."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["plan", "import", str(SEEDS / "cixi-key-tasks.docx"), "--period", "2019-2025"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020, 2021])
        create_user("lead", PASSWORD, Role.UNIT, unit=unit(LEAD), hash_method=TEST_HASH_METHOD)
        create_user("office", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        db.session.commit()
        return db.session.scalars(sa.select(Plan.id)).one()


@pytest.fixture
def plan(plan_id: int, app_ctx: Flask) -> Plan:
    """The plan of :func:`plan_id`, in the test's session."""
    found = db.session.get(Plan, plan_id)
    assert found is not None
    return found


def unit(name: str) -> Unit:
    found = db.session.scalar(sa.select(Unit).where(Unit.name == name))
    assert found is not None, name
    return found


def user(username: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == username)).one()


def first_task(plan: Plan) -> Task:
    """非公有制企业职工…: level ≥20 % 2019, ≥35 % 2020, 100 % 2025; lead 市委组织部."""
    return plan.tasks[0]


def of_task(owed: list[Obligation], task: Task) -> dict[str, Obligation]:
    return {o.period.code: o for o in owed if o.task.id == task.id}


def test_2020q3_is_due_after_the_national_day_holiday(plan: Plan) -> None:
    owed = of_task(owed_reports(unit(LEAD), date(2020, 10, 9), lag=LAG), first_task(plan))
    q3 = owed["2020Q3"]
    assert q3.due == date(2020, 10, 14)
    # (Oct 9, Oct 14]: Sat Oct 10 is an adjusted workday, then Oct 12, 13, 14.
    assert q3.workdays_left == 4
    assert q3.due_soon and not q3.overdue
    assert q3.days_left_text == "剩4个工作日"
    assert q3.status_label == "未填报" and q3.report is None
    assert owed["2020Q4"].due == date(2021, 1, 8) and owed["2020Q4"].flag is None
    assert list(owed) == [
        "2019Q1", "2019Q2", "2019Q3", "2019Q4", "2020Q1", "2020Q2", "2020Q3", "2020Q4"
    ]  # fmt: skip


def test_flags_follow_working_days(plan: Plan) -> None:
    task = first_task(plan)

    def q3(today: date) -> Obligation:
        return of_task(owed_reports(unit(LEAD), today, lag=LAG), task)["2020Q3"]

    assert q3(date(2020, 9, 20)).flag is None
    assert q3(date(2020, 9, 30)).due_soon and q3(date(2020, 9, 30)).workdays_left == 5
    on_the_day = q3(date(2020, 10, 14))
    assert on_the_day.due_soon and on_the_day.workdays_left == 0
    assert on_the_day.days_left_text == "今天截止"
    late = q3(date(2020, 10, 16))
    assert late.overdue and late.flag is LagState.OVERDUE and late.workdays_left == -2
    assert late.days_left_text == "已逾期2个工作日"


def test_list_is_sorted_by_due_date_then_task_order(plan: Plan) -> None:
    owed = owed_reports(unit(LEAD), date(2020, 10, 9), lag=LAG)
    keys = [(o.due, o.task.position) for o in owed]
    assert keys == sorted(keys)
    assert {o.task.id for o in owed} <= {t.id for t in plan.tasks if t.role_of(unit(LEAD).id)}
    assert len({o.task.id for o in owed}) == 5  # 市委组织部 leads five tasks


def test_accepted_periods_disappear_and_others_show_their_status(plan: Plan) -> None:
    task, lead, office = first_task(plan), user("lead"), user("office")
    today = date(2020, 10, 12)
    accepted = submit_report(task, lead.unit, lead, ReportInput("2020Q2", 27.0, "二季度"), today)
    review_report(accepted, office, True, "", today)
    submit_report(task, lead.unit, lead, ReportInput("2020Q3", 30.0, "三季度"), today)
    save_draft(task, lead.unit, lead, ReportInput("2020Q1", None, ""), today)
    returned = submit_report(task, lead.unit, lead, ReportInput("2019Q4", 21.0, "四季度"), today)
    review_report(returned, office, False, "请补充数据来源", today)
    db.session.commit()

    owed = of_task(owed_reports(unit(LEAD), today, lag=LAG), task)
    assert "2020Q2" not in owed
    assert owed["2020Q3"].status_label == "待审核"
    assert owed["2020Q3"].in_review and owed["2020Q3"].flag is None
    assert owed["2020Q1"].status_label == "草稿" and owed["2020Q1"].overdue
    assert owed["2019Q4"].status_label == "已退回" and owed["2019Q4"].overdue


def test_owed_for_one_period(plan: Plan) -> None:
    today = date(2020, 11, 20)
    q3 = owed_for_period(unit(LEAD), "2020Q3", today, lag=LAG)
    assert [o.task.position for o in q3] == sorted(o.task.position for o in q3)
    assert {o.period.code for o in q3} == {"2020Q3"}
    assert first_task(plan).id in {o.task.id for o in q3}
    assert owed_for_period(unit("市司法局"), "2020Q3", today, lag=LAG) == []
    with pytest.raises(ServiceError):
        owed_for_period(unit(LEAD), "2020Q5", today, lag=LAG)


def test_default_period_is_the_latest_ended_one(plan: Plan) -> None:
    today = date(2020, 11, 20)
    owed = owed_reports(unit(LEAD), today, lag=LAG)
    assert [p.code for p in owed_periods(owed)][:2] == ["2020Q4", "2020Q3"]
    period = default_period(owed, today)
    assert period is not None and period.code == "2020Q3"
    assert default_period([], today) is None


def test_closed_tasks_owe_nothing(plan: Plan) -> None:
    task = first_task(plan)
    task.closed_at = sa.func.now()
    db.session.commit()
    assert task.id not in {o.task.id for o in owed_reports(unit(LEAD), date(2020, 10, 9), lag=LAG)}


def test_workdays_left_counts_the_holiday_calendar(plan: Plan) -> None:
    calendar = calendar_service.load_calendar()
    due = date(2020, 10, 14)
    assert workdays_left(due, date(2020, 9, 30), calendar) == 5
    assert workdays_left(due, date(2020, 10, 1), calendar) == 5  # holiday: still five
    assert workdays_left(due, due, calendar) == 0
    assert workdays_left(due, date(2020, 10, 19), calendar) == -3
