"""A busy database answers 503 with Retry-After, never a 500, and leaves nothing half
written; a login goes through while another connection holds SQLite's write lock, its
``last_login_at`` skipped (issue 18 §2); an uploaded file is read and checked before its
request takes the lock, so a refused file is told at once.

The lock is held by a plain ``sqlite3`` connection in ``BEGIN IMMEDIATE`` on the test's
database file, as the scan or an import holds it; the tracker's busy timeout is shortened
so that each refused write waits 0.3 s instead of 5.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from config.settings import TEST_HASH_METHOD, Settings
from tests import evidence_samples as samples
from tests.functional.helpers import LEAD_UNIT, PASSWORD, add_user, import_cixi, login, token
from tracker import extensions
from tracker.domain.policy import Role
from tracker.extensions import db, is_busy
from tracker.models import ApiToken, AuditEntry, ProgressReport, User
from tracker.services.tokens import issue_token
from tracker.services.users import create_user

pytestmark = pytest.mark.commits


@pytest.fixture
def sqlite_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The test app on its SQLite file, with a 0.3 s busy timeout on new connections."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's single write lock")
        db.session.remove()
        db.engine.dispose()
    monkeypatch.setattr(extensions, "BUSY_TIMEOUT_MS", 300)
    yield app
    with app.app_context():
        db.engine.dispose()


@contextmanager
def write_lock(app: Flask) -> Iterator[None]:
    """Hold SQLite's write lock from a connection of our own while the block runs."""
    with app.app_context():
        path = db.engine.url.database
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _office(app: Flask) -> str:
    """An office account, committed; returns an API token of it."""
    with app.app_context():
        user = create_user("office1", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        token = issue_token(user)
        db.session.commit()
        db.session.remove()
    return token


def _snapshot(app: Flask) -> tuple[object, ...]:
    with app.app_context():
        db.session.remove()
        user = db.session.scalar(sa.select(User).where(User.username == "office1"))
        assert user is not None
        used = db.session.scalar(sa.select(ApiToken.last_used_at))
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        state = (user.session_token, user.last_login_at, used, entries)
        db.session.remove()
        return state


def test_a_locked_database_answers_the_page_with_503_and_writes_nothing(
    sqlite_app: Flask,
) -> None:
    _office(sqlite_app)
    client = sqlite_app.test_client()
    assert login(client, "office1").status_code == 302
    before = _snapshot(sqlite_app)
    with write_lock(sqlite_app):
        page = client.get("/")
        token = page.text.split('name="csrf_token" value="')[-1].split('"')[0]
        answer = client.post("/logout", data={"csrf_token": token})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert "系统繁忙，请稍后重试" in answer.text
    assert _snapshot(sqlite_app) == before  # the session token was not replaced
    assert client.get("/").status_code == 200  # still logged in


def test_a_locked_database_answers_the_api_with_503_json(sqlite_app: Flask) -> None:
    token = _office(sqlite_app)
    before = _snapshot(sqlite_app)
    with write_lock(sqlite_app):
        answer = sqlite_app.test_client().post(
            "/api/v1/tasks/1/reports",
            json={"period": "2020Q3", "progress": "进展"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert answer.json == {"error": "系统繁忙，请稍后重试", "field": None}
    assert _snapshot(sqlite_app) == before


def test_a_login_goes_through_while_another_connection_holds_the_write_lock(
    sqlite_app: Flask,
) -> None:
    _office(sqlite_app)
    client = sqlite_app.test_client()
    with write_lock(sqlite_app):
        answer = login(client, "office1")
        assert answer.status_code == 302, answer.text
        assert client.get("/").status_code == 200
    _token, last_login, _used, _entries = _snapshot(sqlite_app)
    assert last_login is None  # skipped while busy, logged
    client.post("/logout", data={"csrf_token": _csrf(client)})
    assert login(client, "office1").status_code == 302
    assert _snapshot(sqlite_app)[1] is not None  # recorded when the database is free


def _csrf(client: object) -> str:
    page = client.get("/")  # type: ignore[attr-defined]
    return str(page.text.split('name="csrf_token" value="')[-1].split('"')[0])


def test_busy_errors_are_told_from_other_database_errors() -> None:
    assert is_busy(sqlite3.OperationalError("database is locked"))
    assert is_busy(sqlite3.OperationalError("database is busy"))
    assert not is_busy(sqlite3.OperationalError("no such table: tasks"))
    assert not is_busy(ValueError("database is locked"))


def test_on_postgresql_a_lock_timeout_is_busy(app: Flask) -> None:
    """A row lock held by another connection past ``lock_timeout`` is a busy error."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's lock timeout")
    with engine.connect() as holder, engine.connect() as waiter:
        holder.exec_driver_sql("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        waiter.exec_driver_sql("SET lock_timeout = '50ms'")
        with pytest.raises(sa.exc.OperationalError) as raised:
            waiter.exec_driver_sql("SELECT 1 FROM users")
        assert is_busy(raised.value)
        holder.rollback()


@pytest.fixture
def busy_world(
    sqlite_app: Flask, tmp_path: Path, set_settings: Callable[..., Settings]
) -> tuple[FlaskClient, int, Path]:
    """The Cixi plan, its lead unit's logged-in client, its first task's draft report, and
    the upload folder (on SQLite, a 0.3 s busy timeout)."""
    app = sqlite_app
    folder = tmp_path / "uploads"
    set_settings("uploads", upload_dir=folder)
    cixi = import_cixi(app, app.test_cli_runner())
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    client = app.test_client()
    assert login(client, "lead").status_code == 302
    created = client.post(
        f"/tasks/{cixi.task_id}/report",
        data={"csrf_token": token(client), "period": "2020Q3", "action": "draft",
              "value": "25", "progress": "三季度新增覆盖企业12家", "version": "0"},
    )  # fmt: skip
    assert created.status_code == 302, created.text
    with app.app_context():
        report_id = db.session.scalars(sa.select(ProgressReport.id)).one()
        db.session.remove()
    return client, report_id, folder


def test_a_file_is_checked_and_refused_while_the_database_is_busy(
    sqlite_app: Flask, busy_world: tuple[FlaskClient, int, Path]
) -> None:
    client, report_id, folder = busy_world
    url = f"/reports/{report_id}/evidence"
    csrf = token(client)
    with write_lock(sqlite_app):  # another writer holds the lock (the scan, an import)
        bad = client.post(
            url, data={"csrf_token": csrf, "file": (io.BytesIO(samples.EXE), "a.pdf")}
        )
        good = client.post(
            url, data={"csrf_token": csrf, "file": (io.BytesIO(samples.PDF), "b.pdf")}
        )
    assert bad.status_code == 200  # checked with no write lock: refused at once, not a 503
    assert "a.pdf" in bad.text
    assert good.status_code == 503  # the save itself waits for the lock: busy, retry
    assert not list(folder.glob("*"))  # nothing stored for either
    stored = client.post(url, data={"csrf_token": csrf, "file": (io.BytesIO(samples.PDF), "b.pdf")})
    assert stored.status_code == 302
    assert len(list(folder.glob("*"))) == 1
