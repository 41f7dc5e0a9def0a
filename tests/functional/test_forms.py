"""Forms never answer 500: bad input shows the form again with a Chinese message and
leaves the database as it was; a stale save is refused."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.helpers import (
    COOPERATING_UNITS,
    LEAD_UNIT,
    Cixi,
    add_user,
    form_fields,
    import_cixi,
    location,
    login,
)
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Contribution, Milestone, ProgressReport, Task, Unit, User
from tracker.services import reports

ERROR = re.compile(r'<p class="error">(.*?)</p>|<div class="flash flash-error"[^>]*>(.*?)</div>')


def shown_errors(html: str) -> list[str]:
    """The texts of the error paragraphs and error flashes of a page."""
    return [a or b for a, b in ERROR.findall(html)]


def assert_chinese_errors(html: str, message: str) -> None:
    """The page shows ``message`` among its errors, and every error is in Chinese."""
    errors = shown_errors(html)
    assert any(message in error for error in errors), errors
    for error in errors:
        assert re.search("[一-鿿]", error), f"error not in Chinese: {error}"


def report_rows(app: Flask) -> list[tuple[object, ...]]:
    """Every report and contribution request, as plain tuples."""
    with app.app_context():
        report_tuples = db.session.execute(
            sa.select(
                ProgressReport.id,
                ProgressReport.period,
                ProgressReport.value,
                ProgressReport.progress,
                ProgressReport.problems,
                ProgressReport.status,
                ProgressReport.version,
            ).order_by(ProgressReport.id)
        )
        contributions = db.session.execute(
            sa.select(Contribution.id, Contribution.status).order_by(Contribution.id)
        )
        return [tuple(row) for row in report_tuples] + [tuple(row) for row in contributions]


def milestone_rows(app: Flask, task_id: int) -> list[tuple[object, ...]]:
    """A task's milestones and review flag, as plain tuples."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                Milestone.id, Milestone.kind, Milestone.due, Milestone.target_value, Milestone.unit
            )
            .where(Milestone.task_id == task_id)
            .order_by(Milestone.position)
        )
        task = db.session.get(Task, task_id)
        assert task is not None
        return [tuple(row) for row in rows] + [(task.needs_review, task.baseline_value)]


@pytest.fixture(scope="module")
def cixi(app: Flask, shared_db: None) -> Cixi:
    """The Cixi plan with a user of the first task's lead unit."""
    runner = app.test_cli_runner()
    found = import_cixi(app, runner)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    return found


GOOD_REPORT = {"period": "2020Q3", "value": "25", "progress": "三季度推进"}

BAD_REPORTS = [
    pytest.param({"value": "-5"}, "完成值是负数", id="negative-value"),
    pytest.param({"value": "abc"}, "请填写数字，例如 25 或 12.5", id="value-not-a-number"),
    pytest.param({"value": "nan"}, "完成值应为有限的数字", id="value-nan"),
    pytest.param({"value": "inf"}, "完成值应为有限的数字", id="value-infinite"),
    pytest.param({"value": ""}, "请填写完成值", id="value-missing"),
    pytest.param({"period": "2026Q1"}, "2026年第一季度不在可填报的期间内", id="period-after-today"),
    pytest.param({"period": "2018Q4"}, "2018年第四季度不在可填报的期间内", id="period-before-plan"),
    pytest.param({"period": "2020Q9"}, "无法识别的报告期编码", id="garbage-period"),
    pytest.param({"period": "<script>"}, "无法识别的报告期编码", id="garbage-period-markup"),
    pytest.param({"period": ""}, "请选择填报期间", id="period-missing"),
    pytest.param({"progress": ""}, "请填写进展情况", id="progress-missing"),
    pytest.param({"progress": "   "}, "请填写进展情况", id="progress-blank"),
    pytest.param({"progress": "长" * 2001}, "进展情况不能超过2000字", id="progress-too-long"),
    pytest.param({"problems": "长" * 2001}, "存在问题不能超过2000字", id="problems-too-long"),
    pytest.param({"next_steps": "长" * 2001}, "下步打算不能超过2000字", id="next-steps-too-long"),
    pytest.param({"version": "abc"}, "表单已过期，请刷新页面后重试", id="version-garbage"),
]


