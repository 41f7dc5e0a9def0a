"""What the admin page shows of the scheduler: the job table with each job's next run
(read from APScheduler's job store when it is readable) and the latest job runs.

The jobs themselves are described by the caller (``tracker.jobs.scheduler.describe_jobs``):
services never import the job layer."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db
from tracker.models.reminder import JobRun

JOB_STORE_TABLE = "apscheduler_jobs"


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """A job of the scheduler's table: id, "module:function" and trigger in Chinese."""

    id: str
    func: str
    trigger: str


@dataclass(frozen=True, slots=True)
class JobRow:
    """A scheduled job: id, function, trigger in Chinese, next run (None when unknown)."""

    id: str
    func: str
    trigger: str
    next_run: datetime | None


@dataclass(frozen=True, slots=True)
class RunRow:
    """A recorded run with its duration and decoded counts."""

    run: JobRun
    duration: timedelta | None
    counts: dict[str, object]


def job_table(jobs: Iterable[ScheduledJob], zone: ZoneInfo) -> list[JobRow]:
    """Each of ``jobs`` with its next run from the job store, in ``zone``."""
    next_runs = _next_runs(zone)
    return [JobRow(job.id, job.func, job.trigger, next_runs.get(job.id)) for job in jobs]


def _next_runs(zone: ZoneInfo) -> dict[str, datetime | None]:
    """Job id → next run time in ``zone``; empty when the store is missing or unreadable
    (no scheduler has started yet). Reads columns only, never unpickles a job."""
    table = sa.table(JOB_STORE_TABLE, sa.column("id"), sa.column("next_run_time"))
    try:
        if not sa.inspect(db.engine).has_table(JOB_STORE_TABLE):
            return {}
        with db.session.begin_nested():  # a failed read leaves the request's work alone
            rows = db.session.execute(sa.select(table.c.id, table.c.next_run_time)).all()
    except SQLAlchemyError:
        return {}
    return {job_id: _as_time(stamp, zone) for job_id, stamp in rows}


def _as_time(stamp: float | None, zone: ZoneInfo) -> datetime | None:
    """APScheduler stores next run times as POSIX timestamps (None: paused)."""
    if stamp is None:
        return None
    return datetime.fromtimestamp(float(stamp), UTC).astimezone(zone)


def latest_runs(limit: int = 100) -> list[RunRow]:
    """The latest ``limit`` runs, newest first."""
    runs = db.session.scalars(
        sa.select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    )
    return [RunRow(run, _duration(run), _counts(run.counts)) for run in runs]


def _duration(run: JobRun) -> timedelta | None:
    if run.finished_at is None or run.started_at is None:
        return None
    return run.finished_at - run.started_at


def _counts(text: str) -> dict[str, object]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {"?": text}
    return value if isinstance(value, dict) else {"?": value}
