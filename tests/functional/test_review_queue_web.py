"""The review queue (issue 12 §1, §6): every waiting report, oldest first, with its age in
working days, its value against the schedule, its evidence and the contributions not yet
confirmed; filters; accept or return from the queue, several at once (each its own step);
a warning before accepting with unconfirmed contributions, which stay answerable until
their own deadline; the same queue in the API."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.functional.api_helpers import call, cli_token
from tests.functional.helpers import (
    COOPERATING_UNITS,
    LEAD_UNIT,
    add_user,
    import_cixi,
    location,
    login,
    token,
)
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import (
    AuditEntry,
    Contribution,
    ContributionStatus,
    ProgressReport,
    ReportStatus,
    Task,
    Unit,
    User,
)
from tracker.services import contributions, reports
from tracker.services.errors import Conflict


def _writer() -> tuple[User, Unit]:
    user = db.session.scalar(sa.select(User).where(User.username == "writer"))
    assert user is not None and user.unit is not None
    return user, user.unit


def _lead_tasks(unit: Unit) -> list[Task]:
    tasks = db.session.scalars(sa.select(Task).order_by(Task.id))
    return [task for task in tasks if task.role_of(unit.id) is not None and task.lead_units
            and task.lead_units[0].id == unit.id]  # fmt: skip


@pytest.fixture
def world(app: Flask, runner: FlaskCliRunner) -> dict[str, int]:
    """Three 2020Q3 reports of 市委组织部 submitted on Oct 12, 15 and 16 (Oct 12 on the
    first task, with three cooperating units asked; 市总工会 confirms), and an office user."""
    import_cixi(app, runner)
    add_user(app, "writer", Role.UNIT, LEAD_UNIT)
    add_user(app, "office", Role.OFFICE)
    add_user(app, "coop", Role.UNIT, COOPERATING_UNITS[0])
    ids: dict[str, int] = {}
    with app.app_context():
        writer, unit = _writer()
        tasks = _lead_tasks(unit)[:3]
        for name, task, day in zip(("first", "second", "third"), tasks, (12, 15, 16), strict=True):
            data = reports.ReportInput(period="2020Q3", value=30.0, progress="三季度推进")
            report = reports.submit_report(task, unit, writer, data, date(2020, 10, day))
            ids[name] = report.id
        coop = db.session.scalar(sa.select(User).where(User.username == "coop"))
        first = db.session.get(ProgressReport, ids["first"])
        assert coop is not None and first is not None
        asked = next(c for c in first.contributions if c.unit_id == coop.unit_id)
        contributions.answer_contribution(asked, coop, True, "已配合", "", date(2020, 10, 13))
        db.session.commit()
        ids["task"] = first.task_id
    return ids


def office_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "office")
    return client


def test_the_queue_lists_every_waiting_report_oldest_first(
    app: Flask, world: dict[str, int]
) -> None:
    client = office_client(app)
    page = client.get("/review/reports").text
    order = [page.index(f'data-report-id="{world[n]}"') for n in ("first", "second", "third")]
    assert order == sorted(order)
    assert '待审核填报<span class="count">（3）</span>' in page  # the menu's count
    assert "时间进度待核对" in page  # the schedule-review list, named apart
    assert "2团市委（待确认）" not in page and "2家未确认" in page
    assert "团市委（待确认）、市妇联（待确认）" in page
    filtered = client.get(f"/review/reports?unit=999&plan={999}").text
    assert "没有等待审核的填报。" in filtered


def test_the_api_lists_the_queue_with_ages_in_working_days(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, world: dict[str, int]
) -> None:
    office = cli_token(runner, "office")
    answer = call(client, "GET", "/reports?status=submitted", office)
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["total"] == 3 and body["page"] == 1 and body["pages"] == 1
    first = body["reports"][0]
    assert first["report"]["id"] == world["first"]
    assert first["age_workdays"] == 29  # Oct 13 to Nov 20, 2020 (the tests' clock): working days
    assert first["unconfirmed"] == ["团市委", "市妇联"] and first["evidence_count"] == 0
    assert call(client, "GET", "/reports?status=pending_approval", office).json["total"] == 0
    writer = cli_token(runner, "writer")
    assert call(client, "GET", "/reports", writer).status_code == 403  # no approver


def test_accepting_with_unconfirmed_contributions_warns_first(
    app: Flask, world: dict[str, int]
) -> None:
    client = office_client(app)
    data = {"csrf_token": token(client), "decision": "accept", "back": "/review/reports"}
    warned = client.post(f"/review/reports/{world['first']}/decide", data=data)
    assert location(warned).startswith(f"/review/reports/{world['first']}/confirm")
    page = client.get(location(warned)).text
    assert "还有配合单位未确认" in page and "团市委：待确认" in page and "市妇联：待确认" in page
    with app.app_context():
        report = db.session.get(ProgressReport, world["first"])
        assert report is not None and report.status is ReportStatus.SUBMITTED
    done = client.post(f"/review/reports/{world['first']}/decide", data=data | {"despite": "1"})
    assert location(done) == "/review/reports"
    with app.app_context():
        report = db.session.get(ProgressReport, world["first"])
        assert report is not None and report.status is ReportStatus.ACCEPTED


def test_the_task_page_accept_warns_too(app: Flask, world: dict[str, int]) -> None:
    client = office_client(app)
    data = {"csrf_token": token(client), "decision": "accept"}
    warned = client.post(f"/reports/{world['first']}/review", data=data)
    assert location(warned) == (
        f"/review/reports/{world['first']}/confirm?back=/tasks/{world['task']}"
    )


def test_accepting_several_each_on_its_own(app: Flask, world: dict[str, int]) -> None:
    """The second is accepted; the first is refused (unconfirmed contributions) and the
    third too (accepted meanwhile): each refusal is named and undoes nothing else."""
    with app.app_context():
        office = db.session.scalar(sa.select(User).where(User.username == "office"))
        third = db.session.get(ProgressReport, world["third"])
        assert office is not None and third is not None
        reports.review_report(third, office, True, "", date(2020, 10, 20))
        second = db.session.get(ProgressReport, world["second"])
        assert second is not None
        for item in second.contributions:  # all confirmed
            item.status = ContributionStatus.CONFIRMED
        db.session.commit()
    client = office_client(app)
    ids = [str(world[n]) for n in ("first", "second", "third")]
    done = client.post(
        "/review/reports/accept", data={"csrf_token": token(client), "report_ids": ids}
    )
    page = client.get(location(done)).text
    assert "已审核通过1份填报。" in page
    assert "未通过：配合单位未全部确认（团市委、市妇联）" in page
    assert "未通过：这份填报的状态是「已审核」，不能审核" in page
    with app.app_context():
        statuses = {
            name: db.session.get(ProgressReport, world[name]).status  # type: ignore[union-attr]
            for name in ("first", "second", "third")
        }
        accepts = db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "accept")
        )
    assert statuses == {
        "first": ReportStatus.SUBMITTED,
        "second": ReportStatus.ACCEPTED,
        "third": ReportStatus.ACCEPTED,
    }
    assert accepts == 2  # each acceptance audited: the third's earlier, the second's now

    despite = client.post(
        "/review/reports/accept",
        data={"csrf_token": token(client), "report_ids": ids[:1], "despite": "y"},
    )
    again = client.get(location(despite)).text
    assert "已审核通过1份填报。" in again, again[again.find("<main") :][:600]


def test_contributions_stay_answerable_until_their_deadline(
    app: Flask, world: dict[str, int]
) -> None:
    with app.app_context():
        office = db.session.scalar(sa.select(User).where(User.username == "office"))
        report = db.session.get(ProgressReport, world["first"])
        assert office is not None and report is not None
        reports.review_report(report, office, True, "", date(2020, 10, 14))
        open_one = next(c for c in report.contributions if c.status is ContributionStatus.REQUESTED)
        assert open_one.due_on is not None
        answerer = User(username="tuanshi", role=Role.UNIT, unit_id=open_one.unit_id,
                        password_hash="x")  # fmt: skip
        db.session.add(answerer)
        db.session.flush()
        assert contributions.is_open(open_one, open_one.due_on)
        contributions.answer_contribution(open_one, answerer, True, "已配合", "", open_one.due_on)
        assert open_one.status is ContributionStatus.CONFIRMED
        later = date.fromordinal(open_one.due_on.toordinal() + 1)
        with pytest.raises(Conflict):
            contributions.answer_contribution(open_one, answerer, True, "再改", "", later)
        unit_id = open_one.unit_id
        assert open_one not in contributions.contributions_page(unit_id, later, 1).items
        assert open_one in contributions.contributions_page(unit_id, open_one.due_on, 1).items
        db.session.commit()
    coop = app.test_client()
    login(coop, "coop")
    mine = coop.get("/my").text  # 市总工会's request: accepted long ago, deadline passed
    with app.app_context():
        closed = db.session.scalars(
            sa.select(Contribution).join(ProgressReport).where(ProgressReport.id == world["first"])
        ).first()
        assert closed is not None
    assert f"/contributions/{closed.id}" not in mine or "去确认" not in mine
