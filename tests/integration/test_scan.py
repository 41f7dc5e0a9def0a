"""The lag scan over stored reports: states, alerts, reruns, and the CLI's JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import TEST_HASH_METHOD, LagThresholds
from tests.paths import SEEDS
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Alert, Plan, ProgressReport, Task, Unit, User
from tracker.services import calendar as calendar_service
from tracker.services.reports import ReportInput, review_report, submit_report
from tracker.services.scan import run_scan
from tracker.services.users import create_user

#: The app-wide lag thresholds (the defaults, as the test app has them).
LAG = LagThresholds()

PASSWORD = "secret-pass-1"


@pytest.fixture(scope="module")
def cixi_id(app: Flask, shared_db: None) -> int:
    """The Cixi plan with the 2019–2021 calendar and an office user; the plan's id."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["plan", "import", str(SEEDS / "cixi-key-tasks.docx"), "--period", "2019-2025"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020, 2021])
        create_user("office", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        db.session.commit()
        return db.session.scalars(sa.select(Plan.id)).one()


@pytest.fixture
def cixi(cixi_id: int, app_ctx: Flask) -> Plan:
    """The plan of :func:`cixi_id`, in the test's session."""
    plan = db.session.get(Plan, cixi_id)
    assert plan is not None
    return plan


def first_task(plan: Plan) -> Task:
    """非公有制企业职工…: level ≥20 % 2019, ≥35 % 2020, 100 % 2025; lead 市委组织部."""
    return plan.tasks[0]


def report(task: Task, period: str, value: float, on: date, accept: bool = True) -> None:
    lead = task.lead_units[0]
    reporter = db.session.scalar(sa.select(Unit).where(Unit.id == lead.id))
    author = create_user(
        f"u{period}{task.id}", PASSWORD, Role.UNIT, unit=reporter, hash_method=TEST_HASH_METHOD
    )
    saved = submit_report(task, lead, author, ReportInput(period, value, "进展"), on)
    if accept:
        office = db.session.scalars(sa.select(User).where(User.username == "office")).one()
        review_report(saved, office, True, "", on)
    db.session.commit()


def task_report(task: Task, period: str) -> ProgressReport:
    return db.session.scalars(
        sa.select(ProgressReport).where(
            ProgressReport.task_id == task.id, ProgressReport.period == period
        )
    ).one()


def state_of(result, task: Task) -> str:
    return next(str(s.state) for s in result.statuses if s.task_id == task.id)


def test_missed_milestone_raises_one_alert_and_a_rerun_adds_none(cixi: Plan) -> None:
    task = first_task(cixi)
    for quarter, value in (("2019Q1", 5), ("2019Q2", 8), ("2019Q3", 12), ("2019Q4", 15)):
        report(task, quarter, value, date(2020, 1, 3))

    first = run_scan(date(2020, 1, 10), cixi.id, lag=LAG)
    db.session.commit()
    second = run_scan(date(2020, 1, 10), cixi.id, lag=LAG)
    db.session.commit()

    assert state_of(first, task) == "missed"
    missed = db.session.scalars(
        sa.select(Alert).where(Alert.task_id == task.id, Alert.kind == "missed")
    ).all()
    assert len(missed) == 1
    assert "20" in missed[0].message and "15" in missed[0].message
    assert missed[0].unit.name == "市委组织部"
    assert second.alerts_created == 0


def test_values_count_once_accepted(cixi: Plan) -> None:
    task = first_task(cixi)
    for quarter, value in (("2019Q1", 6), ("2019Q2", 11), ("2019Q3", 16), ("2019Q4", 21)):
        report(task, quarter, value, date(2020, 1, 3))
    report(task, "2020Q1", 40, date(2020, 4, 2), accept=False)

    # Expected on 3 April 2020: 20 + 15 × 94/366 ≈ 23.85 %; the pending 40 % does not count.
    pending = run_scan(date(2020, 4, 3), cixi.id, lag=LAG)
    saved = task_report(task, "2020Q1")
    office = db.session.scalars(sa.select(User).where(User.username == "office")).one()
    review_report(saved, office, True, "", date(2020, 4, 3))
    accepted = run_scan(date(2020, 4, 3), cixi.id, lag=LAG)

    before = next(s for s in pending.statuses if s.task_id == task.id)
    after = next(s for s in accepted.statuses if s.task_id == task.id)
    assert (str(before.state), before.actual) == ("behind", 21)
    assert before.expected == pytest.approx(20 + 15 * 94 / 366)
    assert (str(after.state), after.actual) == ("on_track", 40)


def test_missing_reports_become_overdue_after_the_working_day_deadline(cixi: Plan) -> None:
    task = first_task(cixi)
    # 2020Q3 ends on 30 September; National Day (1–8 October) pushes the fifth working day
    # after it to 14 October.
    before = run_scan(date(2020, 10, 14), cixi.id, lag=LAG)
    db.session.commit()
    keys_before = set(db.session.scalars(sa.select(Alert.key).where(Alert.task_id == task.id)))
    after = run_scan(date(2020, 10, 15), cixi.id, lag=LAG)
    db.session.commit()
    keys_after = set(db.session.scalars(sa.select(Alert.key).where(Alert.task_id == task.id)))

    assert state_of(before, task) == "overdue"  # earlier quarters are overdue already
    assert any(key.endswith("period2020Q2") for key in keys_before)
    assert not any(key.endswith("period2020Q3") for key in keys_before)
    assert {key for key in keys_after - keys_before} == {f"overdue:task{task.id}:period2020Q3"}
    assert state_of(after, task) == "overdue"


def test_scan_cli_prints_json_and_creates_no_duplicates(runner: FlaskCliRunner, cixi: Plan) -> None:
    first = runner.invoke(args=["scan", "--as-of", "2020-11-20", "--json"])
    second = runner.invoke(args=["scan", "--as-of", "2020-11-20", "--json"])

    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert data["as_of"] == "2020-11-20"
    assert len(data["tasks"]) == 57
    assert set(data["tasks"][0]) == {"id", "state", "expected", "actual"}
    assert data["tasks"][0]["expected"] == pytest.approx(
        20 + 15 * 325 / 366, abs=0.01
    )  # 325 of 366 days
    assert data["alerts_created"] > 0
    assert json.loads(second.output)["alerts_created"] == 0
    assert db.session.scalar(sa.select(sa.func.count(Alert.id))) == data["alerts_created"]
