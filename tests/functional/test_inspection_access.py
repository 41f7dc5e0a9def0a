"""Every supervision route for every role (issue 15): the web pages and the API, walked
like tests/functional/test_route_access.py and test_api_access.py, whose "every route is
listed" checks also count these tables.

World: that of the route walk, plus an on-site round ``{inspection}`` of the lead unit
(市委组织部) checking the first task (item ``{item}``), a finding ``{problem}`` of that
unit, and a debriefing ``{debriefing}`` of it (unit ``{unit}``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from config.settings import Settings
from tests.functional import test_api_access as api_walk
from tests.functional import test_route_access as web_walk
from tests.functional.api_helpers import API, call
from tests.functional.helpers import LEAD_UNIT, login
from tracker.extensions import db
from tracker.models import Task, Unit, User
from tracker.services.inspections import debriefings, problems, rounds

L = web_walk.LOGIN
WebCase = web_walk.Case
ApiCase = api_walk.Case
MISSING = web_walk.MISSING


def supervision_world(app: Flask, ids: dict[str, int]) -> dict[str, int]:
    """Add the round, the finding and the debriefing to a walk's world; their ids."""
    with app.app_context():
        task = db.session.get(Task, ids["task"])
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == LEAD_UNIT))
        office = db.session.scalar(sa.select(User).where(User.role == "office"))
        assert task is not None and unit is not None
        inspection = rounds.create_inspection(
            rounds.InspectionInput(
                name="2020年实地督查",
                kind="on_site",
                starts_on=date(2020, 9, 14),
                ends_on=date(2020, 9, 18),
                unit_ids=[unit.id],
                task_ids=[task.id],
            ),
            office,
        )
        problem = rounds.record_finding(
            inspection,
            problems.ProblemInput(unit.id, "inspection", "台账不全", date(2020, 9, 18), 10),
            office,
        )
        round_ = debriefings.create_debriefing(
            debriefings.DebriefingInput(
                "2020年述职评议", date(2020, 12, 20), [unit.id], "推进:100"
            ),
            office,
        )
        db.session.commit()
        return ids | {
            "inspection": inspection.id,
            "item": inspection.items[0].id,
            "problem": problem.id,
            "debriefing": round_.id,
            "unit": unit.id,
        }


# fmt: off
WEB_CASES: tuple[WebCase, ...] = (
    #    anonymous office  leader  assessor  admin   lead    cooperating  unrelated
    WebCase("GET", "/inspections", "inspections.index", "", (L, 200, 200, 200, 403, 200, 200, 200)),
    WebCase("GET", "/inspections/{inspection}", "inspections.show", "",
            (L, 200, 200, 200, 403, 200, 403, 403)),
    WebCase("GET", "/inspections/{missing}", "inspections.show", "",
            (L, 404, 404, 404, 403, 404, 404, 404)),
    WebCase("GET", "/problems", "problems.index", "", (L, 200, 200, 200, 403, 200, 200, 200)),
    WebCase("GET", "/problems.xlsx", "problems.download", "",
            (L, 200, 200, 200, 403, 200, 200, 200)),
    WebCase("GET", "/problems/{problem}", "problems.show", "",
            (L, 200, 200, 200, 403, 200, 403, 403)),
    WebCase("GET", "/problems/{missing}", "problems.show", "",
            (L, 404, 404, 404, 403, 404, 404, 404)),
    WebCase("GET", "/inspection-files/{missing}", "problems.file", "",
            (L, 404, 404, 404, 403, 404, 404, 404)),
    WebCase("GET", "/closed-tasks", "closing.index", "", (L, 200, 200, 200, 403, 403, 403, 403)),
    WebCase("GET", "/tasks/{task}/closing", "closing.page", "",
            (L, 200, 403, 403, 403, 403, 403, 403)),
    WebCase("GET", "/tasks/{missing}/closing", "closing.page", "",
            (L, 404, 404, 404, 404, 404, 404, 404)),
    WebCase("GET", "/debriefings", "debriefings.index", "",
            (L, 200, 200, 200, 403, 200, 200, 200)),
    WebCase("GET", "/debriefings/{debriefing}", "debriefings.show", "",
            (L, 200, 200, 200, 403, 200, 403, 403)),
    WebCase("GET", "/debriefings/{missing}", "debriefings.show", "",
            (L, 404, 404, 404, 403, 404, 404, 404)),
    # Writes with only the CSRF token: the allowed user gets the form back with its
    # messages (200) or is sent back to the page with them flashed.
    WebCase("POST", "/inspections", "inspections.index", "token",
            (L, 200, 403, 403, 403, 403, 403, 403)),
    WebCase("POST", "/inspections/{inspection}/findings", "inspections.record_finding", "token",
            (L, 200, 403, 403, 403, 403, 403, 403)),
    WebCase("POST", "/inspections/{inspection}/items/{item}/self-check",
            "inspections.self_check", "token", (L, 403, 403, 403, 403, 200, 403, 403)),
    WebCase("POST", "/problems", "problems.index", "token",
            (L, 200, 403, 403, 403, 403, 403, 403)),
    WebCase("POST", "/problems/{problem}/rectify", "problems.rectify", "token",
            (L, 403, 403, 403, 403, "→/problems/{problem}", 403, 403)),
    WebCase("POST", "/problems/{problem}/close", "problems.close", "token",
            (L, "→/problems/{problem}", 403, 403, 403, 403, 403, 403)),
    WebCase("POST", "/problems/{problem}/return", "problems.send_back", "token",
            (L, "→/problems/{problem}", 403, 403, 403, 403, 403, 403)),
    WebCase("POST", "/tasks/{task}/close", "closing.close", "token",
            (L, "→/tasks/{task}/closing", 403, 403, 403, 403, 403, 403)),
    WebCase("POST", "/tasks/{task}/reopen", "closing.reopen", "token",
            (L, "→/tasks/{task}/closing", 403, 403, 403, 403, 403, 403)),
    WebCase("POST", "/debriefings", "debriefings.index", "token",
            (L, 200, 403, 403, 403, 403, 403, 403)),
    WebCase("POST", "/debriefings/{debriefing}/report", "debriefings.hand_in", "token",
            (L, 403, 403, 403, 403, "→/debriefings/{debriefing}", 403, 403)),
    WebCase("POST", "/debriefings/{debriefing}/units/{unit}/rate", "debriefings.rate", "token",
            (L, 403, "→/debriefings/{debriefing}", "→/debriefings/{debriefing}", 403, 403, 403,
             403)),
)

