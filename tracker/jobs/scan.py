"""The daily lag scan job."""

from __future__ import annotations

import logging

from tracker import settings as app_settings
from tracker.clock import today
from tracker.jobs.runs import recorded
from tracker.services.assessment.scan_proposals import mapped_pairs, propose_for
from tracker.services.scan import run_scan
from tracker.unit_of_work import chunk_of_work

log = logging.getLogger(__name__)


@recorded("daily_scan")
def daily_scan() -> dict[str, int]:
    """Scan every plan as of today: each task's state for the day and new alerts, written
    chunk by chunk in brief units of work of their own (``services.scan_run``); a rerun
    the same day assesses only tasks whose facts changed and adds no alert twice; then the
    deductions the new lag events propose, one indicator set and plan per transaction. Returns
    the counts recorded with the run: tasks scanned and alerts created."""
    settings = app_settings.current()
    result = run_scan(today(), lag=settings.lag, workers=settings.scheduler.scan_workers)
    proposed = 0
    for pair in mapped_pairs():  # one set and plan at a time, after the scan's chunks
        with chunk_of_work():
            proposed += propose_for(pair, today(), app_settings.current())
    log.info("scan %s: %d deductions proposed", today(), proposed)
    log.info(
        "scan %s: %d tasks, %d new alerts",
        result.as_of,
        len(result.statuses),
        result.alerts_created,
    )
    return {"tasks": len(result.statuses), "alerts_created": result.alerts_created}