def test_bad_report_is_shown_again_with_a_chinese_message(
    app: Flask, client: FlaskClient, cixi: Cixi, subtests: pytest.Subtests
) -> None:
    """For each bad input, sent over the submitted 2020Q3 report: 200, the message among
    the page's errors (all Chinese), and no report or contribution row added or changed."""
    submitted_report(app, cixi.task_id)
    login(client, "lead")
    url = f"/tasks/{cixi.task_id}/report"
    form = form_fields(client.get(f"{url}?period=2020Q3").text) | GOOD_REPORT
    with app.app_context():
        stored_version = db.session.scalars(sa.select(ProgressReport.version)).one()
    assert form["version"] == str(stored_version)
    before = report_rows(app)
    assert len(before) == 1 + len(COOPERATING_UNITS)
    for case in BAD_REPORTS:
        change, message = case.values
        with subtests.test(case.id):
            response = client.post(url, data=form | change)
            assert response.status_code == 200
            assert_chinese_errors(response.text, message)
            assert report_rows(app) == before
    # The same form without the bad change goes through.
    assert location(client.post(url, data=form)) == f"/tasks/{cixi.task_id}"
    assert report_rows(app)[0][2:4] == (25.0, "三季度推进")


def test_good_report_is_saved(app: Flask, client: FlaskClient, cixi: Cixi) -> None:
    """The baseline of the cases above: the same form, unchanged, is accepted."""
    login(client, "lead")
    url = f"/tasks/{cixi.task_id}/report"
    fields = form_fields(client.get(url).text) | GOOD_REPORT
    assert location(client.post(url, data=fields)) == f"/tasks/{cixi.task_id}"
    rows = report_rows(app)
    assert rows[0][1:6] == ("2020Q3", 25.0, "三季度推进", "", "submitted")
    assert len(rows) == 1 + len(COOPERATING_UNITS)


def test_markup_in_a_report_is_shown_as_text(app: Flask, client: FlaskClient, cixi: Cixi) -> None:
    """A report's text is escaped on the task page (no script runs for the office)."""
    login(client, "lead")
    url = f"/tasks/{cixi.task_id}/report"
    fields = form_fields(client.get(url).text) | GOOD_REPORT
    fields["problems"] = '<script>alert("x")</script>'
    client.post(url, data=fields)
    page = client.get(f"/tasks/{cixi.task_id}")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert "<script>" not in page.text


def test_stale_save_is_refused(app: Flask, cixi: Cixi) -> None:
    """Two people of the lead unit edit the same report; the second save is refused."""
    add_user(app, "lead2", Role.UNIT, LEAD_UNIT)
    first, second = app.test_client(), app.test_client()
    login(first, "lead")
    login(second, "lead2")
    url = f"/tasks/{cixi.task_id}/report"
    first_form = form_fields(first.get(url).text) | GOOD_REPORT
    second_form = form_fields(second.get(url).text) | GOOD_REPORT
    assert first_form["version"] == second_form["version"] == "0"

    first_form["progress"] = "第一人填写"
    assert location(first.post(url, data=first_form)) == f"/tasks/{cixi.task_id}"
    second_form["progress"] = "第二人填写"
    response = second.post(url, data=second_form)
    assert response.status_code == 200
    assert "已被他人于您打开表单后保存" in response.text
    assert "第一人填写" in response.text and "第二人填写" in response.text
    assert [row[3] for row in report_rows(app)[:1]] == ["第一人填写"]

    # Re-opened, the form carries the new version and the save goes through.
    fresh = form_fields(second.get(url + "?period=2020Q3").text)
    seen_version = report_rows(app)[0][6]
    assert fresh["version"] == str(seen_version)
    assert fresh["progress"] == "第一人填写"
    fresh["progress"] = "第二人核对后填写"
    assert location(second.post(url, data=fresh)) == f"/tasks/{cixi.task_id}"
    assert report_rows(app)[0][3] == "第二人核对后填写"
    assert report_rows(app)[0][6] > seen_version

    # The first person's form (that version is gone now) is refused in turn.
    first_form["progress"] = "第一人再次提交旧表单"
    first_form["version"] = str(seen_version)
    assert "请核对合并后再保存" in first.post(url, data=first_form).text
    assert report_rows(app)[0][3] == "第二人核对后填写"


