"""The scheduler process: ``flask --app tracker scheduler`` (never inside web workers)."""

from __future__ import annotations

import logging
import signal
from types import FrameType
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import ref_to_obj
from flask import current_app

from config.settings import Settings
from tracker import settings as app_settings
from tracker.jobs import JOBS, JobSpec
from tracker.jobs.lock import SchedulerLock
from tracker.services.job_runs import ScheduledJob

log = logging.getLogger(__name__)


def _trigger_args(job: JobSpec, settings: Settings) -> dict[str, Any]:
    """The job's trigger arguments, overridden by the scheduler settings it names."""
    args = dict(job.trigger_args)
    args.update({name: getattr(settings.scheduler, field) for name, field in job.settings.items()})
    return args


def job_trigger(job: JobSpec, settings: Settings) -> BaseTrigger:
    """The job's trigger, its arguments overridden by the settings it names, in the
    office's time zone."""
    args = _trigger_args(job, settings)
    if job.trigger == "interval":
        return IntervalTrigger(timezone=settings.clock.timezone, **args)
    return CronTrigger(timezone=settings.clock.timezone, **args)


def describe_jobs(settings: Settings) -> list[ScheduledJob]:
    """Every job of the table with its trigger in plain Chinese (for the admin page)."""
    return [ScheduledJob(job.id, job.func, describe_trigger(job, settings)) for job in JOBS]


def describe_trigger(job: JobSpec, settings: Settings) -> str:
    """The trigger in plain Chinese: "每天 07:30", "每 10 分钟"."""
    args = _trigger_args(job, settings)
    if job.trigger == "interval":
        parts = [(args.get("hours"), "小时"), (args.get("minutes"), "分钟")]
        return "每 " + " ".join(f"{value} {unit}" for value, unit in parts if value)
    return f"每天 {int(args.get('hour', 0)):02d}:{int(args.get('minute', 0)):02d}"


def _importable(job: JobSpec) -> bool:
    try:
        ref_to_obj(job.func)
    except (ImportError, LookupError) as error:
        log.error("job %s: cannot load %s (%s); not scheduled", job.id, job.func, error)
        return False
    return True


def build_scheduler(scheduler_class: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """A scheduler on the app's database (job table ``apscheduler_jobs``), in the office's
    time zone, coalescing missed runs into one within the misfire grace. The process runs
    a BlockingScheduler; tests pass a BackgroundScheduler and start it paused."""
    settings = app_settings.current()
    store = SQLAlchemyJobStore(
        url=current_app.config["SQLALCHEMY_DATABASE_URI"], engine_options={"pool_pre_ping": True}
    )
    scheduler = scheduler_class(
        jobstores={"default": store},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.scheduler.misfire_grace_seconds,
        },
        timezone=settings.clock.timezone,
    )
    store.start(scheduler, "default")
    for job in JOBS:
        if not _importable(job):
            continue
        trigger = job_trigger(job, settings)
        stored = store.lookup_job(job.id)
        # Re-adding a stored job would reset its next run and lose a run missed while the
        # scheduler was down; keep the stored one unless its trigger or function changed.
        if (
            stored is not None
            and str(stored.trigger) == str(trigger)
            and stored.func_ref == job.func
        ):
            continue
        scheduler.add_job(job.func, trigger, id=job.id, replace_existing=True)
    return scheduler


def scheduler_lock() -> SchedulerLock:
    """The lock on the app's database, retried every TRACKER_SCHEDULER_LOCK_RETRY_SECONDS."""
    return SchedulerLock(
        current_app.config["SQLALCHEMY_DATABASE_URI"],
        retry_seconds=app_settings.current().scheduler.lock_retry_seconds,
    )


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def run_scheduler() -> None:
    """Wait for the scheduler lock (only one process runs jobs), then start the scheduler
    and block until interrupted or terminated."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    lock = scheduler_lock()
    scheduler: BaseScheduler | None = None
    try:
        lock.acquire(wait=True)
        scheduler = build_scheduler()
        log.info("scheduler started with jobs: %s", ", ".join(job.id for job in JOBS))
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
    finally:
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        lock.release()