NOTE = {"note": "属实"}
#: Stands for the lead unit's id in a body (ids differ between databases).
UNIT = -1
FINDING = {"unit_id": MISSING, "description": "x", "deadline_workdays": 5}
API_CASES: tuple[ApiCase, ...] = (
    #    no_token bad_token office leader assessor admin lead cooperating unrelated
    ApiCase("GET", "/problems", "api.list_problems", None,
            (401, 401, 200, 200, 200, 403, 200, 200, 200)),
    ApiCase("GET", "/problems/{problem}", "api.get_problem", None,
            (401, 401, 200, 200, 200, 403, 200, 403, 403)),
    ApiCase("GET", "/problems/{missing}", "api.get_problem", None,
            (401, 401, 404, 404, 404, 403, 404, 404, 404)),
    ApiCase("GET", "/inspections", "api.list_inspections", None,
            (401, 401, 200, 200, 200, 403, 200, 200, 200)),
    ApiCase("GET", "/inspections/{inspection}", "api.get_inspection", None,
            (401, 401, 200, 200, 200, 403, 200, 403, 403)),
    ApiCase("GET", "/debriefings", "api.list_debriefings", None,
            (401, 401, 200, 200, 200, 403, 200, 200, 200)),
    ApiCase("GET", "/debriefings/{debriefing}", "api.get_debriefing", None,
            (401, 401, 200, 200, 200, 403, 200, 403, 403)),
    ApiCase("GET", "/debriefings/{missing}", "api.get_debriefing", None,
            (401, 401, 404, 404, 404, 403, 404, 404, 404)),
    ApiCase("POST", "/debriefings/{debriefing}/report", "api.hand_in", {"text": "述职报告"},
            (401, 401, 403, 403, 403, 403, 200, 403, 403)),
    ApiCase("POST", "/debriefings/{debriefing}/units/{unit}/rate", "api.rate", {"scores": [80]},
            (401, 401, 403, 200, 200, 403, 403, 403, 403)),
    ApiCase("POST", "/debriefings/{debriefing}/units/{missing}/rate", "api.rate",
            {"scores": [80]}, (401, 401, 403, 404, 404, 403, 403, 403, 403)),
    ApiCase("POST", "/inspections/{inspection}/items/{item}/self-check", "api.self_check",
            {"text": "已自查"}, (401, 401, 403, 403, 403, 403, 200, 403, 403)),
    ApiCase("POST", "/problems", "api.create_problem",
            {"unit_id": UNIT, "source": "public_clue", "description": "x", "found_on": "2020-09-01",
             "deadline_workdays": 5}, (401, 401, 201, 403, 403, 403, 403, 403, 403)),
    ApiCase("POST", "/inspections", "api.create_inspection",
            {"name": "专项督查", "kind": "special", "starts_on": "2020-10-09",
             "ends_on": "2020-10-10", "unit_ids": [UNIT]},
            (401, 401, 201, 403, 403, 403, 403, 403, 403)),
    ApiCase("POST", "/inspections/{inspection}/findings", "api.record_finding", FINDING,
            (401, 401, 422, 403, 403, 403, 403, 403, 403)),
    ApiCase("POST", "/problems/{problem}/rectify", "api.rectify", {"rectification": "已整改"},
            (401, 401, 403, 403, 403, 403, 200, 403, 403)),
    ApiCase("POST", "/problems/{problem}/verify", "api.verify", {"decision": "return"},
            (401, 401, 422, 403, 403, 403, 403, 403, 403)),
    ApiCase("POST", "/problems/{problem}/close", "api.close_problem", NOTE,
            (401, 401, 200, 403, 403, 403, 403, 403, 403)),
    ApiCase("POST", "/problems/{missing}/close", "api.close_problem", NOTE,
            (401, 401, 404, 404, 404, 403, 404, 404, 404)),
    ApiCase("POST", "/tasks/{task}/close", "api.close_task", {},
            (401, 401, 409, 403, 403, 403, 403, 403, 403)),
    ApiCase("POST", "/tasks/{task}/reopen", "api.reopen_task", {"reason": "复查"},
            (401, 401, 409, 403, 403, 403, 403, 403, 403)),
    ApiCase("POST", "/tasks/{missing}/reopen", "api.reopen_task", {"reason": "复查"},
            (401, 401, 404, 404, 404, 404, 404, 404, 404)),
)
# fmt: on

