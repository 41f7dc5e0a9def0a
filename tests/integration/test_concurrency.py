"""Many writers at once, on a real served tracker (issue 18 §4, issue 14 §4): small versions
of ``scripts/bench-concurrency`` and ``scripts/load``.

- On SQLite, waitress serves a database of a few hundred tasks (the Cixi demo copied) while
  the daily scan and reminder jobs run in processes of their own and reporters, reviewers
  and readers log in, submit, review and read: no error (no 503 either), no lost write,
  both jobs done, and the write lock's holders reported.
- gunicorn (gthread workers) serves the suite's database (PostgreSQL in its run; an SQLite
  file in the other) to a few clients for a few seconds: no error, no lost write.

The clients are httpx threads; every acknowledged report must be stored as acknowledged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from scripts import bench_concurrency, bench_data, load
from tracker import extensions
from tracker.extensions import db

pytestmark = pytest.mark.commits

#: Demo accounts hashed with the test profile's fast hash (the servers check any method).
FAST = {"TRACKER_SETTINGS": "test"}


def _suite_url(app: Flask) -> str:
    with app.app_context():
        db.session.remove()
        return str(db.engine.url.render_as_string(hide_password=False))


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite file of 285 tasks (the demo and 4 copies), built once for the module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('district') / 'district.db'}"
    built = bench_data.build(url, 4, **FAST)
    assert built.tasks == 5 * 57
    return url


def _clean(result: dict[str, object]) -> None:
    assert result["errors"] == 0, result["error_samples"]
    assert result["lost_writes"] == 0, result["lost_samples"]
    assert result["accepted"], result


def test_sqlite_serves_twenty_writers_in_turn(app: Flask, district: str, tmp_path: Path) -> None:
    if not _suite_url(app).startswith("sqlite"):
        pytest.skip("the embedded default's test (the SQLite run)")
    result = bench_concurrency.measure(
        district, reporters=16, reviewers=4, seconds=3, jobs=(), log=tmp_path / "server.log"
    )
    _clean(result)
    assert result["routes"]["POST /login"]["n"] == 20


def test_sqlite_serves_writers_while_the_scan_and_reminders_run(
    app: Flask, district: str, tmp_path: Path
) -> None:
    if not _suite_url(app).startswith("sqlite"):
        pytest.skip("the embedded default's test (the SQLite run)")
    result = bench_concurrency.measure(
        district, reporters=6, reviewers=2, readers=2, seconds=3, log=tmp_path / "server.log"
    )
    assert {name: job["returncode"] for name, job in result["jobs"].items()} == {
        "scan": 0,
        "remind": 0,
    }, result["jobs"]
    assert result["lost_writes"] == 0, result["lost_samples"]
    assert result["accepted"], result
    writes = result["writes"]  # who held the write lock, measured by tracker.write_watch
    assert writes["longest_held_web"]["source"].startswith("web POST "), writes
    held = {source: row["max_held_ms"] for source, row in writes["top_holders"].items()}
    assert {"job daily_scan", "job daily_reminders"} <= set(held), writes
    # Every write transaction is brief, the jobs' chunks included (the scan and the
    # reminder pass write in chunks, issue 18 §1): none holds the lock as long as a web
    # write waits for it (5 s), so none of them alone can cause a 503.
    assert max(held.values()) < extensions.BUSY_TIMEOUT_MS, writes
    # The suite runs beside another pytest worker on 2 cores: queued behind many brief
    # writers on a starved CPU, a web write may still wait past 5 s and be told "系统繁忙"
    # (503, retry) — never a 500, nothing lost. `scripts/bench-concurrency` (20,000 tasks,
    # both jobs) exits non-zero on any error, 503 included.
    assert all(": 503 " in sample for sample in result["error_samples"]), (result, writes)


def test_a_short_load_against_gunicorn_loses_nothing(app: Flask, tmp_path: Path) -> None:
    url = _suite_url(app)
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'load.db'}"
    bench_data.build(url, 2, **FAST)
    world = load.prepare(url, reporters=6, reviewers=1, readers=3, tasks_each=1000)
    assert world.reporters[0].tasks

    with load.served(url, "gunicorn", workers=2, threads=4, log=tmp_path / "gunicorn.log") as base:
        tally = load.run(base, world, load.Stop(3))
    result = load.summary(tally, load.lost_writes(url, tally), 3)

    _clean(result)
    assert {"GET /plans/{id}", "GET /tasks/{id}", "POST /api/v1/tasks/{id}/reports"} <= set(
        result["routes"]
    )
