"""The scheduler process: ``flask --app tracker scheduler`` (never inside web workers)."""

from __future__ import annotations

import logging

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import current_app

from tracker.jobs import JOBS

log = logging.getLogger(__name__)


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
        args = dict(job.trigger_args)
        args.update({name: config[setting] for name, setting in job.settings.items()})
        trigger = CronTrigger(timezone=config["TRACKER_TIMEZONE"], **args)
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


def run_scheduler() -> None:
    """Start the scheduler and block until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheduler = build_scheduler()
    log.info("scheduler started with jobs: %s", ", ".join(job.id for job in JOBS))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
