"""Assessment pages (issue 5 §3–§5): a unit fills and exports its self-assessment, the
assessor reviews it; on the scorecard an assessor confirms a proposed deduction with a
reason, the unit appeals once and the assessor answers; refusals are Chinese and store
nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests import evidence_samples as samples
from tests.functional.helpers import (
    LEAD_UNIT,
    add_user,
    form_fields,
    import_cixi,
    location,
    login,
    token,
)
from tests.paths import SEEDS
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Evidence, Indicator, ScoreAdjustment, SelfAssessment, Task, Unit
from tracker.services import assessment

RUBRIC = SEEDS / "national-assessment-rubric.docx"
RUBRIC_UNIT = "省级产改领导机构"
FIRST = "纳入当地国民经济和社会发展规划"


@dataclass(frozen=True, slots=True)
class World:
    """Ids of the imported rubric and plan, the rubric unit and the proposed deduction."""

    set_id: int
    plan_id: int
    unit_id: int
    indicator_id: int
    adjustment_id: int


@pytest.fixture(scope="module")
def world(app: Flask, shared_db: None) -> World:
    """Cixi plan and national rubric imported with the CLIs; the first task mapped to the
    first indicator; a missed milestone proposed as a deduction; users of every role."""
    runner = app.test_cli_runner()
    cixi = import_cixi(app, runner)
    result = runner.invoke(args=["indicators", "import", str(RUBRIC), "--json"])
    assert result.exit_code == 0, result.output
    set_id = int(json.loads(result.output)["set_id"])
    add_user(app, "filler", Role.UNIT, RUBRIC_UNIT)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    add_user(app, "assessor", Role.ASSESSOR)
    add_user(app, "office", Role.OFFICE)
    with app.app_context():
        indicator = db.session.scalar(
            sa.select(Indicator).where(Indicator.level == 3, Indicator.name.like(f"{FIRST}%"))
        )
        task = db.session.get(Task, cixi.task_id)
        assert indicator is not None and task is not None
        assessment.map_task(task, indicator, None)
        proposed = assessment.propose_from_lags(
            set_id,
            cixi.plan_id,
            date(2020, 11, 20),
            settings=app_settings.current().assessment,
            lag=app_settings.current().lag,
        )
        db.session.commit()
        assert proposed
        unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.name == RUBRIC_UNIT))
        assert unit_id is not None
        return World(set_id, cixi.plan_id, unit_id, indicator.id, proposed[0].id)


def _entries(app: Flask) -> list[SelfAssessment]:
    with app.app_context():
        return list(db.session.scalars(sa.select(SelfAssessment)))


def _adjustment(app: Flask, adjustment_id: int) -> ScoreAdjustment:
    with app.app_context():
        found = db.session.get(ScoreAdjustment, adjustment_id)
        assert found is not None
        db.session.expunge(found)
        return found


def _fill(client: FlaskClient, world: World, text: str, score: str) -> tuple[int, str]:
    path = f"/assessment/{world.set_id}/self"
    fields = form_fields(client.get(path).text)
    fields |= {"rows-0-text": text, "rows-0-proposed_score": score}
    response = client.post(path, data=fields)
    return response.status_code, response.text


def test_unit_fills_exports_and_prints(app: Flask, client: FlaskClient, world: World) -> None:
    login(client, "filler")
    page = client.get(f"/assessment/{world.set_id}/self")
    assert page.status_code == 200 and "不超过 100 字" in page.text and FIRST in page.text
    assert _fill(client, world, "已纳入“十四五”规划", "14")[0] == 302
    [entry] = _entries(app)
    assert (entry.text, entry.proposed_score, entry.unit_id) == (
        "已纳入“十四五”规划",
        14,
        world.unit_id,
    )
    export = client.get(f"/assessment/{world.set_id}/self.docx")
    assert export.status_code == 200
    table = Document(io.BytesIO(export.data)).tables[0]
    assert table.rows[1].cells[5].text == "已纳入“十四五”规划"
    printed = client.get(f"/assessment/{world.set_id}/self/print")
    assert printed.status_code == 200 and "已纳入“十四五”规划" in printed.text


@pytest.mark.parametrize(
    ("text", "score", "message"),
    [
        ("字" * 101, "10", "超过 100 字的上限"),
        ("好", "99", "超出范围"),
        ("好", "-1", "不能小于 0 分"),
    ],
)
def test_bad_self_assessment_is_refused_in_chinese(
    app: Flask, client: FlaskClient, world: World, text: str, score: str, message: str
) -> None:
    login(client, "filler")
    status, html = _fill(client, world, text, score)
    assert status == 200 and message in html
    assert _entries(app) == []


def test_a_refused_row_saves_no_row(app: Flask, client: FlaskClient, world: World) -> None:
    """All or nothing: a good first row is not kept when the second is refused, and the
    refusal stands beside the second row's field."""
    login(client, "filler")
    path = f"/assessment/{world.set_id}/self"
    fields = form_fields(client.get(path).text)
    assert "rows-1-text" in fields
    fields |= {"rows-0-text": "已纳入规划", "rows-1-text": "好", "rows-1-proposed_score": "-1"}
    response = client.post(path, data=fields)
    assert response.status_code == 200 and "不能小于 0 分" in response.text
    assert response.text.count('class="has-error"') == 1
    assert _entries(app) == []


