"""The daily reminder job (issue 4 §2)."""

from __future__ import annotations

import logging

from tracker import settings as app_settings
from tracker.clock import today
from tracker.jobs.runs import recorded
from tracker.services.reminders import run_reminders

log = logging.getLogger(__name__)


@recorded("daily_reminders")
def daily_reminders() -> dict[str, int]:
    """One reminder pass as of today, in the run's unit of work; a rerun the same day sends
    nothing new. Returns the counts recorded with the run."""
    result = run_reminders(today(), app_settings.current())
    log.info(
        "reminders %s: %d new, %d digests, %d sent, %d skipped duplicates",
        result.as_of,
        len(result.reminders),
        len(result.digests),
        result.sent,
        result.skipped_duplicates,
    )
    return {
        "reminders": len(result.reminders),
        "digests": len(result.digests),
        "sent": result.sent,
        "skipped_duplicates": result.skipped_duplicates,
    }
