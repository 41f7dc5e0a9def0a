"""Who held the write lock, and how long (issue 18 §1): every write transaction is put down
to its job or request in the write log, and one held long is logged as a warning."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from config.settings import TEST_HASH_METHOD
from tests.functional.helpers import PASSWORD, login
from tracker import write_watch
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.jobs.runs import run_job
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
