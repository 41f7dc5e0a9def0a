"""Supervision on the web (issue 15): the office sets up a round and records a finding;
the unit fills its self-check and rectifies with a file; the office returns, then closes
(销号); the ledger filters and exports; another unit is refused; a task is closed and
reopened; a debriefing is handed in and rated."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook

from config.settings import Settings
from tests import evidence_samples as samples
from tests.functional.api_helpers import call, cli_token
from tests.functional.helpers import (
    LEAD_UNIT,
    UNRELATED_UNIT,
    add_user,
    import_cixi,
    location,
    login,
    token,
    unit_id,
)
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Inspection, Problem


@pytest.fixture
def world(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, set_settings: Callable[..., Settings]
) -> dict[str, int]:
    """The Cixi plan; users office, lead (市委组织部), other, leader."""
    set_settings("uploads", upload_dir=tmp_path / "uploads")
    cixi = import_cixi(app, runner)
    for name, role, unit in (
        ("office", Role.OFFICE, None),
        ("lead", Role.UNIT, LEAD_UNIT),
        ("other", Role.UNIT, UNRELATED_UNIT),
        ("leader", Role.LEADER, None),
    ):
        add_user(app, name, role, unit)
    return {"task": cixi.task_id, "plan": cixi.plan_id, "unit": unit_id(app, LEAD_UNIT)}


def _as(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _round(app: Flask, office: FlaskClient, world: dict[str, int]) -> int:
    response = office.post(
        "/inspections",
        data={
            "csrf_token": token(office),
            "name": "2020年实地督查",
            "kind": "on_site",
            "starts_on": "2020-09-14",
            "ends_on": "2020-09-18",
            "unit_ids": [str(world["unit"])],
            "team": "张组长\n李成员",
            "task_ids": [str(world["task"])],
            "items": "查阅台账",
        },
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        found = db.session.scalar(sa.select(Inspection.id).order_by(Inspection.id.desc()))
    assert found is not None and location(response) == f"/inspections/{found}"
    return found


def test_a_round_from_finding_to_closing(app: Flask, world: dict[str, int]) -> None:
    office, lead, other = _as(app, "office"), _as(app, "lead"), _as(app, "other")
    inspection = _round(app, office, world)
    assert "2020年实地督查" in lead.get("/inspections").text
    assert "2020年实地督查" not in other.get("/inspections").text
    assert other.get(f"/inspections/{inspection}").status_code == 403
    with app.app_context():
        item = db.session.get(Inspection, inspection).items[0].id  # type: ignore[union-attr]
    checked = lead.post(
        f"/inspections/{inspection}/items/{item}/self-check",
        data={"csrf_token": token(lead), "text": "已全覆盖",
              "file": (io.BytesIO(samples.PDF), "自查.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert checked.status_code == 302
    assert "已全覆盖" in office.get(f"/inspections/{inspection}").text
    assert (
        lead.post(
            f"/inspections/{inspection}/findings", data={"csrf_token": token(lead)}
        ).status_code
        == 403
    )
    recorded = office.post(
        f"/inspections/{inspection}/findings",
        data={"csrf_token": token(office), "unit_id": str(world["unit"]),
              "description": "台账不全", "deadline_workdays": "10", "task_id": "0"},
    )  # fmt: skip
    assert recorded.status_code == 302
    with app.app_context():
        problem = db.session.scalar(
            sa.select(Problem.id).where(Problem.inspection_id == inspection)
        )
    assert problem is not None
    assert other.get(f"/problems/{problem}").status_code == 403
    assert "台账不全" not in other.get("/problems").text

    refused = lead.post(f"/problems/{problem}/rectify", data={"csrf_token": token(lead)})
    assert location(refused) == f"/problems/{problem}"
    rectified = lead.post(
        f"/problems/{problem}/rectify",
        data={"csrf_token": token(lead), "rectification": "已补齐",
              "file": (io.BytesIO(samples.PDF), "台账.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert location(rectified) == f"/problems/{problem}"
    page = office.get(f"/problems/{problem}").text
    assert "已提交整改" in page and "台账.pdf" in page
    assert (
        lead.post(f"/problems/{problem}/close", data={"csrf_token": token(lead)}).status_code == 403
    )
    office.post(
        f"/problems/{problem}/return", data={"csrf_token": token(office), "reason": "缺签字"}
    )
    assert "已退回" in lead.get(f"/problems/{problem}").text
    lead.post(f"/problems/{problem}/rectify",
              data={"csrf_token": token(lead), "rectification": "已补签字"})  # fmt: skip
    office.post(
        f"/problems/{problem}/close", data={"csrf_token": token(office), "verification": "属实"}
    )
    assert "已销号" in _as(app, "leader").get(f"/problems/{problem}").text


def test_the_ledger_filters_and_exports(app: Flask, world: dict[str, int]) -> None:
    office = _as(app, "office")
    for description, found_on in (("逾期的问题", "2020-09-01"), ("新问题", "2099-01-05")):
        office.post(
            "/problems",
            data={"csrf_token": token(office), "unit_id": str(world["unit"]),
                  "source": "public_clue", "description": description, "found_on": found_on,
                  "deadline_workdays": "5", "task_id": str(world["task"])},
        )  # fmt: skip
    assert "新问题" in office.get(f"/problems?unit={world['unit']}").text
    overdue = office.get("/problems?overdue=1").text
    assert "逾期的问题" in overdue and "新问题" not in overdue
    assert "逾期的问题" not in office.get("/problems?status=closed").text
    download = office.get("/problems.xlsx?overdue=1")
    assert download.status_code == 200 and download.mimetype.endswith("sheet")
    sheet = load_workbook(io.BytesIO(download.data)).active
    assert sheet is not None and sheet["F3"].value == "逾期的问题" and sheet["F4"].value is None
    lead = _as(app, "lead")
    assert lead.post("/problems", data={"csrf_token": token(lead)}).status_code == 403


def test_a_task_refused_then_closed_and_reopened(app: Flask, world: dict[str, int]) -> None:
    office, task = _as(app, "office"), world["task"]
    assert "不能销号" in office.get(f"/tasks/{task}/closing").text
    refused = office.post(f"/tasks/{task}/close", data={"csrf_token": token(office)})
    assert location(refused) == f"/tasks/{task}/closing"
    assert _as(app, "lead").get(f"/tasks/{task}/closing").status_code == 403


def test_a_debriefing_is_handed_in_and_rated(app: Flask, world: dict[str, int]) -> None:
    office, lead, leader = _as(app, "office"), _as(app, "lead"), _as(app, "leader")
    created = office.post(
        "/debriefings",
        data={"csrf_token": token(office), "name": "2020年度述职评议", "held_on": "2020-12-20",
              "unit_ids": [str(world["unit"])], "criteria": "推进:60\n成效:40", "trim": "y"},
    )  # fmt: skip
    assert created.status_code == 302
    path = location(created)
    handed = lead.post(f"{path}/report", data={"csrf_token": token(lead), "text": "述职内容"})
    assert location(handed) == path
    assert "述职内容" in leader.get(path).text
    rated = leader.post(
        f"{path}/units/{world['unit']}/rate",
        data={"csrf_token": token(leader), "scores-0": "50", "scores-1": "35"},
    )
    assert location(rated).startswith(path)
    assert 'data-score="85.0"' in office.get(path).text
    too_high = leader.post(
        f"{path}/units/{world['unit']}/rate",
        data={"csrf_token": token(leader), "scores-0": "70", "scores-1": "35"},
    )
    assert location(too_high).startswith(path)
    assert (
        lead.post(
            f"{path}/units/{world['unit']}/rate", data={"csrf_token": token(lead)}
        ).status_code
        == 403
    )
    assert date.today()  # the clock is not fixed here


def test_the_api_follows_a_problem_from_finding_to_closing(
    app: Flask, world: dict[str, int], runner: FlaskCliRunner
) -> None:
    """Create a round and a finding, rectify, a return without a reason refused, return,
    rectify, close; the unit and the office see the same problem, another unit nothing."""
    client = app.test_client()
    office, lead, other = (cli_token(runner, name) for name in ("office", "lead", "other"))
    created = call(client, "POST", "/inspections", office, {
        "name": "专项督查", "kind": "special", "starts_on": "2020-10-09",
        "ends_on": "2020-10-10", "unit_ids": [world["unit"]], "items": ["查阅台账"],
    })  # fmt: skip
    assert created.status_code == 201, created.json
    inspection = created.json["id"]
    finding = call(client, "POST", f"/inspections/{inspection}/findings", office, {
        "unit_id": world["unit"], "description": "台账不全", "deadline_workdays": 5,
    })  # fmt: skip
    assert finding.status_code == 201 and finding.json["status"] == "open"
    problem = finding.json["id"]
    detail = call(client, "GET", f"/inspections/{inspection}", lead).json
    assert [f["id"] for f in detail["findings"]] == [problem]
    assert call(client, "GET", f"/inspections/{inspection}", other).status_code == 403
    assert call(client, "GET", "/problems", other).json["problems"] == []
    path = f"/problems/{problem}"
    assert (
        call(client, "POST", f"{path}/rectify", lead, {"rectification": "已补齐"}).json["status"]
        == "submitted"
    )
    refused = call(client, "POST", f"{path}/verify", office, {"decision": "return"})
    assert refused.status_code == 422 and refused.json["field"] == "reason"
    call(client, "POST", f"{path}/verify", office, {"decision": "return", "note": "缺签字"})
    assert call(client, "GET", path, lead).json["return_reason"] == "缺签字"
    call(client, "POST", f"{path}/rectify", lead, {"rectification": "已补签字"})
    closed = call(client, "POST", f"{path}/verify", office, {"decision": "close", "note": "属实"})
    assert closed.json["status"] == "closed"
    again = call(client, "POST", f"{path}/close", office, {"note": "x"})
    assert again.status_code == 409
    listed = call(client, "GET", f"/problems?unit={world['unit']}&status=closed", office).json
    assert [p["id"] for p in listed["problems"]] == [problem] and listed["counts"]["closed"] == 1
