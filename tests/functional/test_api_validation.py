"""Bad input to ``/api/v1``: every body and parameter is checked by the request models
before a service runs, and every refusal is ``{"error", "field"}`` JSON with a Chinese
message — 400 (not a JSON object), 415 (not JSON), 422 (with the field), 404 (an id or
a path nothing has), 405 (a wrong method) — never a 500.

World: as :mod:`test_api`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.functional.api_helpers import API, World, call, make_world, new_draft
from tracker.web.api.responses import rfc3339


@pytest.fixture
def world(app: Flask, runner: FlaskCliRunner) -> World:
    """The Cixi plan, the API users, and a CLI token for each."""
    return make_world(app, runner)


def test_bad_bodies_give_400_or_422_with_the_field(client: FlaskClient, world: World) -> None:
    cixi, keys = world
    path = f"/tasks/{cixi.task_id}/reports"
    for raw in ("{not json", "[1, 2]", '"text"', "", "[" * 100_000):
        response = call(client, "POST", path, keys["lead"], raw=raw)
        assert response.status_code == 400, raw
        assert response.is_json and response.json["error"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"period": "2020Q3", "value": "thirty"}, "value"),
        ({"period": "2020Q3", "value": True}, "value"),
        ({"period": "2020Q3", "progress": 5}, "progress"),
        ({"period": 2020}, "period"),
        ({"value": 3}, "period"),
        ({"period": "2020Q3", "colour": "red"}, "colour"),
        ({"period": "2020Q3", "progress": "长" * 2001}, "progress"),
        ({"period": "2031Q1"}, "period"),  # outside the plan: the service says so
        ({"period": "someday"}, "period"),
        ({"period": "2020Q3", "value": -1}, "value"),
        ({"period": "2020Q3", "value": 10**400}, "value"),
        ({"period": "2020Q3", "progress": "a\x00b"}, "progress"),
        ({"period": "2020Q3", "problems": "\udc00"}, "problems"),
    ]
    for body, field in cases:
        response = call(client, "POST", path, keys["lead"], body)
        assert response.status_code == 422, body
        assert response.json["field"] == field, body
    rid = new_draft(client, cixi.task_id, keys["lead"])["id"]
    bad_version = call(client, "PATCH", f"/reports/{rid}", keys["lead"], {"version": "1"})
    assert bad_version.status_code == 422 and bad_version.json["field"] == "version"
    decision = call(client, "POST", f"/reports/{rid}/review", keys["office"], {"decision": "ok"})
    assert decision.status_code == 422 and decision.json["field"] == "decision"


def test_unknown_ids_paths_and_methods(client: FlaskClient, world: World) -> None:
    cixi, keys = world
    for method, path, who in (
        ("GET", "/tasks/999999", "office"),
        ("GET", "/tasks/999999/history", "office"),
        ("GET", "/reports/999999", "office"),
        ("PATCH", "/reports/999999", "lead"),
        ("POST", "/reports/999999/submit", "lead"),
        ("POST", "/reports/999999/review", "office"),
        ("POST", "/contributions/999999/confirm", "coop"),
        ("GET", "/no/such/route", "office"),
        ("GET", "/tasks/abc", "office"),
        ("GET", f"/tasks/{10**30}", "office"),
        ("POST", f"/reports/{2**63}/review", "office"),
    ):
        response = call(client, method, path, keys[who], {"decision": "accept"})
        assert response.status_code == 404, (method, path)
        assert response.is_json and response.json["error"], (method, path)
    wrong = call(client, "DELETE", f"/tasks/{cixi.task_id}", keys["office"])
    assert wrong.status_code == 405 and wrong.is_json and wrong.headers["Allow"] == "GET"


def test_refusals_are_in_chinese_and_name_the_field(client: FlaskClient, world: World) -> None:
    cixi, keys = world
    path = f"/tasks/{cixi.task_id}/reports"
    cases = [
        ({"progress": "x"}, "缺少字段「period」"),
        ({"period": "2020Q3", "colour": "red"}, "不认识的字段「colour」"),
        ({"period": "2020Q3", "value": "thirty"}, "字段「value」应为数字或 null"),
        ({"period": "2020Q3", "progress": "长" * 2001}, "字段「progress」不能超过2000字"),
        ({"period": "2020Q3", "value": -1}, "字段「value」不能小于 0"),
        ({"period": "2020Q3", "problems": "\udc00"}, "字段「problems」含有不允许的字符"),
    ]
    for body, message in cases:
        response = call(client, "POST", path, keys["lead"], body)
        assert response.status_code == 422 and response.json["error"] == message, body
    wrong = call(
        client,
        "POST",
        f"/reports/{new_draft(client, cixi.task_id, keys['lead'])['id']}/review",
        keys["office"],
        {"decision": "ok"},
    )
    assert wrong.json["error"] == "字段「decision」应为 accept、return 之一"


def test_every_tasks_parameter_is_checked(client: FlaskClient, world: World) -> None:
    """Odd digits, huge numbers and unknown states are a 422 naming the parameter; an
    empty parameter is as if absent."""
    _, keys = world
    for query, field in (
        ("unit=³", "unit"),
        ("plan=³", "plan"),
        ("plan=-1", "plan"),
        ("plan=1.5", "plan"),
        ("plan=1&plan=2", "plan"),
        ("state=³", "state"),
        (f"unit={'长' * 101}", "unit"),
    ):
        bad = call(client, "GET", f"/tasks?{query}", keys["office"])
        assert bad.status_code == 422 and bad.json["field"] == field, query
        assert bad.json["error"].startswith(f"参数「{field}」") or field == "unit", query
    everything = call(client, "GET", "/tasks", keys["office"]).json["tasks"]
    blank = call(client, "GET", "/tasks?plan=&unit=&state=", keys["office"])
    assert blank.status_code == 200 and blank.json["tasks"] == everything


def test_bodies_must_be_json(client: FlaskClient, world: World) -> None:
    """A body of another media type is a 415; an optional body may be left out."""
    cixi, keys = world
    response = client.post(
        f"{API}/tasks/{cixi.task_id}/reports",
        headers={"Authorization": f"Bearer {keys['lead']}"},
        data="period=2020Q3",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415 and response.is_json and response.json["error"]
    rid = new_draft(client, cixi.task_id, keys["lead"])["id"]
    bare = client.post(
        f"{API}/reports/{rid}/submit", headers={"Authorization": f"Bearer {keys['lead']}"}
    )
    assert bare.status_code == 200 and bare.json["status"] == "submitted"
    for body, field in (
        ({"instruction_answers": {"x": "答"}}, "instruction_answers"),
        ({"instruction_answers": {"1": 2}}, "instruction_answers"),
        ({"instruction_answers": []}, "instruction_answers"),
    ):
        refused = call(client, "POST", f"/reports/{rid}/submit", keys["lead"], body)
        assert refused.status_code == 422 and refused.json["field"] == field, body


def test_history_times_are_rfc3339_with_an_offset(client: FlaskClient, world: World) -> None:
    cixi, keys = world
    new_draft(client, cixi.task_id, keys["lead"])
    entries = call(client, "GET", f"/tasks/{cixi.task_id}/history", keys["office"]).json["entries"]
    assert entries
    for entry in entries:
        assert entry["at"].endswith("+00:00"), entry["at"]
        assert datetime.fromisoformat(entry["at"]).utcoffset() == timedelta(0)


def test_naive_and_aware_times_come_out_alike() -> None:
    """SQLite hands back naive UTC, PostgreSQL an aware time in its own zone: both are
    written in UTC with the offset."""
    shanghai = timezone(timedelta(hours=8))
    assert rfc3339(datetime(2020, 11, 20, 8, 0, 0, 123)) == "2020-11-20T08:00:00+00:00"
    assert rfc3339(datetime(2020, 11, 20, 16, 0, tzinfo=shanghai)) == "2020-11-20T08:00:00+00:00"


def test_a_body_the_route_does_not_take_is_not_read(client: FlaskClient, world: World) -> None:
    """GET and a bodiless POST ignore what is sent (as before the schemas)."""
    cixi, keys = world
    body: Any = {"anything": 1}
    shown = call(client, "GET", f"/tasks/{cixi.task_id}", keys["office"], body)
    assert shown.status_code == 200
