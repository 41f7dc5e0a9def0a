"""Who held the write lock, and how long (issue 18 §1): every write transaction is put down
to its job or request in the write log, and one held long is logged as a warning; an
uploaded file is read and checked before its request takes the lock."""

from __future__ import annotations

import io
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from config.settings import TEST_HASH_METHOD, Settings
from tests import evidence_samples as samples
from tests.functional.helpers import LEAD_UNIT, PASSWORD, add_user, import_cixi, login, token
from tracker import extensions, write_watch
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.jobs.runs import run_job
from tracker.models import ProgressReport
from tracker.services.users import create_user

pytestmark = pytest.mark.commits


@pytest.fixture
def write_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "writes.jsonl"
    monkeypatch.setenv(write_watch.WRITE_LOG_VARIABLE, str(path))
    return path


def _slow_job() -> dict[str, int]:
    db.session.execute(sa.text("UPDATE users SET active = active"))
    time.sleep(write_watch.LONG_WRITE_MS / 1000 + 0.05)
    return {}


def test_a_slow_job_transaction_is_logged_with_its_job(
    app: Flask, write_log: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context(), caplog.at_level(logging.WARNING, logger=write_watch.__name__):
        run_job("slow_job", _slow_job)
        db.session.remove()

    entries = write_watch.read_log(write_log)
    assert {entry["source"] for entry in entries} == {"job slow_job"}
    assert len(entries) == 3  # its run recorded, its work, its run closed
    summary = write_watch.summarise(entries)
    assert summary["longest_held_job"]["source"] == "job slow_job"
    assert summary["longest_held_job"]["ms"] >= write_watch.LONG_WRITE_MS
    assert summary["longest_held_web"] == {"ms": 0.0, "source": None}
    assert "job slow_job held the write lock" in caplog.text


def test_a_request_writes_under_its_route(app: Flask, write_log: Path) -> None:
    with app.app_context():
        create_user("office1", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        db.session.commit()
        db.session.remove()
    write_log.unlink(missing_ok=True)

    login(app.test_client(), "office1")

    sources = {entry["source"] for entry in write_watch.read_log(write_log)}
    assert sources == {"web POST /login"}  # its time, written after the login's commit
    assert not [line for line in write_watch.read_log(write_log) if line["held_ms"] >= 200]


@pytest.fixture
def busy_world(
    app: Flask,
    tmp_path: Path,
    set_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[FlaskClient, int, Path]]:
    """On SQLite with a 0.3 s busy timeout: the Cixi plan, its lead unit's logged-in client,
    its first task's draft report, and the upload folder."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's single write lock")
        db.session.remove()
        db.engine.dispose()
    monkeypatch.setattr(extensions, "BUSY_TIMEOUT_MS", 300)
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
    yield client, report_id, folder
    with app.app_context():
        db.engine.dispose()


def test_a_file_is_checked_and_refused_while_the_database_is_busy(
    app: Flask, busy_world: tuple[FlaskClient, int, Path]
) -> None:
    client, report_id, folder = busy_world
    url = f"/reports/{report_id}/evidence"
    csrf = token(client)
    with app.app_context():
        path = db.engine.url.database
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock (the scan, an import)
    try:
        bad = client.post(
            url, data={"csrf_token": csrf, "file": (io.BytesIO(samples.EXE), "a.pdf")}
        )
        good = client.post(
            url, data={"csrf_token": csrf, "file": (io.BytesIO(samples.PDF), "b.pdf")}
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert bad.status_code == 200  # checked with no write lock: refused at once, not a 503
    assert "a.pdf" in bad.text
    assert good.status_code == 503  # the save itself waits for the lock: busy, retry
    assert not list(folder.glob("*"))  # nothing stored for either
    stored = client.post(url, data={"csrf_token": csrf, "file": (io.BytesIO(samples.PDF), "b.pdf")})
    assert stored.status_code == 302
    assert len(list(folder.glob("*"))) == 1
