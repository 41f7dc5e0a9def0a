"""A bounded load test: reporters, reviewers and readers as threads with httpx against a
real served tracker (gunicorn or waitress in a subprocess), then a check that every
acknowledged write is in the database (issue 14 §4, issue 18 §4).

- a **reporter** logs in through the form (``POST /login``), then for one task after another
  that its unit leads creates a report (``POST /api/v1/tasks/{id}/reports``) and submits it
  (``POST /api/v1/reports/{id}/submit``); each acknowledged report goes to the reviewers;
- a **reviewer** (the office) logs in and accepts the submitted reports
  (``POST /api/v1/reports/{id}/review``);
- a **reader** logs in and reads the ledger of a plan, a task page and a task in the API.

Every answer but the expected one is an error (a 5xx, a 503 for a busy database, a refusal).
Afterwards each acknowledged report must be stored with the last status acknowledged.

    scripts/load --database postgresql+psycopg://postgres@127.0.0.1/load \
        --server gunicorn --reporters 100 --readers 20 --seconds 60

builds the database when it holds no plan (the Cixi demo copied ``--copies`` times), serves
it, runs the clients and prints JSON: requests, errors, lost writes, p50/p95/max per route.
"""

from __future__ import annotations

import argparse
import json
import queue
import re
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import bench_data  # noqa: E402
from scripts.serving import free_port, served, server_command, server_env  # noqa: E402, F401

#: The period the reporters report for: the current quarter of the demo's clock.
PERIOD = "2020Q4"
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


# --- the clients ----------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw: latencies and answers (status: count) per route, errors,
    acknowledged writes."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)
    acknowledged: dict[int, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, route: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies[route].append(seconds)
            self.statuses[route][status] += 1

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)

    def acknowledge(self, report_id: int, status: str) -> None:
        with self.lock:
            self.acknowledged[report_id] = status


@dataclass(frozen=True)
class Account:
    """A client's account: username, API token, and for reporters the tasks to report on."""

    username: str
    token: str
    tasks: tuple[int, ...] = ()


class Client:
    """One simulated person: an httpx client with its own cookies."""

    def __init__(self, base: str, account: Account, password: str, tally: Tally) -> None:
        self.http = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
        self.account, self.password, self.tally = account, password, tally
        self.api = {"Authorization": f"Bearer {account.token}"}

    def call(
        self, route: str, method: str, path: str, expect: int, **kwargs: Any
    ) -> httpx.Response | None:
        """One request, timed under ``route``; None (and an error) unless ``expect``."""
        start = time.perf_counter()
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            self.tally.error(f"{route}: {type(error).__name__} {error}")
            return None
        self.tally.record(route, time.perf_counter() - start, response.status_code)
        if response.status_code != expect:
            self.tally.error(f"{route} {path}: {response.status_code} {response.text[:200]}")
            return None
        return response

    def login(self) -> bool:
        page = self.call("GET /login", "GET", "/login", 200)
        match = _CSRF.search(page.text) if page is not None else None
        if match is None:
            self.tally.error("GET /login: no CSRF token")
            return False
        data = {
            "csrf_token": match.group(1),
            "username": self.account.username,
            "password": self.password,
        }
        return self.call("POST /login", "POST", "/login", 302, data=data) is not None

    def close(self) -> None:
        self.http.close()


def reporter(client: Client, stop: Stop, reviews: queue.Queue[int | None]) -> None:
    """Log in, then report on one task after another until ``stop``."""
    if not client.login():
        return
    for done, task_id in enumerate(client.account.tasks):
        if stop() and done > 0:  # each reporter reports once at least
            break
        body = {"period": PERIOD, "value": 60, "progress": "按计划推进，已完成阶段目标。"}
        created = client.call(
            "POST /api/v1/tasks/{id}/reports",
            "POST",
            f"/api/v1/tasks/{task_id}/reports",
            201,
            json=body,
            headers=client.api,
        )
        if created is None:
            continue
        report_id = int(created.json()["id"])
        client.tally.acknowledge(report_id, "draft")
        submitted = client.call(
            "POST /api/v1/reports/{id}/submit",
            "POST",
            f"/api/v1/reports/{report_id}/submit",
            200,
            headers=client.api,
        )
        if submitted is not None:
            client.tally.acknowledge(report_id, "submitted")
            reviews.put(report_id)


