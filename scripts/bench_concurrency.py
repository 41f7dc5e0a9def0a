"""The embedded default under a province's load (issue 18 §4): an SQLite database of about
20,000 tasks (the Cixi demo copied 350 times, ``scripts/bench_data.py``), served by
waitress (the demo's server), while the daily scan and the daily reminder pass (the job
functions of ``tracker.jobs``, as the scheduler process runs them) run in processes of
their own and 20 clients log in, submit and review reports (``scripts/load.py``).

    scripts/bench-concurrency [--copies 350] [--reporters 16] [--reviewers 4] [--seconds 20]
        [--jobs scan,remind | --no-jobs]

Prints one JSON line (:func:`figures`): tasks, users, clients; requests by route and status;
errors (any answer but the intended one, a 503 among them) and the 503s; lost writes
(acknowledged reports not stored as acknowledged); the longest write wait in the web and the
longest write transaction of a job and of the web, with their sources and the top lock
holders (from the write log of ``tracker.write_watch``); the scan's and the reminder
pass's seconds. Exit 1 on any error, lost write or failed job. ``--database URL`` reuses a
database built before (then ``--copies`` is ignored); the server log and the write log stay
in the folder named ``logs``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import bench_data, load  # noqa: E402
from tracker import write_watch  # noqa: E402

#: The jobs run while the clients work, each in a process of its own, as the scheduler
#: process runs them (``tracker.jobs``: a recorded run, its unit of work begun IMMEDIATE).
JOBS = {"scan": "tracker.jobs.scan:daily_scan", "remind": "tracker.jobs.remind:daily_reminders"}


@dataclass
class JobRun:
    """One job process: its exit code, seconds and the tail of its output."""

    name: str
    returncode: int | None = None
    seconds: float | None = None
    output: str = ""


def run_job(name: str, job: str, url: str, done: JobRun, delay: float) -> None:
    """Run the job ``module:function`` on ``url`` in a new process after ``delay``
    seconds; fill ``done``."""
    time.sleep(delay)
    module, function = job.split(":")
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", f"from {module} import {function}; print({function}())"],
        env=load.server_env(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    done.returncode = result.returncode
    done.seconds = round(time.monotonic() - start, 2)
    done.output = (result.stdout + result.stderr)[-4000:]


def measure(
    url: str,
    *,
    reporters: int = 16,
    reviewers: int = 4,
    readers: int = 0,
    seconds: float = 20,
    jobs: Sequence[str] = tuple(JOBS),
    job_delay: float = 1.0,
    threads: int = 8,
    log: Path | None = None,
) -> dict[str, Any]:
    """Serve ``url`` with waitress, run the ``jobs`` (names of :data:`JOBS`) and the
    clients; the figures as a dict (:func:`figures`). The clients run at least ``seconds``
    and until the jobs have finished. Every write transaction of the server and the jobs
    goes to a write log (``tracker.write_watch``) next to ``log`` (or in a temporary
    folder)."""
    world = load.prepare(url, reporters, reviewers, readers, 100_000)
    runs = {name: JobRun(name) for name in JOBS}
    folder = log.parent if log else Path(tempfile.mkdtemp(prefix="tracker-writes-"))
    writes = folder / "writes.jsonl"
    writes.unlink(missing_ok=True)
    previous = os.environ.get(write_watch.WRITE_LOG_VARIABLE)
    os.environ[write_watch.WRITE_LOG_VARIABLE] = str(writes)  # the children inherit it
    try:
        tally, elapsed = _serve_and_load(url, world, runs, jobs, seconds, job_delay, threads, log)
    finally:
        if previous is None:
            os.environ.pop(write_watch.WRITE_LOG_VARIABLE, None)
        else:
            os.environ[write_watch.WRITE_LOG_VARIABLE] = previous
    result = load.summary(tally, load.lost_writes(url, tally), elapsed)
    result["writes"] = write_watch.summarise(write_watch.read_log(writes))
    result["jobs"] = {name: asdict(runs[name]) for name in jobs}
    result["clients"] = {"reporters": reporters, "reviewers": reviewers, "readers": readers}
    return result


def _serve_and_load(
    url: str,
    world: load.World,
    runs: dict[str, JobRun],
    jobs: Sequence[str],
    seconds: float,
    job_delay: float,
    threads: int,
    log: Path | None,
) -> tuple[load.Tally, float]:
    with load.served(url, "waitress", threads=threads, log=log) as base:
        workers = [
            threading.Thread(target=run_job, args=(name, JOBS[name], url, runs[name], job_delay))
            for name in jobs
        ]
        stop = load.Stop(24 * 3600)
        start = time.monotonic()
        for worker in workers:
            worker.start()

        def stop_when_done() -> None:
            for worker in workers:
                worker.join()
            time.sleep(max(0.0, seconds - (time.monotonic() - start)))
            stop.set()

        stopper = threading.Thread(target=stop_when_done)
        stopper.start()
        tally = load.run(base, world, stop)
        stopper.join()
        return tally, time.monotonic() - start


def figures(size: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The line the benchmark prints: the database's size, the clients, requests by route
    and status, errors (answers other than the intended one) and 503s among them, lost
    writes, the longest write wait in the web, the longest write transaction of a job and
    of the web (ms, with its source), the top lock holders, and the jobs' seconds."""
    writes = result["writes"]
    jobs = result["jobs"]
    failed = {name: job["output"] for name, job in jobs.items() if job["returncode"] != 0}
    return {
        "tasks": size["tasks"],
        "plans": size["plans"],
        "reports": size["reports"],
        "users": size["users"],
        "clients": result["clients"],
        "seconds": result["seconds"],
        "requests": result["requests"],
        "requests_by_route_and_status": result["statuses"],
        "errors": result["errors"],
        "busy_503": result["busy_503"],
        "error_samples": result["error_samples"],
        "lost_writes": result["lost_writes"],
        "lost_samples": result["lost_samples"],
        "acknowledged_reports": result["acknowledged_reports"],
        "accepted": result["accepted"],
        "longest_write_wait_web_ms": writes["longest_wait_web"],
        "longest_write_held_ms": {
            "job": writes["longest_held_job"],
            "web": writes["longest_held_web"],
        },
        "write_transactions": writes["transactions"],
        "top_holders": writes["top_holders"],
        "longest_write_request_ms": result["longest_write_ms"],
        "longest_login_ms": result["longest_login_ms"],
        "scan_seconds": jobs.get("scan", {}).get("seconds"),
        "reminder_seconds": jobs.get("remind", {}).get("seconds"),
        "job_exit_codes": {name: job["returncode"] for name, job in jobs.items()},
        "failed_job_output": failed,
        "latency_by_route": result["routes"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="an SQLite URL built before (default: build one)")
    parser.add_argument("--copies", type=int, default=350, help="copies of the Cixi plan")
    parser.add_argument("--reporters", type=int, default=16)
    parser.add_argument("--reviewers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the built database")
    parser.add_argument("--jobs", default=",".join(JOBS), help="jobs to run: scan,remind")
    parser.add_argument("--no-jobs", action="store_true", help="the clients alone (a baseline)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="tracker-bench-concurrency-"))
    url = args.database or f"sqlite:///{folder / 'province.db'}"
    built_in = None
    if not args.database:
        start = time.monotonic()
        bench_data.build(url, args.copies)
        built_in = round(time.monotonic() - start, 1)
    app = bench_data.make_app(url)
    with app.app_context():
        size = asdict(bench_data.describe(url))
    result = measure(
        url,
        reporters=args.reporters,
        reviewers=args.reviewers,
        readers=args.readers,
        seconds=args.seconds,
        jobs=() if args.no_jobs else [name for name in args.jobs.split(",") if name],
        log=folder / "server.log",
    )
    line = figures(size, result)
    line["built_seconds"] = built_in
    line["logs"] = str(folder)
    print(json.dumps(line, ensure_ascii=False))
    if not args.keep and not args.database:
        for path in folder.glob("province.db*"):
            path.unlink()
    return 1 if failed(result) else 0


def failed(result: dict[str, Any]) -> bool:
    """True on any error (a 503 among them), a lost write or a job that did not exit 0."""
    jobs = result.get("jobs", {}).values()
    return bool(
        result["errors"] or result["lost_writes"] or any(job["returncode"] != 0 for job in jobs)
    )


if __name__ == "__main__":
    sys.exit(main())
