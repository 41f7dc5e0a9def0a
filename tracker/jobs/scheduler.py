"""The scheduler process: ``flask --app tracker scheduler`` (never inside web workers)."""

from __future__ import annotations

import logging
import signal
from collections.abc import Mapping
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

from tracker.jobs import JOBS, JobSpec
from tracker.jobs.lock import SchedulerLock

log = logging.getLogger(__name__)


def job_trigger(job: JobSpec, config: Mapping[str, Any]) -> BaseTrigger:
    """The job's trigger, its arguments overridden by the settings it names, in the
    office's time zone."""
    args = dict(job.trigger_args)
    args.update({name: config[setting] for name, setting in job.settings.items()})
    if job.trigger == "interval":
        return IntervalTrigger(timezone=config["TRACKER_TIMEZONE"], **args)
    return CronTrigger(timezone=config["TRACKER_TIMEZONE"], **args)


def describe_trigger(job: JobSpec, config: Mapping[str, Any]) -> str:
    """The trigger in plain Chinese: "每天 07:30", "每 10 分钟"."""
    args = dict(job.trigger_args)
    args.update({name: config[setting] for name, setting in job.settings.items()})
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
    config = current_app.config
    store = SQLAlchemyJobStore(
        url=config["SQLALCHEMY_DATABASE_URI"], engine_options={"pool_pre_ping": True}
    )
    scheduler = scheduler_class(
        jobstores={"default": store},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": config["TRACKER_MISFIRE_GRACE_SECONDS"],
        },
        timezone=config["TRACKER_TIMEZONE"],
    )
    store.start(scheduler, "default")
    for job in JOBS:
        if not _importable(job):
            continue
        trigger = job_trigger(job, config)
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
    config = current_app.config
    return SchedulerLock(
        config["SQLALCHEMY_DATABASE_URI"],
        retry_seconds=config.get("TRACKER_SCHEDULER_LOCK_RETRY_SECONDS") or 30,
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