def test_accepted_report_cannot_be_replaced(app: Flask, client: FlaskClient, cixi: Cixi) -> None:
    """After the office accepts, the lead unit's new save for that period is refused."""
    login(client, "lead")
    url = f"/tasks/{cixi.task_id}/report"
    client.post(url, data=form_fields(client.get(url).text) | GOOD_REPORT)
    with app.app_context():
        report = db.session.scalar(sa.select(ProgressReport))
        assert report is not None
        report_id = report.id
    add_user(app, "office", Role.OFFICE)
    office = app.test_client()
    login(office, "office")
    page = office.get(f"/tasks/{cixi.task_id}")
    office.post(  # past the warning about unconfirmed contributions (issue 12 §6)
        f"/review/reports/{report_id}/decide",
        data={"csrf_token": form_fields(page.text)["csrf_token"], "decision": "accept",
              "despite": "1"},
    )  # fmt: skip
    before = report_rows(app)
    assert before[0][5] == "accepted"
    page_after = client.get(url + "?period=2020Q3").text
    assert 'value="2020Q3"' not in page_after  # an accepted period is no longer offered
    # A form opened before the acceptance still names the period: refused, clearly.
    fields = form_fields(page_after) | {"progress": "改一下", "period": "2020Q3"}
    response = client.post(url, data=fields)
    assert response.status_code == 200
    assert "2020年第三季度的填报已审核通过，不能再修改" in response.text
    assert report_rows(app) == before
    # Reviewing it again is refused too, with a message instead of an error page.
    again = office.post(
        f"/reports/{report_id}/review",
        data={"csrf_token": form_fields(page.text)["csrf_token"], "decision": "return"},
    )
    assert "不能审核" in office.get(location(again)).text
    assert report_rows(app) == before


BAD_MILESTONE_ROWS = [
    pytest.param({"rows-0-due": ""}, "第1行：请填写截止日期", id="missing-date"),
    pytest.param({"rows-1-target": "三成"}, "第2行：目标应为数字", id="target-not-a-number"),
    pytest.param({"rows-1-target": ""}, "第2行：目标应为数字", id="target-missing"),
    pytest.param({"rows-0-kind": ""}, "第1行：请选择节点类型", id="kind-missing"),
    pytest.param(
        {"rows-3-kind": "stage", "rows-3-due": "2021-06-30", "rows-3-comparator": ">="},
        "第4行：阶段节点和常态推进没有比较符",
        id="comparator-on-stage",
    ),
    pytest.param(
        {"rows-0-due": "2019-13-45"}, "第1行「截止日期」：不是有效的日期值", id="bad-date"
    ),
    pytest.param({"rows-0-kind": "bogus"}, "第1行「类型」：不是有效的选择", id="unknown-kind"),
    pytest.param(
        {"rows-0-unit": "单位名太长了超过十个字符"},
        "第1行「单位」：字段长度不能超过 10 个字符",
        id="unit-too-long",
    ),
    pytest.param(
        {"baseline": "abc"}, "基数（计划开始时的水平）：不是有效的浮点数", id="baseline-not-number"
    ),
]


def test_bad_milestone_correction_changes_nothing(
    app: Flask, client: FlaskClient, cixi: Cixi, subtests: pytest.Subtests
) -> None:
    """For each bad row: 200, a Chinese message naming the row, milestones untouched."""
    add_user(app, "office", Role.OFFICE)
    login(client, "office")
    url = f"/tasks/{cixi.task_id}/milestones"
    form = form_fields(client.get(url).text) | {"reviewed": "y"}
    before = milestone_rows(app, cixi.task_id)
    for case in BAD_MILESTONE_ROWS:
        change, message = case.values
        with subtests.test(case.id):
            response = client.post(url, data=form | change)
            assert response.status_code == 200
            assert_chinese_errors(response.text, message)
            assert milestone_rows(app, cixi.task_id) == before
    # The same form without the bad change goes through.
    assert location(client.post(url, data=form)) == f"/tasks/{cixi.task_id}"


