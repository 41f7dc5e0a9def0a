"""Running a scheduled job: its app context, its unit of work and its record (``JobRun``).

``@recorded("job_id")`` makes a job function run through :func:`run_job`, which

1. writes a ``running`` JobRun in a unit of work of its own (committed at once),
2. runs the job in one :func:`~tracker.unit_of_work.unit_of_work` — committed when the
   job returns, rolled back when it raises. It begins deferred (it takes no write lock), so
   that a job computing for seconds (a scan's facts, a backup, the briefings due) never
   holds SQLite's write lock while it computes: the job writes in brief transactions it
   declares (:func:`~tracker.unit_of_work.chunk_of_work`, or
   :func:`~tracker.unit_of_work.will_write` before its first statement),
3. closes the record in another unit of work: "ok" with the job's counts, or "error" with
   the exception (after the job's writes were rolled back), which is then raised again
   (APScheduler logs it and keeps running).

A job that writes in chunks (so that a late failure keeps what earlier chunks did) wraps
each chunk in ``with chunk_of_work():``: nested in the run's unit of work, it commits
everything the run has written so far when the chunk ends. Jobs never call commit. Every
transaction of a run is put down to the job in the write watch
(:func:`tracker.write_watch.job_source`).
"""

from __future__ import annotations

import functools
import json
import logging
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ParamSpec, cast

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from tracker.models._types import utcnow
from tracker.models.reminder import JobRun
from tracker.unit_of_work import JOB_WAIT_MS, unit_of_work, will_write
from tracker.write_watch import job_source

log = logging.getLogger(__name__)

P = ParamSpec("P")
Counts = Mapping[str, Any] | None
MAX_ERROR_CHARS = 4000
# Core statements: the record never shares ORM state with the job. (SQLAlchemy types
# __table__ as any FromClause; a declarative class with columns maps a Table.)
_RUNS = cast(sa.Table, JobRun.__table__)


def recorded(job_id: str) -> Callable[[Callable[P, Counts]], Callable[P, Counts]]:
    """Run each call of the decorated job through :func:`run_job` as a run of ``job_id``."""

    def decorate(func: Callable[P, Counts]) -> Callable[P, Counts]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> Counts:
            return run_job(job_id, functools.partial(func, *args, **kwargs))

        return run

    return decorate


def run_job(job_id: str, job: Callable[[], Counts]) -> Counts:
    """Run ``job`` in one unit of work, recorded as a ``JobRun`` of ``job_id``; returns
    its counts. Re-raises the job's exception once the failure is recorded."""
    with _app_context(), job_source(job_id):
        run_id = start_run(job_id)
        try:
            with unit_of_work():  # begins deferred: the job reads before it writes
                counts = job()
        except Exception as error:
            finish_run(run_id, "error", None, error_summary(error))
            raise
        finish_run(run_id, "ok", counts, "")
        return counts


@contextmanager
def _app_context() -> Iterator[Flask]:
    """The current app context, or one of an app built from the environment (jobs in
    the scheduler process run in threads without one)."""
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    from tracker import create_app

    app = create_app()
    with app.app_context():
        yield app


def start_run(job_id: str) -> int:
    """Write a ``running`` JobRun now, in its own unit of work; returns its id."""
    with unit_of_work() as session:
        will_write(JOB_WAIT_MS)
        return session.execute(
            sa.insert(_RUNS)
            .values(job_id=job_id, started_at=utcnow(), outcome="running", counts="", error="")
            .returning(_RUNS.c.id)
        ).scalar_one()


def finish_run(run_id: int, outcome: str, counts: Counts, error: str) -> None:
    """Close the run in its own unit of work: end time, outcome ("ok", "error"), counts as
    JSON, error text."""
    with unit_of_work() as session:
        will_write(JOB_WAIT_MS)
        session.execute(
            sa.update(_RUNS)
            .where(_RUNS.c.id == run_id)
            .values(
                finished_at=utcnow(),
                outcome=outcome,
                counts=json.dumps(dict(counts or {}), ensure_ascii=False, default=str),
                error=error,
            )
        )
    log.info("job run %s finished: %s", run_id, outcome)


def error_summary(error: BaseException) -> str:
    """The exception line first, then the last frames of its traceback (bounded)."""
    head = "".join(traceback.format_exception_only(type(error), error)).strip()
    frames = "".join(traceback.format_tb(error.__traceback__, limit=-5))
    return f"{head}\n{frames}".strip()[:MAX_ERROR_CHARS]
