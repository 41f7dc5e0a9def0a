"""Indicator tables in the web (issue 11 §4–§6): the enterprise form previews as 28 items
worth 100 points and imports on confirmation; a set is assigned to enterprises and resolved
against the Cixi plan; the assessment page runs the proposals."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.conftest import csrf_token
from tests.functional.helpers import add_user, import_cixi, login
from tests.paths import SEEDS
from tests.people_samples import enterprise_form
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Indicator, IndicatorSet, Unit


def _upload(client: FlaskClient, path: Path) -> str:
    token = csrf_token(client.get("/assessment/import").text)
    page = client.post(
        "/assessment/import",
        data={"csrf_token": token, "file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    return page.text


def _confirm(client: FlaskClient, preview: str, plan: str = "") -> str:
    payload = re.search(r'name="payload" type="hidden" value="([^"]*)"', preview)
    assert payload is not None
    done = client.post(
        "/assessment/import",
        data={
            "csrf_token": csrf_token(preview),
            "payload": html.unescape(payload.group(1)),
            "name": "自评表",
            "plan_id": plan,
        },
    )
    assert done.status_code == 302, done.text
    return done.headers["Location"]


def test_enterprise_form_previews_and_imports(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    add_user(app, "office", Role.OFFICE)
    login(client, "office")
    preview = _upload(client, enterprise_form(tmp_path / "form.xlsx", wrong_group=True))

    assert "指标 28 项 · 共 100 分" in preview and "加分项 2 项" in preview
    assert "「组织领导」标明 12 分，所含指标合计 10 分" in preview
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorSet)) == 0
    where = _confirm(client, preview)
    with app.app_context():
        set_id = db.session.scalars(sa.select(IndicatorSet.id)).one()
        db.session.add_all(
            [Unit(name="甲公司", kind="enterprise"), Unit(name="乙公司", kind="enterprise")]
        )
        db.session.commit()
    assert where.endswith(f"/assessment/{set_id}/units")
    page = client.get(where)
    assigned = client.post(
        where, data={"csrf_token": csrf_token(page.text), "action": "assign", "kind": "enterprise"}
    )
    assert assigned.status_code == 302
    assert "（2）" in client.get(where).text


def test_rubric_resolves_to_the_plan_and_proposals_run(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    cixi = import_cixi(app, runner)
    add_user(app, "office", Role.OFFICE)
    login(client, "office")
    preview = _upload(client, SEEDS / "national-assessment-rubric.docx")
    assert "指标 88 项 · 共 1000 分" in preview
    where = _confirm(client, preview, str(cixi.plan_id))
    page = client.get(where)
    assert "未能对应、请核对" in page.text and "工作人员" in page.text
    with app.app_context():
        set_id = db.session.scalars(sa.select(IndicatorSet.id)).one()
        names = set(
            db.session.scalars(
                sa.select(Unit.name).join(Indicator.units).where(Indicator.set_id == set_id)
            )
        )
        assert "市人力社保局" in names and "工作人员" not in names
    index = client.get("/assessment")
    proposed = client.post(
        f"/assessment/{set_id}/plans/{cixi.plan_id}/propose",
        data={"csrf_token": csrf_token(index.text)},
    )
    assert proposed.status_code == 302
