"""The scheduler process: its persisted job table and the daily scan job."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.paths import SEEDS
from tracker.extensions import db
from tracker.jobs.scan import daily_scan
from tracker.jobs.scheduler import build_scheduler
from tracker.models import Alert

pytestmark = pytest.mark.commits  # other engines and processes read the database


def start_and_stop() -> SQLAlchemyJobStore:
    """Start a scheduler paused (jobs are written to the store, none runs), then stop it;
    returns a fresh view of the job store."""
    scheduler = build_scheduler(BackgroundScheduler)
    scheduler.start(paused=True)
    scheduler.shutdown(wait=False)
    store = SQLAlchemyJobStore(url=db.engine.url.render_as_string(hide_password=False))
    store.start(scheduler, "default")
    return store


def stored_job(app: Flask):
    return start_and_stop().lookup_job("daily_scan")


def test_daily_scan_is_persisted_with_its_cron_trigger(app_ctx: Flask) -> None:
    job = stored_job(app_ctx)

    assert job is not None
    assert job.func_ref == "tracker.jobs.scan:daily_scan"
    assert "hour='7'" in str(job.trigger) and "minute='30'" in str(job.trigger)
    assert str(job.trigger.timezone) == "Asia/Shanghai"
    assert job.coalesce is True


def test_after_downtime_the_missed_run_happens_once_on_restart(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_cixi(runner)
    point_jobs_at(app, monkeypatch)
    with app.app_context():
        store = start_and_stop()
        job = store.lookup_job("daily_scan")
        missed = datetime.now(ZoneInfo("Asia/Shanghai")).replace(microsecond=0) - timedelta(hours=1)
        job._modify(next_run_time=missed)
        store.update_job(job)

        restarted = build_scheduler(BackgroundScheduler)
        replaced = restarted.get_jobs()
        restarted.start()
        try:
            alerts = wait_for_alerts(timeout_seconds=30)
        finally:
            restarted.shutdown(wait=True)
        next_run = start_and_stop().lookup_job("daily_scan").next_run_time

    assert replaced == []  # the stored job, with its missed run, was kept
    assert alerts > 0
    assert next_run > datetime.now(ZoneInfo("Asia/Shanghai"))


def import_cixi(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["plan", "import", str(SEEDS / "cixi-key-tasks.docx"), "--period", "2019-2025"]
    )
    assert result.exit_code == 0, result.output


def point_jobs_at(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jobs build their own app from the environment: aim it at the test database."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("TRACKER_TODAY", "2020-11-20")


def wait_for_alerts(timeout_seconds: float) -> int:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        db.session.remove()
        found = db.session.scalar(sa.select(sa.func.count(Alert.id))) or 0
        if found:
            return found
        time.sleep(0.2)
    return 0


def test_daily_scan_job_scans_the_configured_database(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_cixi(runner)
    point_jobs_at(app, monkeypatch)

    daily_scan()
    with app.app_context():
        first = db.session.scalar(sa.select(sa.func.count(Alert.id)))
    daily_scan()
    with app.app_context():
        second = db.session.scalar(sa.select(sa.func.count(Alert.id)))

    assert first and first > 0
    assert second == first
