"""Benchmarks of the foundation: import, scan and page times on a fresh SQLite database.

Run with ``./scripts/bench``; prints medians (milliseconds) over several runs.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask_migrate import upgrade

from tracker import create_app
from tracker import settings as app_settings
from tracker.clock import today
from tracker.extensions import db
from tracker.services import plans, scan
from tracker.services.demo import DEMO_PASSWORD, load_demo

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ROOT / "seeds"
RUNS = 7


def timed(label: str, action: Callable[[], object], runs: int = RUNS) -> float:
    """Run ``action`` ``runs`` times and print the median in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    spread = f"min {min(samples):.1f}, max {max(samples):.1f}, n={runs}"
    print(f"{label:<44} median {median:8.1f} ms   ({spread})")
    return median


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                "TRACKER_TODAY": date(2020, 11, 20),
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            for name in ("cixi-key-tasks.docx", "cixi-key-tasks.xlsx"):
                path = DOCUMENTS / name

                def import_once(path: Path = path) -> None:
                    defaults = app_settings.current().reporting
                    plans.import_plan(
                        plans.read_table(path), period=(2019, 2025), defaults=defaults
                    )
                    db.session.rollback()

                timed(f"import {name} (57 tasks, rolled back)", import_once)
            timed("demo load (calendar, plan, users, reports)", lambda: _demo(), runs=1)
            plan_id = plans.list_plans()[0].id
            timed("scan as of 2020-11-20 (57 tasks)", lambda: _scan(plan_id))
        client = app.test_client()
        app.config["WTF_CSRF_ENABLED"] = False
        client.post("/login", data={"username": "office", "password": DEMO_PASSWORD})
        for label, url in (
            ("page: ledger /plans/1", f"/plans/{plan_id}"),
            ("page: ledger filtered by state", f"/plans/{plan_id}?state=overdue"),
            ("page: task /tasks/1", "/tasks/1"),
            ("page: milestone chart PNG", "/tasks/1/chart.png"),
            ("page: office inbox", "/inbox/"),
        ):

            def get(url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            timed(label, get)


def _demo() -> None:
    load_demo(today(), app_settings.current())
    db.session.commit()


def _scan(plan_id: int) -> None:
    scan.run_scan(today(), plan_id, lag=app_settings.current().lag)
    db.session.commit()


if __name__ == "__main__":
    sys.exit(main())
