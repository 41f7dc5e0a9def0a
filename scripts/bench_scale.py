"""National-scale benchmark (issue 14 §5, issue 18): N copies of the Cixi district plan.

``./scripts/bench-scale --districts N --database URL [--big-plan K]`` empties the database
at URL (a PostgreSQL database or a SQLite file — everything in it is dropped), loads the
demo (the Cixi plan as of 2020-11-20 with its reports), copies that district's plan N−1
times with bulk ``INSERT … SELECT`` (ids offset per copy; the units and users are shared;
on PostgreSQL with the per-row foreign-key triggers off, ``session_replication_role =
replica``, since every copied row points at a copied or shared row),
optionally one more plan holding K copies of the tasks (a province-wide plan), then
measures and prints one JSON object:

- ``tasks``, ``milestones``, ``reports``, ``generate_s`` (with a ``VACUUM ANALYZE``, as
  autovacuum would after the load; the pages are measured after another, :func:`vacuum`);
- ``scan_first_s``: the first scan of the database (the day before ``DAY``), which finds
  every lag event new and writes all its alerts (``scan_first_alerts_created``) — once
  in an installation's life;
- ``scan_full_s`` / ``scan_full_peak_mb`` (``run_scan(full=True)`` of ``DAY`` in a child
  process, as the daily job's first scan of a new day: every task assessed, the alerts
  mostly known already,
  with ``TRACKER_SCAN_WORKERS`` processes, ``scan_workers``; the peak is the child's max
  RSS, ``scan_full_helper_peak_mb`` its largest helper's) and ``scan_rerun_s`` /
  ``scan_rerun_peak_mb`` (an unchanged rerun the same day, incremental);
- ``floor_ms``: one raw-SQL query reading the same per-task essentials (every task, every
  milestone in force, every report) through the DB-API cursor, and ``ratio`` = full scan /
  floor;
- ``reminders_s``: one reminder pass (``run_reminders``, committed, nothing sent; a first
  pass, which issues the copies' supervision notices, also with ``--reuse``), its
  ``reminders_cpu_s``, the ``reminders_notices`` it issued, and
  ``reminders_longest_write_ms``: its longest write transaction;
- ``p95_ms``: ledger, task and inbox pages (and the big plan's ledger) through the Flask
  test client, 20 requests each (fewer, at least 3, when a page takes over 30 s in all),
  with the objects alive before the first request frozen out of the cycle collector, as a
  served worker does (``tracker.wsgi.freeze_start_up``).

``--reuse`` measures the database as it is (after an earlier run generated it); with
``--pages-only`` as well, only the pages are measured (the scan of the day and the reminder
pass of the earlier run stay as they were). The figures so far go to stderr after each step.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts import district_copies  # noqa: E402

DAY = date(2020, 11, 20)


def make_app(url: str):  # type: ignore[no-untyped-def]
    from tracker import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TRACKER_TODAY": DAY,
            "SECRET_KEY": "bench-scale",
            "WTF_CSRF_ENABLED": False,
        }
    )


def reset(url: str) -> None:
    """Drop everything in the database at ``url``."""
    if url.startswith("sqlite"):
        path = Path(sa.engine.make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def generate(url: str, districts: int, big_plan: int) -> dict[str, object]:
    """Migrate, load the demo and copy its plan; returns the counts and seconds."""
    from flask_migrate import upgrade

    from tracker import settings as app_settings
    from tracker.extensions import db
    from tracker.services.demo import load_demo
    from tracker.unit_of_work import unit_of_work

    start = time.perf_counter()
    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        with unit_of_work():
            load_demo(DAY, app_settings.current())
        with unit_of_work() as session:
            session.execute(sa.text("DELETE FROM task_states"))
            conn = session.connection()
            sqlite = conn.dialect.name == "sqlite"
            top = district_copies.tops(conn, [district_copies.PLAN_TABLES])
            if not sqlite:  # copies of consistent rows: no foreign-key trigger per row
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            if districts > 1:
                district_copies.copy_districts(conn, 1, districts - 1, top=top)
            if big_plan > 0:
                last = districts + big_plan - 1
                district_copies.copy_districts(conn, districts, last, same_plan=True, top=top)
            district_copies.reset_sequences(conn, district_copies.PLAN_TABLES)
        counts = {
            name: db.session.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar()
            for name in ("tasks", "milestones", "progress_reports")
        }
        db.session.commit()
    vacuum(url)
    return {
        "tasks": counts["tasks"],
        "milestones": counts["milestones"],
        "reports": counts["progress_reports"],
        "generate_s": round(time.perf_counter() - start, 1),
    }


FLOOR_SQL = """
SELECT 't', id, CAST(NULL AS DATE), baseline_value, NULL FROM tasks
UNION ALL
SELECT 'm', task_id, due, target_value, kind FROM milestones WHERE superseded_at IS NULL
UNION ALL
SELECT 'r', task_id, period_end, value, status FROM progress_reports
"""


def vacuum(url: str) -> None:
    """``VACUUM ANALYZE`` the PostgreSQL database at ``url``, as autovacuum does on a live
    install after a bulk load (this machine's PostgreSQL runs with autovacuum off): the
    planner's statistics, the rows' visibility for index-only scans and their hint bits
    are then as a running install's, not those of tables just filled."""
    if url.startswith("sqlite"):
        return
    engine = sa.create_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def child(kind: str, url: str) -> None:
    """Run one measured step in this (child) process and print its seconds and peak."""
    from tracker import settings as app_settings
    from tracker.extensions import db
    from tracker.services.reminders import run_reminders
    from tracker.services.scan import run_scan
    from tracker.unit_of_work import unit_of_work

    app = make_app(url)
    out: dict[str, object] = {}
    with app.app_context():
        lag = app_settings.current().lag
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
        # configured once per process, as in the long-running scheduler, before the clock
        sa.orm.configure_mappers()
        start = time.perf_counter()
        if kind == "floor":
            cursor = db.engine.raw_connection().cursor()
            cursor.execute(FLOOR_SQL)
            out["rows"] = len(cursor.fetchall())
        elif kind in ("scan_first", "scan_full", "scan_rerun"):
            day = DAY - timedelta(days=1) if kind == "scan_first" else DAY
            with unit_of_work():
                workers = app_settings.current().scheduler.scan_workers
                result = run_scan(day, lag=lag, full=kind != "scan_rerun", workers=workers)
            out["assessed"] = result.assessed
            out["workers"] = workers
            out["longest_write_ms"] = round(result.longest_write_s * 1000, 1)
            out["alerts_created"] = result.alerts_created
            out["json_chars"] = len(json.dumps(result.to_json()))
        elif kind == "reminders":
            notices = "SELECT count(*) FROM supervision_notices"
            before = db.session.execute(sa.text(notices)).scalar() or 0
            db.session.rollback()
            cpu = time.process_time()
            with unit_of_work():
                found = run_reminders(DAY, app_settings.current())
            out["cpu_s"] = round(time.process_time() - cpu, 2)
            out["notices"] = (db.session.execute(sa.text(notices)).scalar() or 0) - before
            out["reminders"] = len(found.reminder_ids)
            out["digests"] = len(found.digest_ids)
            out["write_chunks"] = found.chunks
            out["longest_write_ms"] = round(found.longest_write_s * 1000, 1)
            out["longest_write_ms_by"] = {
                k: round(v * 1000, 1) for k, v in found.longest_writes.items()
            }
        out["seconds"] = round(time.perf_counter() - start, 3)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the scan's helper processes
    out["helper_peak_mb"] = round(helpers.ru_maxrss / 1024, 1)
    out["helper_cpu_s"] = round(helpers.ru_utime + helpers.ru_stime, 2)
    print(json.dumps(out))


def measure(kind: str, url: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--database", url],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def pages(url: str, big_plan: bool) -> dict[str, float]:
    """p95 in ms of 20 GETs of each page, as the office (``/my`` and the big plan's
    ledger ``_as_unit`` as the first unit's reporter)."""
    import sqlalchemy as sa

    from tracker.extensions import db
    from tracker.models import Plan, Task
    from tracker.services.demo import DEMO_PASSWORD
    from tracker.wsgi import freeze_start_up

    app = make_app(url)
    client = app.test_client()
    client.post("/login", data={"username": "office", "password": DEMO_PASSWORD})
    reporter = app.test_client()
    reporter.post("/login", data={"username": "unit01", "password": DEMO_PASSWORD})
    freeze_start_up()  # as a served worker does once its app is built (tracker/wsgi.py)
    with app.app_context():
        first = db.session.scalar(sa.select(sa.func.min(Plan.id)))
        last = db.session.scalar(sa.select(sa.func.max(Plan.id)))
        task = db.session.scalar(sa.select(sa.func.min(Task.id)))
        big = _big_plan_ledgers(int(last or 0)) if big_plan else {}
    urls = {"ledger": f"/plans/{first}", "task": f"/tasks/{task}", "inbox": "/inbox/"}
    urls.update(dashboard="/dashboard", my="/my", review="/review/reports", **big)
    found: dict[str, float] = {}
    for name, path in urls.items():
        samples: list[float] = []
        get = reporter.get if name in ("my", "ledger_big_plan_as_unit") else client.get
        get(path)  # warm: templates compiled, caches filled
        began = time.perf_counter()
        while len(samples) < 20 and (len(samples) < 3 or time.perf_counter() - began < 30):
            start = time.perf_counter()
            response = get(path)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        samples.sort()
        found[name] = round(samples[max(0, round(0.95 * len(samples)) - 1)], 1)
        found[f"{name}_n"] = len(samples)
    return found


def _big_plan_ledgers(plan_id: int) -> dict[str, str]:
    """The big plan's ledger and each of its filters: a state on page 2, the last page,
    a unit (the plan's first), a category (its first), all three at once, and the ledger
    as the first unit's reporter sees it (its unit's tasks only)."""
    from tracker.extensions import db
    from tracker.models import Category, Task, TaskUnit

    unit = db.session.scalar(
        sa.select(sa.func.min(TaskUnit.unit_id))
        .join(Task, Task.id == TaskUnit.task_id)
        .where(Task.plan_id == plan_id)
    )
    category = db.session.scalar(
        sa.select(sa.func.min(Category.id)).where(Category.plan_id == plan_id)
    )
    ledger = f"/plans/{plan_id}"
    return {
        "ledger_big_plan": ledger,
        "ledger_big_plan_state": f"{ledger}?state=behind&page=2",
        "ledger_big_plan_last_page": f"{ledger}?page=1000",
        "ledger_big_plan_unit": f"{ledger}?unit={unit}",
        "ledger_big_plan_category": f"{ledger}?category={category}",
        "ledger_big_plan_all_filters": f"{ledger}?unit={unit}&state=on_track&category={category}",
        "ledger_big_plan_as_unit": f"{ledger}?state=behind",
    }


def say(report: dict[str, object]) -> None:
    """The figures so far, on stderr (a long run shows its progress)."""
    print(json.dumps(report, ensure_ascii=False), file=sys.stderr, flush=True)


def counts(url: str) -> dict[str, object]:
    """The sizes of the database as it is."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = {
            name: conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
            for name, table in (
                ("tasks", "tasks"),
                ("milestones", "milestones"),
                ("reports", "progress_reports"),
            )
        }
    engine.dispose()
    return found


def forget_reminders(url: str) -> None:
    """Delete the reminders, digests and deliveries an earlier run recorded, and the
    supervision notices its pass issued (with their audit entries: every notice but the
    template plan's, which the demo issued), so the pass measured is a first pass again:
    everything new, the copies' notices issued in bulk."""
    copies = "SELECT id FROM supervision_notices WHERE plan_id <> (SELECT min(id) FROM plans)"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in ("deliveries", "reminders", "digests"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql(
            f"DELETE FROM audit_entries WHERE entity = 'supervision_notices' "
            f"AND entity_id IN ({copies})"
        )
        conn.exec_driver_sql(f"DELETE FROM supervision_notices WHERE id IN ({copies})")
    if not url.startswith("sqlite"):  # the planner sees the tables as a generated run does
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(
                "VACUUM ANALYZE deliveries, reminders, digests, audit_entries, supervision_notices"
            )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--database", required=True)
    parser.add_argument("--big-plan", type=int, default=0, help="copies in one extra plan")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database as it is (no generation)"
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="with --reuse: only the pages (the run that generated the database scanned it)",
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database)
        return
    report: dict[str, object] = {"districts": args.districts, "big_plan_copies": args.big_plan}
    if args.reuse and args.pages_only:
        vacuum(args.database)
        report.update(counts(args.database), p95_ms=pages(args.database, args.big_plan > 0))
        print(json.dumps(report, ensure_ascii=False))
        return
    if args.reuse:
        report.update(counts(args.database))
        forget_reminders(args.database)
    else:
        reset(args.database)
        report.update(generate(args.database, args.districts, args.big_plan))
    say(report)
    floor = measure("floor", args.database)
    first = measure("scan_first", args.database)
    full = measure("scan_full", args.database)
    rerun = measure("scan_rerun", args.database)
    report.update(
        floor_ms=round(float(floor["seconds"]) * 1000, 1),  # type: ignore[arg-type]
        scan_first_s=first["seconds"],
        scan_first_alerts_created=first["alerts_created"],
        scan_full_s=full["seconds"],
        scan_full_peak_mb=full["peak_mb"],
        scan_full_helper_peak_mb=full["helper_peak_mb"],
        scan_workers=full["workers"],
        ratio=round(float(full["seconds"]) / max(float(floor["seconds"]), 1e-6), 1),  # type: ignore[arg-type]
        scan_rerun_s=rerun["seconds"],
        scan_rerun_peak_mb=rerun["peak_mb"],
        scan_rerun_assessed=rerun["assessed"],
        scan_longest_chunk_write_ms=full["longest_write_ms"],
        alerts_created=full["alerts_created"],
    )
    say(report)
    reminders = measure("reminders", args.database)
    report.update(
        reminders_s=reminders["seconds"],
        reminders_cpu_s=reminders["cpu_s"],
        reminders_notices=reminders["notices"],
        reminders_peak_mb=reminders["peak_mb"],
        reminders_longest_write_ms=reminders["longest_write_ms"],
    )
    say(report)
    if not args.skip_pages:
        vacuum(args.database)  # the scans' and the pass's rows, as autovacuum would
        report["p95_ms"] = pages(args.database, args.big_plan > 0)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