_IDS = dict(
    plan=1, task=1, report=1, contribution=1, other=2, alert=1, digest=1, notice=1,
    lead_user=1, inspection=1, item=1, problem=1, debriefing=1, unit=1, missing=MISSING,
)  # fmt: skip


@pytest.mark.parametrize("role", web_walk.ROLES)
def test_every_supervision_page_answers_as_the_table_says(
    app: Flask,
    client: FlaskClient,
    runner: FlaskCliRunner,
    role: str,
    tmp_path: Path,
    set_settings: Callable[..., Settings],
) -> None:
    set_settings("uploads", upload_dir=tmp_path / "uploads")
    ids = supervision_world(app, web_walk._world(app, runner, role))
    if role != "anonymous":
        assert login(client, web_walk.USERS[role][0]).status_code == 302
    column = web_walk.ROLES.index(role)
    wrong = []
    for case in WEB_CASES:
        expected = case.expected[column]
        if isinstance(expected, str):
            expected = expected.format(**ids)
        got = web_walk._answer(client, case, role, ids)
        if got != expected:
            wrong.append(f"{case.method} {case.path}: {got} ≠ {expected}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", api_walk.ROLES)
def test_every_supervision_api_route_answers_as_the_table_says(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, role: str
) -> None:
    ids = supervision_world(app, api_walk._world(app, runner, role))
    token = api_walk._token(runner, role)
    column = api_walk.ROLES.index(role)
    wrong = []
    for case in API_CASES:
        body = _with_unit(case.body, ids["unit"])
        response = call(client, case.method, case.path.format(**ids), token, body)
        got, expected = response.status_code, case.expected[column]
        if got != expected or not response.is_json:
            wrong.append(f"{case.method} {case.path}: {got} ≠ {expected} {response.json}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def _with_unit(body: Any, unit_id: int) -> Any:
    """``body`` with :data:`UNIT` replaced by ``unit_id``."""
    if isinstance(body, dict):
        return {key: _with_unit(value, unit_id) for key, value in body.items()}
    if isinstance(body, list):
        return [_with_unit(value, unit_id) for value in body]
    return unit_id if body == UNIT else body


def test_the_tables_reach_their_endpoints(app: Flask) -> None:
    adapter = app.url_map.bind("tracker.test")
    for case in WEB_CASES:
        endpoint, _ = adapter.match(case.path.format(**_IDS), method=case.method)
        assert endpoint == case.endpoint and len(case.expected) == len(web_walk.ROLES), case
    for api_case in API_CASES:
        path = API + api_case.path.format(**_IDS)
        endpoint, _ = adapter.match(path, method=api_case.method)
        assert endpoint == api_case.endpoint, api_case
        assert len(api_case.expected) == len(api_walk.ROLES), api_case