def reviewer(client: Client, reviews: queue.Queue[int | None]) -> None:
    """Log in as the office, then accept submitted reports as they come, until the run
    puts None in the queue (after the reporters stopped)."""
    if not client.login():
        return
    while True:
        report_id = reviews.get()
        if report_id is None:
            return
        accepted = client.call(
            "POST /api/v1/reports/{id}/review",
            "POST",
            f"/api/v1/reports/{report_id}/review",
            200,
            json={"decision": "accept"},
            headers=client.api,
        )
        if accepted is not None:
            client.tally.acknowledge(report_id, "accepted")


def reader(client: Client, stop: Stop, plan_ids: list[int], task_ids: list[int]) -> None:
    """Log in, then read ledgers, task pages and API tasks until ``stop``."""
    if not client.login():
        return
    turn = 0
    while turn == 0 or not stop():  # each reader reads once at least
        plan_id = plan_ids[turn % len(plan_ids)]
        task_id = task_ids[turn % len(task_ids)]
        client.call("GET /plans/{id}", "GET", f"/plans/{plan_id}", 200)
        client.call("GET /tasks/{id}", "GET", f"/tasks/{task_id}", 200)
        client.call(
            "GET /api/v1/tasks/{id}", "GET", f"/api/v1/tasks/{task_id}", 200, headers=client.api
        )
        turn += 1


# --- a run ----------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """What the clients need from the database: accounts, tasks, plans."""

    reporters: list[Account]
    reviewers: list[Account]
    readers: list[Account]
    plan_ids: list[int]
    task_ids: list[int]


