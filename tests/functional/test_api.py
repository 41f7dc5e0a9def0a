"""The JSON API (issue 3 §9): the whole report flow through ``/api/v1``, tokens, the
policy and conflicts. Bad input: :mod:`test_api_validation`; the document:
:mod:`test_api_openapi`.

World: the Cixi plan; its first task (lead 市委组织部, cooperating 市总工会、团市委、市妇联);
today is 2020-11-20 (the test settings). Tokens come from the CLI.
"""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.functional.api_helpers import (
    API,
    World,
    call,
    change_user,
    make_world,
    new_draft,
)
from tests.functional.helpers import COOPERATING_UNITS, LEAD_UNIT, unit_id
from tracker import create_app
from tracker.extensions import db
from tracker.models import ApiToken, Task, User
from tracker.services import tokens


@pytest.fixture(scope="module")
def world(app: Flask, shared_db: None) -> World:
    """The Cixi plan, the API users, and a CLI token for each (built once per module)."""
    return make_world(app, app.test_cli_runner())


# --- tokens and the CLI ------------------------------------------------------------


def test_cli_prints_a_token_stored_only_as_its_hash(
    app: Flask, runner: FlaskCliRunner, world: World
) -> None:
    _, keys = world
    with app.app_context():
        stored = db.session.scalars(
            sa.select(ApiToken.token_hash).join(User).where(User.username == "lead")
        ).all()
    assert stored == [hashlib.sha256(keys["lead"].encode()).hexdigest()]
    assert keys["lead"] not in stored
    plain = runner.invoke(args=["user", "token", "lead"])
    assert plain.exit_code == 0 and "令牌" in plain.output


