"""The scheduler as a process (issue 4 §1): one lock holder among several processes,
every job run recorded, and a missed run done once across a kill and restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from tests.integration.test_scheduler import start_and_stop
from tracker.extensions import db
from tracker.jobs.lock import ACQUIRED_MESSAGE, WAITING_MESSAGE, SchedulerLock
from tracker.jobs.runs import recorded
from tracker.jobs.scheduler import build_scheduler
from tracker.models.reminder import JobRun

pytestmark = pytest.mark.commits  # other engines and processes read the database

ROOT = Path(__file__).resolve().parents[2]
RETRY_SECONDS = 1
STARTED = "scheduler started with jobs"


# --- Helpers ------------------------------------------------------------------------------


class SchedulerProcess:
    """``flask --app tracker scheduler`` on ``url``, its log written to a file."""

    def __init__(self, url: str, log_path: Path) -> None:
        self.log_path = log_path
        env = dict(os.environ)
        env.pop("TRACKER_SETTINGS", None)
        env.update(
            TRACKER_DATABASE_URL=url,
            TRACKER_TODAY="2020-11-20",
            TRACKER_SCHEDULER_LOCK_RETRY_SECONDS=str(RETRY_SECONDS),
            PYTHONUNBUFFERED="1",
        )
        self._log = log_path.open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "tracker", "scheduler"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        """Everything the process has logged so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the process (SIGKILL after 10 s) and close its log."""
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self._log.close()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Callable[[str], SchedulerProcess]]:
    """Start scheduler processes; every one is stopped at the end, whatever happens."""
    started: list[SchedulerProcess] = []

    def start(url: str) -> SchedulerProcess:
        process = SchedulerProcess(url, tmp_path / f"scheduler-{len(started)}.log")
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop(signal.SIGKILL)


def wait_until(condition: Callable[[], bool], timeout_seconds: float) -> bool:
    """Poll ``condition`` until it holds or the time is up."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def database_url(app: Flask) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


def point_jobs_at(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jobs build their own app from the environment: aim it at the test database."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url(app))
    monkeypatch.setenv("TRACKER_TODAY", "2020-11-20")


def runs_of(job_id: str) -> list[sa.Row]:
    """The recorded runs of ``job_id`` (read with Core: fresh rows, no ORM cache)."""
    db.session.remove()
    runs = JobRun.__table__
    return list(db.session.execute(sa.select(runs).where(runs.c.job_id == job_id)).all())


# --- Only one process holds the lock ------------------------------------------------------


def lock_urls(app: Flask, tmp_path: Path) -> list[str]:
    urls = [f"sqlite:///{tmp_path / 'lock-test.db'}"]
    if database_url(app).startswith("postgresql"):
        urls.append(database_url(app))
    return urls


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_only_one_scheduler_process_runs_and_the_other_takes_over(
    app: Flask,
    tmp_path: Path,
    processes: Callable[[str], SchedulerProcess],
    backend: str,
) -> None:
    url = next((u for u in lock_urls(app, tmp_path) if u.startswith(backend)), None)
    if url is None:
        pytest.skip("the test database is not PostgreSQL (set TRACKER_TEST_DATABASE_URL)")
    first, second = processes(url), processes(url)

    def settled() -> bool:
        logs = first.log() + second.log()
        return ACQUIRED_MESSAGE in logs and WAITING_MESSAGE in logs

    assert wait_until(settled, 20), first.log() + second.log()
    holder, waiter = (first, second) if ACQUIRED_MESSAGE in first.log() else (second, first)
    assert ACQUIRED_MESSAGE not in waiter.log()
    assert STARTED not in waiter.log()  # the waiting one never built its scheduler

    holder.stop(signal.SIGKILL)  # dies without cleaning up: the OS / server frees the lock

    assert wait_until(lambda: STARTED in waiter.log(), RETRY_SECONDS + 10), waiter.log()
    assert ACQUIRED_MESSAGE in waiter.log()


def test_lock_is_exclusive_within_one_database_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    first, second = SchedulerLock(url, retry_seconds=0), SchedulerLock(url, retry_seconds=0)
    try:
        assert first.acquire(wait=False)
        assert not second.acquire(wait=False)
        first.release()
        assert second.acquire(wait=False)
    finally:
        first.release()
        second.release()


# --- Every run is recorded ----------------------------------------------------------------


@recorded("test_failing")
def failing_job() -> dict[str, int]:
    """A job that fails."""
    raise RuntimeError("故意失败 deliberate failure")


@recorded("test_ok")
def ok_job() -> dict[str, int]:
    """A job that succeeds with counts."""
    return {"things": 3}


def test_job_runs_are_recorded_ok_and_error_and_the_scheduler_keeps_running(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_jobs_at(app, monkeypatch)
    with app.app_context():
        scheduler = build_scheduler(BackgroundScheduler)
        now = datetime.now(ZoneInfo("Asia/Shanghai"))
        scheduler.add_job(failing_job, "date", id="failing", run_date=now)
        scheduler.add_job(ok_job, "date", id="ok", run_date=now + timedelta(seconds=1))
        scheduler.start()
        try:
            done = wait_until(
                lambda: (
                    all(run.finished_at for run in runs_of("test_failing") + runs_of("test_ok"))
                    and len(runs_of("test_ok")) == 1
                ),
                15,
            )
            running = scheduler.running
        finally:
            scheduler.shutdown(wait=True)
        (failed,) = runs_of("test_failing")
        (succeeded,) = runs_of("test_ok")

    assert done and running
    assert failed.outcome == "error"
    assert "RuntimeError: 故意失败 deliberate failure" in failed.error
    assert "failing_job" in failed.error  # the traceback summary names the frame
    assert failed.finished_at is not None
    assert succeeded.outcome == "ok"
    assert json.loads(succeeded.counts) == {"things": 3}
    assert succeeded.error == ""
    assert succeeded.finished_at >= succeeded.started_at


def test_daily_scan_returns_and_records_its_counts(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.jobs.scan import daily_scan

    point_jobs_at(app, monkeypatch)
    counts = daily_scan()
    with app.app_context():
        (run,) = runs_of("daily_scan")

    assert counts == {"tasks": 0, "alerts_created": 0}
    assert run.outcome == "ok" and json.loads(run.counts) == counts


# --- Killed and restarted: the missed run happens once ------------------------------------


def test_a_missed_run_happens_once_across_a_restart(
    app: Flask, processes: Callable[[str], SchedulerProcess]
) -> None:
    url = database_url(app)
    with app.app_context():
        store = start_and_stop()
        job = store.lookup_job("daily_scan")
        missed = datetime.now(ZoneInfo("Asia/Shanghai")).replace(microsecond=0) - timedelta(hours=1)
        job._modify(next_run_time=missed)
        store.update_job(job)
        store.shutdown()

        first = processes(url)
        finished = wait_until(lambda: any(run.finished_at for run in runs_of("daily_scan")), 20)
        first.stop()
        assert finished, first.log()

        second = processes(url)
        assert wait_until(lambda: STARTED in second.log(), 15), second.log()
        time.sleep(2)  # a due job would run at once on start
        second.stop()
        runs = runs_of("daily_scan")
        next_run = start_and_stop().lookup_job("daily_scan").next_run_time

    assert len(runs) == 1, second.log()
    assert runs[0].outcome == "ok", runs[0].error
    assert next_run > datetime.now(ZoneInfo("Asia/Shanghai"))