def test_report_form_with_unknown_period_in_address_still_opens(
    client: FlaskClient, cixi: Cixi
) -> None:
    """?period= with a garbage or out-of-plan code shows the form (200), not an error."""
    login(client, "lead")
    for code in ("garbage", "2031Q1", "2020Q9", ""):
        page = client.get(f"/tasks/{cixi.task_id}/report?period={code}")
        assert page.status_code == 200, code
        assert "填报进度" in page.text


def submitted_report(app: Flask, task_id: int) -> int:
    """A 2020Q3 report of the lead unit, submitted, awaiting the cooperating units."""
    with app.app_context():
        task = db.session.get(Task, task_id)
        lead = db.session.scalar(sa.select(User).where(User.username == "lead"))
        assert task is not None and lead is not None and lead.unit is not None
        data = reports.ReportInput(period="2020Q3", value=30.0, progress="三季度推进")
        report = reports.submit_report(task, lead.unit, lead, data, date(2020, 10, 12))
        db.session.commit()
        return report.id


BAD_ANSWERS = [
    pytest.param({"decision": ""}, "请选择确认结果", id="decision-missing"),
    pytest.param({"decision": "maybe"}, "不是有效的选择", id="decision-unknown"),
    pytest.param({"decision": "dispute", "reason": " "}, "有异议时请写明理由", id="no-reason"),
    pytest.param(
        {"decision": "dispute", "reason": "长" * 1001}, "异议理由不能超过1000字", id="long-reason"
    ),
    pytest.param(
        {"decision": "confirm", "text": "长" * 501}, "配合情况不能超过500字", id="long-text"
    ),
]


def test_bad_contribution_answer_changes_nothing(
    app: Flask, client: FlaskClient, cixi: Cixi, subtests: pytest.Subtests
) -> None:
    """For each bad answer: 200, a Chinese message, the request still open."""
    add_user(app, "coop", Role.UNIT, COOPERATING_UNITS[0])
    report_id = submitted_report(app, cixi.task_id)
    with app.app_context():
        request_id = db.session.scalar(
            sa.select(Contribution.id)
            .join(Unit)
            .where(Contribution.report_id == report_id, Unit.name == COOPERATING_UNITS[0])
        )
    login(client, "coop")
    url = f"/contributions/{request_id}"
    form = form_fields(client.get(url).text)
    before = report_rows(app)
    for case in BAD_ANSWERS:
        change, message = case.values
        with subtests.test(case.id):
            response = client.post(url, data=form | change)
            assert response.status_code == 200
            assert_chinese_errors(response.text, message)
            assert report_rows(app) == before
    good = form | {"decision": "confirm", "text": "已配合"}
    assert location(client.post(url, data=good)) == f"/tasks/{cixi.task_id}"


BAD_REVIEWS = [
    pytest.param({}, "请选择审核结果", id="decision-missing"),
    pytest.param({"decision": "maybe"}, "不是有效的选择", id="decision-unknown"),
    pytest.param({"decision": "return", "reason": ""}, "退回时请写明理由", id="no-reason"),
    pytest.param(
        {"decision": "return", "reason": "长" * 1001}, "退回理由不能超过1000字", id="long-reason"
    ),
]


def test_bad_review_changes_nothing(
    app: Flask, client: FlaskClient, cixi: Cixi, subtests: pytest.Subtests
) -> None:
    """For each bad review: back to the task page with a Chinese message, report unchanged."""
    add_user(app, "office", Role.OFFICE)
    report_id = submitted_report(app, cixi.task_id)
    login(client, "office")
    token = form_fields(client.get(f"/tasks/{cixi.task_id}").text)["csrf_token"]
    before = report_rows(app)
    for case in BAD_REVIEWS:
        change, message = case.values
        with subtests.test(case.id):
            response = client.post(
                f"/reports/{report_id}/review", data={"csrf_token": token} | change
            )
            assert location(response) == f"/tasks/{cixi.task_id}"
            assert_chinese_errors(client.get(f"/tasks/{cixi.task_id}").text, message)
            assert report_rows(app) == before
    client.post(  # past the warning about unconfirmed contributions (issue 12 §6)
        f"/review/reports/{report_id}/decide",
        data={"csrf_token": token, "decision": "accept", "despite": "1"},
    )
    assert report_rows(app)[0][5] == "accepted"