def test_cli_refuses_an_unknown_user(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(args=["user", "token", "nobody", "--json"])
    assert result.exit_code == 1
    assert "没有用户名为「nobody」的用户" in result.output


def test_missing_bad_revoked_and_inactive_tokens_get_401(
    app: Flask, client: FlaskClient, world: World
) -> None:
    _, keys = world
    for token in (None, "not-a-token"):
        response = call(client, "GET", "/tasks", token)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["error"]
    malformed = client.get(f"{API}/tasks", headers={"Authorization": "Basic abc"})
    assert malformed.status_code == 401
    assert call(client, "GET", "/tasks", keys["leader"]).status_code == 200
    with app.app_context():
        used = db.session.scalars(sa.select(ApiToken.last_used_at)).all()
        assert any(used)
        leader_token = db.session.scalar(
            sa.select(ApiToken).join(User).where(User.username == "leader")
        )
        assert leader_token is not None
        tokens.revoke(leader_token.id)
        db.session.commit()
    change_user(app, "office", active=False)
    assert call(client, "GET", "/tasks", keys["leader"]).status_code == 401
    assert call(client, "GET", "/tasks", keys["office"]).status_code == 401
    assert call(client, "GET", "/tasks", keys["lead"]).status_code == 200


# --- the issue-3 flow ----------------------------------------------------------------


def test_the_whole_report_flow_through_the_api(client: FlaskClient, world: World) -> None:
    cixi, keys = world
    task = cixi.task_id
    draft = new_draft(client, task, keys["lead"])
    assert draft["status"] == "draft" and draft["period_label"] == "2020年第三季度"
    assert draft["unit"] == LEAD_UNIT and draft["value_unit"] == "%"
    rid = draft["id"]

    patched = call(
        client, "PATCH", f"/reports/{rid}", keys["lead"], {"value": 31, "version": draft["version"]}
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["value"] == 31 and patched.json["version"] > draft["version"]
    assert patched.json["progress"] == "三季度按计划推进"  # untouched fields stay

    submitted = call(client, "POST", f"/reports/{rid}/submit", keys["lead"])
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["status"] == "submitted" and submitted.json["submitted_on"]
    assert sorted(c["unit"] for c in submitted.json["contributions"]) == sorted(COOPERATING_UNITS)

    no_reason = call(
        client, "POST", f"/reports/{rid}/review", keys["office"], {"decision": "return"}
    )
    assert no_reason.status_code == 422 and no_reason.json["field"] == "reason"
    returned = call(
        client,
        "POST",
        f"/reports/{rid}/review",
        keys["office"],
        {"decision": "return", "reason": "请补充数据来源"},
    )
    assert returned.status_code == 200
    assert returned.json["status"] == "returned"
    assert returned.json["return_reason"] == "请补充数据来源"

    again = call(
        client, "PATCH", f"/reports/{rid}", keys["lead"], {"progress": "已补充：据组织部统计"}
    )
    assert again.status_code == 200 and again.json["status"] == "draft"
    resubmitted = call(client, "POST", f"/reports/{rid}/submit", keys["lead"])
    assert resubmitted.json["status"] == "submitted" and resubmitted.json["return_reason"] == ""

    by_unit = {c["unit"]: c["id"] for c in resubmitted.json["contributions"]}
    confirmed = call(
        client,
        "POST",
        f"/contributions/{by_unit[COOPERATING_UNITS[0]]}/confirm",
        keys["coop"],
        {"text": "已组织工会配合"},
    )
    assert confirmed.status_code == 200 and confirmed.json["status"] == "confirmed"
    assert confirmed.json["report_id"] == rid and confirmed.json["task_id"] == task
    disputed_path = f"/contributions/{by_unit[COOPERATING_UNITS[1]]}/dispute"
    no_reason = call(client, "POST", disputed_path, keys["coop2"], {})
    assert no_reason.status_code == 422 and no_reason.json["field"] == "reason"
    disputed = call(client, "POST", disputed_path, keys["coop2"], {"reason": "团市委未参与此项"})
    assert disputed.status_code == 200 and disputed.json["status"] == "disputed"
    assert disputed.json["reason"] == "团市委未参与此项"

    accepted = call(
        client, "POST", f"/reports/{rid}/review", keys["office"], {"decision": "accept"}
    )
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    assert accepted.json["reviewed_on"] == "2020-11-20"
    late = call(
        client, "POST", f"/contributions/{by_unit[COOPERATING_UNITS[0]]}/confirm", keys["coop"]
    )
    assert late.status_code == 200  # still open until its own deadline (issue 12 §6)

    shown = call(client, "GET", f"/reports/{rid}", keys["coop"])
    assert shown.status_code == 200 and shown.json["status"] == "accepted"

    history = call(client, "GET", f"/tasks/{task}/history", keys["leader"])
    assert history.status_code == 200 and history.json["task_id"] == task
    steps = [(e["user"], e["action"]) for e in history.json["entries"]]
    expected = [
        ("lead", "save_draft"),
        ("lead", "save_draft"),
        ("lead", "submit"),
        ("office", "return"),
        ("lead", "save_draft"),
        ("lead", "submit"),
        ("coop", "confirm"),
        ("coop2", "dispute"),
        ("office", "accept"),
        ("coop", "confirm"),  # after the acceptance, before its deadline
    ]
    assert [s for s in steps if s[1] != "request"] == expected
    assert sum(1 for s in steps if s[1] == "request") == 3
    returning = next(e for e in history.json["entries"] if e["action"] == "return")
    assert returning["summary"] == "请补充数据来源" and returning["entity_id"] == rid
    stored = [{k: c[k] for k in ("field", "before", "after")} for c in returning["changes"]]
    assert {"field": "status", "before": "submitted", "after": "returned"} in stored
    status = next(c for c in returning["changes"] if c["field"] == "status")
    assert (status["label"], status["before_text"], status["after_text"]) == (
        "状态",
        "待审核",
        "已退回",
    )
    assert returning["action_label"] == "退回"


def test_correction_of_an_accepted_report(client: FlaskClient, world: World) -> None:
    cixi, keys = world
    rid = new_draft(client, cixi.task_id, keys["lead"])["id"]
    call(client, "POST", f"/reports/{rid}/submit", keys["lead"])
    call(client, "POST", f"/reports/{rid}/review", keys["office"], {"decision": "accept"})
    correction = call(client, "POST", f"/reports/{rid}/correct", keys["lead"])
    assert correction.status_code == 201 and correction.json["revision"] == 2
    assert correction.headers["Location"].endswith(f"/api/v1/reports/{correction.json['id']}")
    stale = call(client, "PATCH", f"/reports/{rid}", keys["lead"], {"value": 1})
    assert stale.status_code == 409 and stale.json["field"] == "period"
    listed = call(client, "GET", f"/tasks/{cixi.task_id}/reports", keys["lead"])
    assert [r["revision"] for r in listed.json["reports"]] == [2, 1]


def test_tasks_list_filters_and_unit_visibility(
    app: Flask, client: FlaskClient, world: World
) -> None:
    cixi, keys = world
    everything = call(client, "GET", "/tasks", keys["office"])
    assert everything.status_code == 200 and everything.json["as_of"] == "2020-11-20"
    all_ids = {t["id"] for t in everything.json["tasks"]}
    assert cixi.task_id in all_ids and len(all_ids) > 10

    task = call(client, "GET", f"/tasks/{cixi.task_id}", keys["office"]).json
    assert {"state", "expected", "actual", "plan_id", "milestones", "lead_units"} <= set(task)
    assert task["plan_id"] == cixi.plan_id and task["lead_units"] == [LEAD_UNIT]

    by_name = call(client, "GET", f"/tasks?unit={LEAD_UNIT}&plan={cixi.plan_id}", keys["office"])
    by_id = call(client, "GET", f"/tasks?unit={unit_id(app, LEAD_UNIT)}", keys["office"])
    assert by_name.json["tasks"] == by_id.json["tasks"]
    assert all(LEAD_UNIT in t["lead_units"] + t["cooperating_units"] for t in by_id.json["tasks"])
    state = task["state"]
    same_state = call(client, "GET", f"/tasks?state={state}", keys["office"]).json["tasks"]
    assert cixi.task_id in {t["id"] for t in same_state}
    assert all(t["state"] == state for t in same_state)

    mine = call(client, "GET", "/tasks", keys["coop"]).json["tasks"]
    assert mine and all(
        COOPERATING_UNITS[0] in t["lead_units"] + t["cooperating_units"] for t in mine
    )
    assert len(mine) < len(all_ids)

    for query, field in (
        ("unit=99999999999999999999999", "unit"),
        ("plan=99999999999999999999999", "plan"),
    ):
        bad = call(client, "GET", f"/tasks?{query}", keys["office"])
        assert bad.status_code == 422 and bad.json["field"] == field, query
    for query, field in (
        ("state=late", "state"),
        ("unit=不存在的单位", "unit"),
        ("plan=x", "plan"),
    ):
        bad = call(client, "GET", f"/tasks?{query}", keys["office"])
        assert bad.status_code == 422 and bad.json["field"] == field, query
    assert call(client, "GET", "/tasks?plan=999999", keys["office"]).status_code == 404


# --- errors --------------------------------------------------------------------------


def test_the_policy_refuses_what_the_web_refuses(client: FlaskClient, world: World) -> None:
    cixi, keys = world
    path = f"/tasks/{cixi.task_id}/reports"
    body = {"period": "2020Q3", "progress": "x"}
    for who in ("coop", "other", "office", "leader"):
        refused = call(client, "POST", path, keys[who], body)
        assert refused.status_code == 403 and refused.json["error"], who
    rid = new_draft(client, cixi.task_id, keys["lead"])["id"]
    call(client, "POST", f"/reports/{rid}/submit", keys["lead"])
    own_review = call(
        client, "POST", f"/reports/{rid}/review", keys["lead"], {"decision": "accept"}
    )
    assert own_review.status_code == 403
    assert call(client, "GET", f"/reports/{rid}", keys["other"]).status_code == 403
    contribution = call(client, "GET", f"/reports/{rid}", keys["coop"]).json["contributions"][0]
    assert contribution["unit"] == COOPERATING_UNITS[0]
    not_yours = call(client, "POST", f"/contributions/{contribution['id']}/confirm", keys["coop2"])
    assert not_yours.status_code == 403
    assert call(client, "PATCH", f"/reports/{rid}", keys["lead"], {"value": 1}).status_code == 409


def test_a_stale_patch_gets_409_with_both_texts(client: FlaskClient, world: World) -> None:
    cixi, keys = world
    draft = new_draft(client, cixi.task_id, keys["lead"])
    first = call(
        client,
        "PATCH",
        f"/reports/{draft['id']}",
        keys["lead"],
        {"progress": "甲的修改", "version": draft["version"]},
    )
    assert first.status_code == 200
    stale = call(
        client,
        "PATCH",
        f"/reports/{draft['id']}",
        keys["lead"],
        {"progress": "乙的修改", "version": draft["version"]},
    )
    assert stale.status_code == 409, stale.json
    assert stale.json["theirs"]["progress"] == "甲的修改"
    assert stale.json["mine"]["progress"] == "乙的修改"
    assert stale.json["version"] == first.json["version"]
    assert (
        call(client, "GET", f"/reports/{draft['id']}", keys["lead"]).json["progress"] == "甲的修改"
    )

    duplicate = call(
        client, "POST", f"/tasks/{cixi.task_id}/reports", keys["lead"], {"period": "2020Q3"}
    )
    assert duplicate.status_code == 409 and duplicate.json["report_id"] == draft["id"]
    assert duplicate.json["theirs"]["progress"] == "甲的修改"


def test_submit_without_progress_is_422(client: FlaskClient, world: World) -> None:
    cixi, keys = world
    body = {"period": "2020Q2"}
    rid = call(client, "POST", f"/tasks/{cixi.task_id}/reports", keys["lead"], body).json["id"]
    response = call(client, "POST", f"/reports/{rid}/submit", keys["lead"])
    assert response.status_code == 422 and response.json["field"] == "value"
    call(client, "PATCH", f"/reports/{rid}", keys["lead"], {"value": 20})
    response = call(client, "POST", f"/reports/{rid}/submit", keys["lead"])
    assert response.status_code == 422 and response.json["field"] == "progress"


def test_an_unexpected_error_is_a_json_500(app: Flask, world: World) -> None:
    """A throwaway route under the API's endpoint prefix, on an app of its own."""
    _, keys = world
    other = create_app(
        {
            "TRACKER_SETTINGS": "test",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )

    def boom() -> str:
        raise RuntimeError("boom")

    other.add_url_rule(f"{API}/boom", endpoint="api.boom", view_func=boom)
    response = call(other.test_client(), "GET", "/boom", keys["office"])
    assert response.status_code == 500
    assert response.is_json and response.json == {"error": "系统出现错误，请稍后再试"}


# --- the OpenAPI document -------------------------------------------------------------


def test_unit_approval_through_the_api(app: Flask, client: FlaskClient, world: World) -> None:
    """Where the plan asks for unit approval, the lead unit's approver passes a report
    on before the office can review it; a reporter who is not the approver cannot."""
    cixi, keys = world
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        assert task is not None
        task.plan.unit_approval = True
        db.session.commit()
    rid = new_draft(client, cixi.task_id, keys["lead"])["id"]
    pending = call(client, "POST", f"/reports/{rid}/submit", keys["lead"])
    assert pending.json["status"] == "pending_approval"
    early = call(client, "POST", f"/reports/{rid}/review", keys["office"], {"decision": "accept"})
    assert early.status_code == 409
    refused = call(client, "POST", f"/reports/{rid}/approve", keys["lead"], {"decision": "accept"})
    assert refused.status_code == 403
    change_user(app, "lead", is_approver=True)
    passed = call(client, "POST", f"/reports/{rid}/approve", keys["lead"], {"decision": "accept"})
    assert passed.status_code == 200 and passed.json["status"] == "submitted"
    accepted = call(
        client, "POST", f"/reports/{rid}/review", keys["office"], {"decision": "accept"}
    )
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
