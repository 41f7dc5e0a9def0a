"""Units and users through the pages (issue 11 §3): create, edit, merge, import with a
preview; a new user's one-time password must be changed at the first login."""

from __future__ import annotations

import io
import re
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.functional.helpers import add_user, login
from tests.people_samples import enterprise_list
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEntry, Unit, UnitAlias, User


def _post(client: FlaskClient, page: str, data: dict[str, object], url: str | None = None):
    token = csrf_token(client.get(page).text)
    return client.post(url or page, data={"csrf_token": token, **data})


def _unit(name: str) -> Unit:
    return db.session.scalars(sa.select(Unit).where(Unit.name == name)).one()


def test_office_adds_edits_and_merges_units(app: Flask, client: FlaskClient) -> None:
    add_user(app, "office", Role.OFFICE)
    add_user(app, "leader", Role.LEADER)
    login(client, "office")
    made = _post(
        client, "/admin/units/new", {"name": "市人力社保局", "kind": "department", "active": "y"}
    )
    assert made.status_code == 302
    _post(client, "/admin/units/new", {"name": "市人社局", "kind": "department", "active": "y"})
    with app.app_context():
        keep, duplicate = _unit("市人力社保局").id, _unit("市人社局").id
        leader = db.session.scalars(sa.select(User.id).where(User.username == "leader")).one()
    edited = _post(
        client,
        f"/admin/units/{keep}",
        {
            "name": "市人力社保局",
            "kind": "department",
            "aliases": "市人力资源和社会保障局",
            "leader_id": str(leader),
            "active": "y",
        },
    )
    assert edited.status_code == 302
    merged = _post(
        client, f"/admin/units/{keep}", {"target_id": str(keep)}, f"/admin/units/{duplicate}/merge"
    )
    assert merged.status_code == 302 and merged.headers["Location"].endswith(f"/admin/units/{keep}")
    with app.app_context():
        aliases = set(db.session.scalars(sa.select(UnitAlias.alias)))
        assert aliases == {"市人力资源和社会保障局", "市人社局"}
        assert db.session.get(Unit, duplicate) is None
        assert db.session.get(Unit, keep).leader_id == leader
        assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "merge")).all()
    page = client.get("/admin/units")
    assert "市人力社保局" in page.text and "市人社局" in page.text


def test_new_user_gets_a_one_time_password_to_change_at_first_login(
    app: Flask, client: FlaskClient
) -> None:
    add_user(app, "office", Role.OFFICE)
    login(client, "office")
    _post(client, "/admin/units/new", {"name": "市总工会", "kind": "department", "active": "y"})
    with app.app_context():
        unit = _unit("市总工会").id
    page = _post(
        client,
        "/admin/users/new",
        {
            "username": "wang",
            "display_name": "王五",
            "role": "unit",
            "unit_id": str(unit),
            "email": "wang@example.org",
            "active": "y",
        },
    )
    assert page.status_code == 200
    password = re.search(r'id="one-time-password">([^<]+)<', page.text)
    assert password is not None
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    login(client, "wang", password.group(1))
    assert client.get("/my").headers["Location"].endswith("/account/password")
    with app.app_context():
        wang = db.session.scalars(sa.select(User).where(User.username == "wang")).one()
        assert wang.must_change_password and wang.unit_id == unit


def test_refused_user_shows_the_field(app: Flask, client: FlaskClient) -> None:
    add_user(app, "office", Role.OFFICE)
    login(client, "office")
    page = _post(client, "/admin/users/new", {"username": "x", "role": "unit", "unit_id": ""})
    assert page.status_code == 200 and "单位填报员必须属于一个单位" in page.text


def test_enterprise_list_imports_through_the_preview(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    add_user(app, "admin", Role.ADMIN)
    login(client, "admin")
    data = enterprise_list(tmp_path / "e.xlsx").read_bytes()
    token = csrf_token(client.get("/admin/units/import").text)
    preview = client.post(
        "/admin/units/import",
        data={
            "csrf_token": token,
            "kind": "enterprise",
            "file": (io.BytesIO(data), "企业名单.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200 and "新增 100" in preview.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0
    payload = re.search(r'name="payload" type="hidden" value="([^"]*)"', preview.text)
    assert payload is not None
    import html

    done = client.post(
        "/admin/units/import",
        data={
            "csrf_token": csrf_token(preview.text),
            "payload": html.unescape(payload.group(1)),
            "kind": "enterprise",
        },
    )
    assert done.status_code == 200 and "新增 100" in done.text
    with app.app_context():
        kinds = db.session.scalars(sa.select(Unit.kind)).all()
        assert len(kinds) == 100 and set(kinds) == {"enterprise"}
