"""The report form asks for a relative target's missing base and stores it (issue 10 §2)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.functional.api_helpers import cli_token
from tests.functional.helpers import LEAD_UNIT, add_user, form_fields, import_cixi, location, login
from tracker.domain.milestones import MilestoneKind, MilestoneSpec, Relative, RelativeKind
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEntry, Milestone, Task
from tracker.services import bases

REASON = "缺少2018年基期值，请在填报时补充"


def _make_relative(app: Flask, task_id: int) -> None:
    """The task's target becomes "2020年较2018年下降8%" (base 2018 = the plan's start)."""
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert task is not None
        for milestone in task.milestones:
            milestone.superseded_at = datetime(2020, 1, 1, tzinfo=UTC)
        db.session.flush()
        db.session.expire(task, ["milestones"])
        spec = MilestoneSpec(
            MilestoneKind.LEVEL,
            date(2020, 12, 31),
            "<=",
            None,
            None,
            source="2020年较2018年下降8%",
            relative=Relative(2018, RelativeKind.PERCENT_CHANGE, -8.0),
        )
        task.milestones.append(Milestone.from_spec(spec, 1))
        task.baseline_value = None
        task.needs_review, task.review_reasons = True, REASON
        db.session.commit()


def test_report_form_asks_for_the_missing_base_and_stores_it(
    app: Flask, runner: FlaskCliRunner
) -> None:
    cixi = import_cixi(app, runner)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    _make_relative(app, cixi.task_id)
    client = app.test_client()
    assert login(client, "lead").status_code == 302
    url = f"/tasks/{cixi.task_id}/report"

    before = client.get(f"/tasks/{cixi.task_id}")
    assert before.status_code == 200 and "较2018年下降8%（待填2018年基期值）" in before.text
    page = client.get(url)
    assert page.status_code == 200
    assert f"2018年基期值（{REASON}）" in page.text
    assert 'name="base-value"' in page.text
    assert "完成值（与基期同口径" in page.text

    fields = form_fields(page.text) | {"value": "95", "progress": "能耗下降", "base-value": "100"}
    response = client.post(url, data=fields)
    assert location(response) == f"/tasks/{cixi.task_id}"

    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        assert task is not None
        assert [m.base_value for m in task.milestones] == [100.0]
        assert task.milestones[0].to_spec().relative is not None
        assert bases.missing_bases(task) == ()
        assert REASON not in task.review_reasons and task.needs_review is False
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "record_base"))
        assert entry is not None and entry.task_id == task.id and "100" in entry.after

    assert 'name="base-value"' not in client.get(url).text  # asked no more
    shown = client.get(f"/tasks/{cixi.task_id}")
    assert shown.status_code == 200
    assert "较2018年下降8%（基期值100，目标92）" in shown.text


def test_a_negative_base_is_refused_beside_the_field(app: Flask, runner: FlaskCliRunner) -> None:
    cixi = import_cixi(app, runner)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    _make_relative(app, cixi.task_id)
    client = app.test_client()
    login(client, "lead")
    url = f"/tasks/{cixi.task_id}/report"
    fields = form_fields(client.get(url).text) | {"value": "95", "base-value": "-1"}
    response = client.post(url, data=fields)
    assert response.status_code == 200
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        assert task is not None and task.milestones[0].base_value is None


def test_a_report_without_the_base_leaves_it_missing(app: Flask, runner: FlaskCliRunner) -> None:
    cixi = import_cixi(app, runner)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    _make_relative(app, cixi.task_id)
    client = app.test_client()
    login(client, "lead")
    url = f"/tasks/{cixi.task_id}/report"
    fields = form_fields(client.get(url).text) | {"value": "95", "progress": "能耗下降"}
    assert client.post(url, data=fields).status_code == 302
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        assert task is not None and bases.missing_bases(task) == (2018,)
        assert REASON in task.review_reasons


def test_the_api_stores_the_base_as_the_form_does(app: Flask, runner: FlaskCliRunner) -> None:
    cixi = import_cixi(app, runner)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    _make_relative(app, cixi.task_id)
    headers = {"Authorization": f"Bearer {cli_token(runner, 'lead')}"}
    client = app.test_client()
    url = f"/api/v1/tasks/{cixi.task_id}/bases/2018"
    response = client.put(url, json={"value": 100}, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json == {
        "task_id": cixi.task_id,
        "base_year": 2018,
        "base_value": 100.0,
        "missing_bases": [],
        "notes": [],
    }
    other_url = f"/api/v1/tasks/{cixi.task_id}/bases/2017"
    other = client.put(other_url, json={"value": 1}, headers=headers)
    assert other.status_code == 422
    assert "没有以2017年为基期的目标" in json.dumps(other.json, ensure_ascii=False)
    task_json = client.get(f"/api/v1/tasks/{cixi.task_id}", headers=headers).json
    assert task_json["milestones"][0]["relative"] == {
        "base_year": 2018,
        "kind": "percent_change",
        "amount": -8.0,
        "base_value": 100.0,
    }
