"""The lag scan's chunks shared between processes on PostgreSQL (issue 14 §1).

One process assesses some 6,000 tasks a second here: 3,000 districts (171,000 tasks) cost
it about 28 s of CPU, most of it Python's. On PostgreSQL, where connections write side by
side, :func:`~tracker.services.scan_run.run_scan` hands every n-th chunk to n − 1 helper
processes (:class:`Helpers`) and scans its own share meanwhile. A helper is *spawned*
(it starts clean, whatever threads the scheduler process runs) with a lean app — the
database settings and the models, no web — and scans its share exactly as a
single-process scan would (:func:`~tracker.services.scan_chunks.scan_ranges`): each chunk
computed, then written in a brief transaction of its own. A share that fails raises in
the caller; the chunks written stay whole and the next run repairs the rest, as ever.

SQLite (one writer: a second process would only queue for its lock), a session bound to
one connection (the test suite's, inside one transaction, which a helper could not see)
and scans of fewer than :data:`MIN_TASKS_PER_PROCESS` tasks a process stay in one process:
a helper costs about a second of CPU to start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from multiprocessing import get_context
from types import TracebackType
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app

from config.settings import LagThresholds
from tracker.extensions import db
from tracker.models import TaskState
from tracker.services.calendar import load_calendar
from tracker.services.scan_chunks import Scanned, scan_ranges
from tracker.services.scan_facts import TaskRange, plan_rules
from tracker.services.scan_writer import thread_session, threads_help

T = TypeVar("T")

#: Fewest tasks per process worth starting a helper for.
MIN_TASKS_PER_PROCESS = 20_000


def process_count(tasks: int, wanted: int) -> int:
    """How many processes (this one included) assess ``tasks`` tasks when the settings
    ask for ``wanted`` (``TRACKER_SCAN_WORKERS``): 1 unless the session's database is
    PostgreSQL reached through an engine, and at most one per
    :data:`MIN_TASKS_PER_PROCESS` tasks."""
    if wanted <= 1 or not threads_help():
        return 1
    return max(1, min(wanted, tasks // MIN_TASKS_PER_PROCESS))


def to_assess(tasks: int, as_of: date, plan_id: int | None, *, full: bool) -> int:
    """About how many of ``tasks`` tasks a scan of ``as_of`` will assess: all when
    ``full``, else those without a stored state of the day (one count on the states'
    index). A rerun the same day assesses only what changed since, which one process
    reads faster than a helper starts."""
    if full:
        return tasks
    query = sa.select(sa.func.count()).where(TaskState.as_of == as_of)
    if plan_id is not None:
        query = query.where(TaskState.plan_id == plan_id)
    return max(0, tasks - (db.session.scalar(query) or 0))


def shares(task_ranges: Sequence[TaskRange], count: int) -> list[list[TaskRange]]:
    """``task_ranges`` dealt to ``count`` processes: every ``count``-th range to each, so
    that each share spans the whole table and none lags with the busiest plans."""
    return [list(task_ranges[start::count]) for start in range(count)]


@dataclass(frozen=True)
class Share:
    """What a helper process is handed (pickled): the app's database settings (its
    ``SQLALCHEMY_*`` keys), the day, the thresholds, the plan (None: every plan), whether
    the scan is full, and the ranges of task ids to scan."""

    database: dict[str, Any]
    as_of: date
    lag: LagThresholds
    plan_id: int | None
    full: bool
    ranges: list[TaskRange]


def database_settings() -> dict[str, Any]:
    """The current app's ``SQLALCHEMY_*`` keys, for a helper's app."""
    return {k: v for k, v in current_app.config.items() if k.startswith("SQLALCHEMY_")}


def scan_share(share: Share) -> Scanned:
    """A helper process's work: scan ``share.ranges`` in an app of its own (the calendar
    and the plans' rules read again: the same rows the caller read) and return what it
    found. Raises what the scan raises."""
    app = Flask(__name__)
    app.config.update(share.database)
    db.init_app(app)
    with app.app_context():
        try:
            calendar = load_calendar()
            rules = plan_rules(share.as_of, calendar, share.lag, share.plan_id)
            return scan_ranges(share.ranges, rules, share.as_of, calendar, full=share.full)
        finally:
            db.session.remove()
            db.engine.dispose()


class Helpers:
    """The helper processes scanning ``shares`` (none for an empty list), started at
    once; use as a context manager. :meth:`results` waits for their findings, in order,
    and raises a helper's failure; leaving the block waits for every helper (a helper
    killed leaves whole chunks, like any failure)."""

    def __init__(self, shares: Sequence[Share]) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[Scanned]] = []
        if shares:
            self._pool = ProcessPoolExecutor(len(shares), mp_context=get_context("spawn"))
            self._futures = [self._pool.submit(scan_share, share) for share in shares]

    def __enter__(self) -> Helpers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def results(self) -> list[Scanned]:
        """Every helper's findings, in the order of the shares; raises the first
        failure."""
        return [future.result() for future in self._futures]


class Beside(Generic[T]):
    """``read()`` run beside the caller: on PostgreSQL through an engine, in a thread of
    this process with an app context and session of its own (its database work overlaps
    the caller's); elsewhere (SQLite, a session bound to one connection) in the caller's
    session when :meth:`result` is asked. ``read`` must only read."""

    def __init__(self, read: Callable[[], T]) -> None:
        self._read = read
        self._future: Future[T] | None = None
        if threads_help():
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            pool = ThreadPoolExecutor(1, thread_name_prefix="scan-beside")
            self._future = pool.submit(self._in_context, app)
            pool.shutdown(wait=False)  # the thread ends when ``read`` is done

    def _in_context(self, app: Flask) -> T:
        with thread_session(app):
            return self._read()

    def result(self) -> T:
        """What ``read()`` returned; raises what it raised."""
        return self._read() if self._future is None else self._future.result()