def prepare(url: str, reporters: int, reviewers: int, readers: int, tasks_each: int) -> World:
    """Tokens for the clients' accounts, and tasks no report of :data:`PERIOD` covers yet,
    without open instructions (each reporter gets tasks of its own)."""
    app = bench_data.make_app(url)
    with app.app_context():
        from tracker.extensions import db

        units = bench_data.unit_accounts()
        keys = bench_data.tokens([*units, "office", "leader"])
        taken = set(
            db.session.scalars(
                sa.text("SELECT task_id FROM progress_reports WHERE period = :p"), {"p": PERIOD}
            )
        )
        blocked = set(db.session.scalars(sa.text("SELECT task_id FROM instructions")))
        per_unit: dict[str, list[int]] = {}
        for name in units:
            free = [t for t in bench_data.lead_tasks(name, 100_000) if t not in taken | blocked]
            per_unit[name] = free
        usable = [name for name in units if per_unit[name]]
        owners = [usable[index % len(usable)] for index in range(reporters)]
        accounts = []
        for index, name in enumerate(owners):
            sharers = owners.count(name)
            mine = per_unit[name][owners[:index].count(name) :: sharers][:tasks_each]
            accounts.append(Account(name, keys[name], tuple(mine)))
        plan_ids = list(db.session.scalars(sa.text("SELECT id FROM plans ORDER BY id")))
        task_ids = list(db.session.scalars(sa.text("SELECT id FROM tasks ORDER BY id")))
        db.session.remove()
        db.engine.dispose()
    spread = task_ids[:: max(1, len(task_ids) // 200)]
    return World(
        reporters=accounts,
        reviewers=[Account("office", keys["office"])] * reviewers,
        readers=[Account("leader", keys["leader"])] * readers,
        plan_ids=plan_ids[:: max(1, len(plan_ids) // 20)],
        task_ids=spread,
    )


class Stop:
    """When the clients stop: after ``seconds``, or once :meth:`set` (whichever first)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.event = threading.Event()

    def __call__(self) -> bool:
        return self.event.is_set() or time.monotonic() >= self.deadline

    def set(self) -> None:
        self.event.set()


def run(base: str, world: World, stop: Stop) -> Tally:
    """Run every client against ``base`` until ``stop`` (then the reviewers drain the
    queue of submitted reports)."""
    tally = Tally()
    reviews: queue.Queue[int | None] = queue.Queue()
    password = bench_data.DEMO_PASSWORD
    threads = [
        threading.Thread(target=reporter, args=(Client(base, a, password, tally), stop, reviews))
        for a in world.reporters
    ]
    threads += [
        threading.Thread(
            target=reader,
            args=(Client(base, a, password, tally), stop, world.plan_ids, world.task_ids),
        )
        for a in world.readers
    ]
    checkers = [
        threading.Thread(target=reviewer, args=(Client(base, a, password, tally), reviews))
        for a in world.reviewers
    ]
    for thread in threads + checkers:
        thread.start()
    for thread in threads:
        thread.join()
    for _ in checkers:
        reviews.put(None)
    for thread in checkers:
        thread.join()
    return tally


def lost_writes(url: str, tally: Tally) -> list[str]:
    """Acknowledged reports missing from the database or in another status."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, status FROM progress_reports"))
            stored = {int(row[0]): str(row[1]) for row in rows}
    finally:
        engine.dispose()
    return [
        f"report {rid}: acknowledged {status}, stored {stored.get(rid)}"
        for rid, status in sorted(tally.acknowledged.items())
        if stored.get(rid) != status
    ]


def summary(tally: Tally, lost: list[str], seconds: float) -> dict[str, Any]:
    """The figures of a run, as printed."""
    routes = {}
    for route, samples in sorted(tally.latencies.items()):
        ordered = sorted(samples)
        routes[route] = {
            "n": len(ordered),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1),
        }
    writes = [
        max(samples)
        for route, samples in tally.latencies.items()
        if route.startswith("POST") and route != "POST /login"
    ]
    requests = sum(len(samples) for samples in tally.latencies.values())
    statuses = {route: dict(sorted(counts.items())) for route, counts in tally.statuses.items()}
    return {
        "seconds": round(seconds, 1),
        "requests": requests,
        "requests_per_second": round(requests / seconds, 1) if seconds else None,
        "errors": len(tally.errors),
        "busy_503": sum(counts.get(503, 0) for counts in tally.statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "error_samples": tally.errors[:10],
        "acknowledged_reports": len(tally.acknowledged),
        "accepted": sum(1 for s in tally.acknowledged.values() if s == "accepted"),
        "lost_writes": len(lost),
        "lost_samples": lost[:10],
        "longest_write_ms": round(max(writes, default=0.0) * 1000, 1),
        "longest_login_ms": round(max(tally.latencies.get("POST /login", [0.0])) * 1000, 1),
        "routes": routes,
    }


def has_plans(url: str) -> bool:
    """True when the database at ``url`` is migrated and holds a plan."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("plans"):
                return False
            return bool(connection.execute(sa.text("SELECT 1 FROM plans LIMIT 1")).first())
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="SQLAlchemy URL (built if empty)")
    parser.add_argument("--server", choices=("gunicorn", "waitress"), default="gunicorn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--reporters", type=int, default=100)
    parser.add_argument("--reviewers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--copies", type=int, default=100, help="plan copies when building")
    args = parser.parse_args(argv)
    if not has_plans(args.database):
        print(f"building: the demo and {args.copies} copies …", file=sys.stderr)
        bench_data.build(args.database, args.copies)
    world = prepare(args.database, args.reporters, args.reviewers, args.readers, 10_000)
    with served(args.database, args.server, args.workers, args.threads) as base:
        start = time.monotonic()
        tally = run(base, world, Stop(args.seconds))
        elapsed = time.monotonic() - start
    result = summary(tally, lost_writes(args.database, tally), elapsed)
    result.update(
        server=args.server,
        workers=args.workers,
        threads=args.threads,
        reporters=args.reporters,
        readers=args.readers,
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["errors"] == 0 and result["lost_writes"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
