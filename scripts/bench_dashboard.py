"""Benchmark of the leaders' overview (issue 13): the dashboard with 100 districts' data.

One plan of 100 districts × 57 tasks (5,700 tasks, 600 units) with stored states at every
quarter end since 2019 and today, a report per task and quarter, 批示 and supervision
notices, on a fresh SQLite database (or ``--url`` of an empty PostgreSQL one). Prints
the median time of the dashboard's figures and of the whole page, in milliseconds.

    python scripts/bench_dashboard.py [--districts 100] [--url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.dashboard_data import fill_districts  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.domain.policy import Role  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.services import dashboard  # noqa: E402
from tracker.services.users import create_user  # noqa: E402

TODAY = date(2020, 11, 20)
RUNS = 7
PASSWORD = "Bench#2020pass"


def timed(label: str, action: Callable[[], object], runs: int = RUNS) -> float:
    """Run ``action`` ``runs`` times and print the median in milliseconds, wall-clock and
    this process's CPU (SQLite runs in the process; on a shared machine the wall time also
    counts waiting for a core)."""
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    median = statistics.median(samples)
    print(
        f"{label:<40} median {median:7.1f} ms wall, {statistics.median(cpu):7.1f} ms CPU"
        f"   (wall min {min(samples):.1f}, max {max(samples):.1f})"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{folder}/bench.db"
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "TRACKER_TODAY": TODAY, "SECRET_KEY": "bench"}
        )
        app.config["WTF_CSRF_ENABLED"] = False
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            start = time.perf_counter()
            plan_id = fill_districts(args.districts, TODAY)
            create_user("bench", PASSWORD, Role.LEADER, hash_method="pbkdf2:sha256:1000")
            db.session.commit()
            print(f"filled {args.districts} districts in {time.perf_counter() - start:.1f} s")
            timed(
                f"build_dashboard ({args.districts * 57} tasks)",
                lambda: (dashboard.build_dashboard(plan_id, TODAY), db.session.rollback()),
            )
            timed("plans_overview", lambda: dashboard.plans_overview(TODAY))
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": PASSWORD})
        page = timed(
            "page: GET /dashboard (leader)", lambda: client.get(f"/dashboard?plan={plan_id}")
        )
        print(f"dashboard page with {args.districts} districts: {page:.0f} ms (budget 300 ms)")


if __name__ == "__main__":
    main()
