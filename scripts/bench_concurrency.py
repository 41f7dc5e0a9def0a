"""The embedded default under a province's load (issue 18 §4): an SQLite database of about
20,000 tasks (the Cixi demo copied 350 times, ``scripts/bench_data.py``), served by
waitress (the demo's server), while the daily scan and the daily reminder pass (the job
functions of ``tracker.jobs``, as the scheduler process runs them) run in processes of
their own and 20 clients log in, submit and review reports (``scripts/load.py``).

    scripts/bench-concurrency [--copies 350] [--reporters 16] [--reviewers 4] [--seconds 20]

Prints JSON: the database's size; the scan's and the reminder pass's seconds and exit
codes; the clients' requests, errors, lost writes (acknowledged reports not stored as
acknowledged), the longest write wait and p50/p95/max per route. Exit 1 on any error or lost
write. ``--database URL`` reuses a database built before (then ``--copies`` is ignored).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import bench_data, load  # noqa: E402

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
    jobs: bool = True,
    job_delay: float = 1.0,
    threads: int = 8,
    log: Path | None = None,
) -> dict[str, Any]:
    """Serve ``url`` with waitress, run the jobs and the clients; the figures as a dict.

    The clients run at least ``seconds`` and until both jobs have finished."""
    world = load.prepare(url, reporters, reviewers, readers, 100_000)
    runs = {name: JobRun(name) for name in JOBS}
    with load.served(url, "waitress", threads=threads, log=log) as base:
        workers = [
            threading.Thread(target=run_job, args=(name, job, url, runs[name], job_delay))
            for name, job in (JOBS.items() if jobs else ())
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
        elapsed = time.monotonic() - start
    result = load.summary(tally, load.lost_writes(url, tally), elapsed)
    result["jobs"] = {name: asdict(job) for name, job in runs.items() if jobs}
    result["clients"] = {"reporters": reporters, "reviewers": reviewers, "readers": readers}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="an SQLite URL built before (default: build one)")
    parser.add_argument("--copies", type=int, default=350, help="copies of the Cixi plan")
    parser.add_argument("--reporters", type=int, default=16)
    parser.add_argument("--reviewers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the built database")
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
    result = {"database": size, "built_seconds": built_in}
    result.update(
        measure(
            url,
            reporters=args.reporters,
            reviewers=args.reviewers,
            readers=args.readers,
            seconds=args.seconds,
            jobs=not args.no_jobs,
            log=folder / "server.log",
        )
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if not args.keep and not args.database:
        for path in folder.glob("province.db*"):
            path.unlink()
    failed = result["errors"] or result["lost_writes"]
    failed = failed or any(job["returncode"] != 0 for job in result["jobs"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