def _upload(client: FlaskClient, path: str, name: str, data: bytes) -> tuple[int, str]:
    response = client.post(
        path,
        data={"csrf_token": token(client), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    return response.status_code, location(
        response
    ) if response.status_code == 302 else response.text


def test_unit_attaches_evidence_others_are_refused(
    app: Flask,
    client: FlaskClient,
    world: World,
    tmp_path: Path,
    set_settings: Callable[..., object],
) -> None:
    """The unit attaches a PDF to an indicator it has not filled (an empty entry is made)
    and downloads it; a renamed executable is refused in Chinese and leaves no entry;
    another unit gets 403 on the file, the assessor downloads it."""
    set_settings("uploads", upload_dir=tmp_path / "uploads")
    login(client, "filler")
    path = f"/assessment/{world.set_id}/self/{world.indicator_id}/evidence"
    assert client.get(path).status_code == 200
    status, html = _upload(client, path, "规划.pdf", samples.EXE)
    assert status == 200 and "不是允许的类型" in html
    assert _entries(app) == []
    status, html = _upload(client, path, "规划.pdf", samples.pdf_with_javascript())
    assert status == 200 and "文件「规划.pdf」含有脚本" in html
    assert _entries(app) == []
    assert _upload(client, path, "规划.pdf", samples.PDF) == (
        302,
        f"/assessment/{world.set_id}/self",
    )
    [entry] = _entries(app)
    assert (entry.unit_id, entry.indicator_id, entry.text) == (
        world.unit_id,
        world.indicator_id,
        "",
    )
    assert "规划.pdf" in client.get(f"/assessment/{world.set_id}/self").text
    with app.app_context():
        evidence_id = db.session.scalars(sa.select(Evidence.id)).one()
    download = f"/assessment/evidence/{evidence_id}"
    assert client.get(download).data == samples.PDF
    client.post("/logout", data={"csrf_token": token(client)})
    login(client, "lead")
    assert client.get(download).status_code == 403
    client.post("/logout", data={"csrf_token": token(client)})
    login(client, "assessor")
    assert client.get(download).data == samples.PDF


def test_assessor_reviews_the_form(app: Flask, client: FlaskClient, world: World) -> None:
    login(client, "filler")
    _fill(client, world, "已纳入规划", "15")
    client.post("/logout", data={"csrf_token": token(client)})
    login(client, "assessor")
    path = f"/assessment/{world.set_id}/units/{world.unit_id}/review"
    fields = form_fields(client.get(path).text)
    refused = client.post(path, data=fields | {"rows-0-final_score": "12"})
    assert refused.status_code == 200 and "审核意见" in refused.text
    assert _entries(app)[0].final_score is None
    response = client.post(
        path, data=fields | {"rows-0-opinion": "举措不全，扣3分", "rows-0-final_score": "12"}
    )
    assert response.status_code == 302
    [entry] = _entries(app)
    assert (entry.opinion, entry.final_score) == ("举措不全，扣3分", 12)


def test_units_cannot_review_or_decide(client: FlaskClient, world: World) -> None:
    login(client, "lead")
    review = f"/assessment/{world.set_id}/units/{world.unit_id}/review"
    assert client.get(review).status_code == 403
    decide = f"/assessment/adjustments/{world.adjustment_id}/decide"
    fields = {"csrf_token": token(client), "decision": "confirm", "reason": "确认"}
    assert client.post(decide, data=fields).status_code == 403
    assert client.get(f"/assessment/{world.set_id}/mapping?plan={world.plan_id}").status_code == 403


def _decide(client: FlaskClient, world: World, **fields: str) -> tuple[int, str]:
    response = client.post(
        f"/assessment/adjustments/{world.adjustment_id}/decide",
        data={"csrf_token": token(client), **fields},
    )
    return response.status_code, response.text


def test_assessor_confirms_then_unit_appeals_once(
    app: Flask, client: FlaskClient, world: World
) -> None:
    login(client, "assessor")
    card = f"/assessment/{world.set_id}/plans/{world.plan_id}"
    page = client.get(card)
    assert page.status_code == 200 and "待认定" in page.text and "保存认定" in page.text
    status, html = _decide(client, world, decision="confirm", reason="")
    assert status == 200 and "请填写理由" in html
    assert _adjustment(app, world.adjustment_id).status == "proposed"
    assert _decide(client, world, decision="confirm", reason="节点逾期属实")[0] == 302
    decided = _adjustment(app, world.adjustment_id)
    assert decided.status == "confirmed" and decided.points == decided.proposed_points
    page = client.get(card)
    assert "节点逾期属实" in page.text and "未纳入当地“十四五”规划扣10分" in page.text
    assert "已确认" in page.text
    xlsx = client.get(f"{card}/scorecard.xlsx")
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.data)).active is not None
    client.post("/logout", data={"csrf_token": token(client)})

    login(client, "lead")
    lead_unit = _adjustment(app, world.adjustment_id).unit_id
    own = client.get(f"{card}?unit={lead_unit}")
    assert own.status_code == 200 and "提交申诉" in own.text
    assert client.get(f"{card}?unit={world.unit_id}").status_code == 403
    appeal = f"/assessment/adjustments/{world.adjustment_id}/appeal"
    empty = client.post(appeal, data={"csrf_token": token(client), "reason": " "})
    assert empty.status_code == 200 and "请填写申诉理由" in empty.text
    first = client.post(appeal, data={"csrf_token": token(client), "reason": "已于年底补报"})
    assert first.status_code == 302
    second = client.post(appeal, data={"csrf_token": token(client), "reason": "再次申诉"})
    assert second.status_code == 200 and "只能申诉一次" in second.text
    assert _adjustment(app, world.adjustment_id).appeal == "已于年底补报"
    client.post("/logout", data={"csrf_token": token(client)})

    login(client, "assessor")
    answer = f"/assessment/adjustments/{world.adjustment_id}/answer"
    reply = client.post(answer, data={"csrf_token": token(client), "answer": "维持扣分"})
    assert reply.status_code == 302
    assert _adjustment(app, world.adjustment_id).appeal_answer == "维持扣分"


def test_office_maps_tasks_with_suggestions(app: Flask, client: FlaskClient, world: World) -> None:
    login(client, "office")
    path = f"/assessment/{world.set_id}/mapping?plan={world.plan_id}"
    page = client.get(path)
    assert page.status_code == 200 and "建议指标" in page.text and FIRST in page.text
    with app.app_context():
        task_id = db.session.scalar(
            sa.select(Task.id).where(Task.plan_id == world.plan_id).order_by(Task.position.desc())
        )
    fields = {
        "csrf_token": token(client),
        "task_id": str(task_id),
        "indicator_id": str(world.indicator_id),
        "action": "map",
    }
    assert client.post(path, data=fields).status_code == 302
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert task is not None
        assert [i.id for i in assessment.mapped_indicators(task, world.set_id)] == [
            world.indicator_id
        ]
    assert client.get("/assessment").status_code == 200
