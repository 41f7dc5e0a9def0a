"""The record of every scheduled job run (``JobRun``): ``@recorded("job_id")``.

A recorded job runs inside an app context (the current one, or a fresh app built from
the environment) and returns its counts as a dict. The run is written in transactions of
its own, committed before and after the job, so a failing job is still recorded with its
error and a job's rollback does not touch the record.
"""

from __future__ import annotations

import functools
import json
import logging
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ParamSpec

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from tracker.extensions import db
from tracker.models._types import utcnow
from tracker.models.reminder import JobRun

log = logging.getLogger(__name__)

P = ParamSpec("P")
Counts = Mapping[str, Any] | None
MAX_ERROR_CHARS = 4000
_RUNS = JobRun.__table__  # Core statements: recording needs no ORM session


def recorded(job_id: str) -> Callable[[Callable[P, Counts]], Callable[P, Counts]]:
    """Record each run of the decorated job as a ``JobRun`` of ``job_id``; the job's
    exception is recorded, then raised again (APScheduler logs it and keeps running)."""

    def decorate(func: Callable[P, Counts]) -> Callable[P, Counts]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> Counts:
            with _app_context():
                run_id = start_run(job_id)
                try:
                    counts = func(*args, **kwargs)
                except Exception as error:
                    db.session.rollback()
                    finish_run(run_id, "error", None, error_summary(error))
                    raise
                finish_run(run_id, "ok", counts, "")
                return counts

        return run

    return decorate


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
    """Write a ``running`` JobRun now, in its own transaction; returns its id."""
    with db.engine.begin() as connection:
        inserted = connection.execute(
            sa.insert(_RUNS).values(
                job_id=job_id, started_at=utcnow(), outcome="running", counts="", error=""
            )
        )
        return int(inserted.inserted_primary_key[0])


def finish_run(run_id: int, outcome: str, counts: Counts, error: str) -> None:
    """Close the run: end time, outcome ("ok", "error"), counts as JSON, error text."""
    with db.engine.begin() as connection:
        connection.execute(
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
