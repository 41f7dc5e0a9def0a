"""The report lifecycle through the pages: drafts, a stale save showing both texts, unit
approval, corrections, and the task's history."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.functional.helpers import (
    LEAD_UNIT,
    Cixi,
    add_user,
    form_fields,
    import_cixi,
    location,
    login,
    token,
)
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Plan, ProgressReport, ReportStatus, User


def setup(app: Flask, runner: FlaskCliRunner) -> Cixi:
    cixi = import_cixi(app, runner)
    add_user(app, "writer", Role.UNIT, LEAD_UNIT)
    add_user(app, "colleague", Role.UNIT, LEAD_UNIT)
    add_user(app, "office", Role.OFFICE)
    return cixi


def rows(app: Flask) -> list[tuple[int, str, str]]:
    with app.app_context():
        return [
            (r.revision, r.status.value, r.progress)
            for r in db.session.scalars(sa.select(ProgressReport).order_by(ProgressReport.id))
        ]


def test_a_draft_is_saved_without_reaching_the_office(app: Flask, runner: FlaskCliRunner) -> None:
    cixi = setup(app, runner)
    writer = app.test_client()
    login(writer, "writer")
    url = f"/tasks/{cixi.task_id}/report"

    fields = form_fields(writer.get(url).text) | {"value": "", "progress": "", "action": "draft"}
    saved = writer.post(url, data=fields)
    page = writer.get(location(saved))

    assert "草稿已保存，尚未提交。" in page.text
    assert "继续编辑草稿" in page.text
    assert rows(app) == [(1, "draft", "")]


def test_a_stale_save_shows_both_texts_and_saves_nothing(
    app: Flask, runner: FlaskCliRunner
) -> None:
    cixi = setup(app, runner)
    first, second = app.test_client(), app.test_client()
    login(first, "writer")
    login(second, "colleague")
    url = f"/tasks/{cixi.task_id}/report"
    base = {"period": "2020Q3", "value": "30", "action": "draft"}
    opened_by_first = form_fields(first.get(url).text)
    opened_by_second = form_fields(second.get(url).text)

    second.post(url, data=opened_by_second | base | {"progress": "乙先保存的文字"})
    refused = first.post(url, data=opened_by_first | base | {"progress": "甲后保存的文字"})

    assert refused.status_code == 200
    assert "已被他人于您打开表单后保存" in refused.text
    assert "乙先保存的文字" in refused.text and "甲后保存的文字" in refused.text
    assert rows(app) == [(1, "draft", "乙先保存的文字")]
    # Having seen both, the first writer saves again on purpose: now it goes through.
    again = first.post(url, data=form_fields(refused.text) | base | {"progress": "合并后的文字"})
    assert again.status_code == 302
    assert rows(app) == [(1, "draft", "合并后的文字")]


def test_unit_approval_then_office_review(app: Flask, runner: FlaskCliRunner) -> None:
    cixi = setup(app, runner)
    add_user(app, "approver", Role.UNIT, LEAD_UNIT)
    with app.app_context():
        db.session.scalars(sa.select(Plan)).one().unit_approval = True
        db.session.scalars(
            sa.select(User).where(User.username == "approver")
        ).one().is_approver = True
        db.session.commit()
    writer, approver = app.test_client(), app.test_client()
    login(writer, "writer")
    login(approver, "approver")
    url = f"/tasks/{cixi.task_id}/report"
    fields = form_fields(writer.get(url).text) | {"value": "30", "progress": "推进中"}

    submitted = writer.post(url, data=fields)
    assert "已提交，等待本单位审批。" in writer.get(location(submitted)).text
    task_page = approver.get(f"/tasks/{cixi.task_id}")
    assert "提交审批" in task_page.text
    assert "提交审批" not in writer.get(f"/tasks/{cixi.task_id}").text
    with app.app_context():
        report_id = db.session.scalars(sa.select(ProgressReport.id)).one()
    approved = approver.post(
        f"/reports/{report_id}/approve", data={"csrf_token": token(approver), "decision": "accept"}
    )
    refused = writer.post(
        f"/reports/{report_id}/approve", data={"csrf_token": token(writer), "decision": "accept"}
    )

    assert "已审批，报送改革办。" in approver.get(location(approved)).text
    assert refused.status_code == 403
    assert rows(app) == [(1, "submitted", "推进中")]


def test_correction_of_an_accepted_report_and_history(app: Flask, runner: FlaskCliRunner) -> None:
    cixi = setup(app, runner)
    writer, office = app.test_client(), app.test_client()
    login(writer, "writer")
    login(office, "office")
    url = f"/tasks/{cixi.task_id}/report"
    writer.post(url, data=form_fields(writer.get(url).text) | {"value": "30", "progress": "原稿"})
    with app.app_context():
        report_id = db.session.scalars(sa.select(ProgressReport.id)).one()
    office.post(  # past the warning about the cooperating units not yet confirmed
        f"/review/reports/{report_id}/decide",
        data={"csrf_token": token(office), "decision": "accept", "despite": "1"},
    )

    started = writer.post(f"/reports/{report_id}/correct", data={"csrf_token": token(writer)})
    form_page = writer.get(location(started))
    assert 'value="2020Q3" selected' in form_page.text or "2020Q3" in location(started)
    writer.post(url, data=form_fields(form_page.text) | {"value": "31", "progress": "更正稿"})
    with app.app_context():
        correction_id = db.session.scalars(
            sa.select(ProgressReport.id).where(ProgressReport.revision == 2)
        ).one()
    office.post(
        f"/review/reports/{correction_id}/decide",
        data={"csrf_token": token(office), "decision": "accept", "despite": "1"},
    )

    assert rows(app) == [(1, "superseded", "原稿"), (2, "accepted", "更正稿")]
    page = office.get(f"/tasks/{cixi.task_id}").text
    assert "（更正第1次）" in page and "已更正" in page
    assert "变更记录" in page
    for words in ("保存草稿", "提交", "审核通过", "发起更正", "被更正版取代"):
        assert words in page
    assert "<del>原稿</del> → 更正稿" in page
    with app.app_context():
        statuses = {r.status for r in db.session.scalars(sa.select(ProgressReport))}
    assert statuses == {ReportStatus.SUPERSEDED, ReportStatus.ACCEPTED}
