"""The office inbox on long lists (issue 12 §8): 50 a page, the selected alerts or all
on the filter marked read at once."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.functional.helpers import add_user, import_cixi, location, login, token
from tracker.domain.lag import LagState
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Alert


def _alerts(app: Flask, runner: FlaskCliRunner, behind: int = 80, overdue: int = 40) -> None:
    cixi = import_cixi(app, runner)
    add_user(app, "office", Role.OFFICE)
    with app.app_context():
        for index in range(behind + overdue):
            kind = LagState.BEHIND if index < behind else LagState.OVERDUE
            db.session.add(
                Alert(
                    key=f"test-{index}",
                    plan_id=cixi.plan_id,
                    task_id=cixi.task_id,
                    kind=kind,
                    due=date(2020, 9, 30),
                    message=f"提醒{index}",
                    raised_on=date(2020, 1, 1) + timedelta(days=index),
                )
            )
        db.session.commit()


def _office(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "office")
    return client


def _shown(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-alert-id="(\d+)"', html)]


def _unread(app: Flask, kind: LagState | None = None) -> int:
    with app.app_context():
        query = sa.select(sa.func.count(Alert.id)).where(Alert.read_at.is_(None))
        if kind is not None:
            query = query.where(Alert.kind == kind)
        return db.session.scalar(query) or 0


def test_the_inbox_pages_50_at_a_time(app: Flask, runner: FlaskCliRunner) -> None:
    _alerts(app, runner)
    office = _office(app)
    first = office.get("/inbox/").text
    third = office.get("/inbox/?page=3").text
    assert len(_shown(first)) == 50 and len(_shown(third)) == 20
    assert "第 1/3 页" in first and 'rel="next"' in first and "共 120 条" in first
    assert not set(_shown(first)) & set(_shown(third))
    assert len(_shown(office.get("/inbox/?page=99").text)) == 20  # the last page
    assert len(_shown(office.get("/inbox/?page=abc").text)) == 50
    overdue = office.get("/inbox/?kind=overdue").text
    assert len(_shown(overdue)) == 40 and 'rel="next"' not in overdue


def test_selected_alerts_are_marked_read_at_once(app: Flask, runner: FlaskCliRunner) -> None:
    _alerts(app, runner)
    office = _office(app)
    ids = _shown(office.get("/inbox/").text)[:3]

    done = office.post(
        "/inbox/read",
        data={"csrf_token": token(office), "scope": "selected", "alert_ids": [str(i) for i in ids]},
    )

    assert location(done) == "/inbox/"
    assert "已将 3 条提醒标为已读" in office.get("/inbox/").text
    assert _unread(app) == 117


def test_all_on_the_filter_are_marked_read(app: Flask, runner: FlaskCliRunner) -> None:
    _alerts(app, runner)
    office = _office(app)
    page = office.get("/inbox/?kind=overdue&page=1").text
    assert "将「" in page and "类未读提醒标为已读" in page

    done = office.post(
        "/inbox/read", data={"csrf_token": token(office), "scope": "filter", "kind": "overdue"}
    )

    assert location(done) == "/inbox/?kind=overdue"
    assert _unread(app, LagState.OVERDUE) == 0 and _unread(app, LagState.BEHIND) == 80
    office.post("/inbox/read", data={"csrf_token": token(office), "scope": "filter"})
    assert _unread(app) == 0


def test_one_alert_is_marked_read_from_the_same_form(app: Flask, runner: FlaskCliRunner) -> None:
    _alerts(app, runner, behind=2, overdue=0)
    office = _office(app)
    page = office.get("/inbox/").text
    (first, _second) = _shown(page)
    assert f'formaction="/inbox/{first}/read"' in page
    done = office.post(f"/inbox/{first}/read", data={"csrf_token": token(office)})
    assert location(done) == "/inbox/" and _unread(app) == 1
