"""The daily reminder job (issue 4 §2): the pass, committed on its own, then the delivery
step (issue 9 §2, ``tracker.jobs.deliver``)."""

from __future__ import annotations

import logging

from tracker import settings as app_settings
from tracker.clock import today
from tracker.jobs.deliver import deliver_now
from tracker.jobs.runs import recorded
from tracker.services.channels.faults import kill_point
from tracker.services.reminders import run_reminders, sent_count
from tracker.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


@recorded("daily_reminders")
def daily_reminders() -> dict[str, int]:
    """One reminder pass as of today — reminders, notices, digests and their pending
    deliveries written in brief chunks of its own, nothing sent — then the delivery step
    sends what is due. A rerun the same day records and sends nothing new; a run killed
    before or during its delivery step leaves the rest to the ``deliver_pending`` job.
    Returns the counts recorded with the run."""
    settings = app_settings.current()
    with unit_of_work():
        result = run_reminders(today(), settings)
    kill_point("recorded")
    deliver_now(settings.channels)
    result.sent = sent_count(result.digest_ids)
    log.info(
        "reminders %s: %d new, %d digests, %d sent, %d skipped duplicates",
        result.as_of,
        len(result.reminder_ids),
        len(result.digest_ids),
        result.sent,
        result.skipped_duplicates,
    )
    return {
        "reminders": len(result.reminder_ids),
        "digests": len(result.digest_ids),
        "sent": result.sent,
        "skipped_duplicates": result.skipped_duplicates,
    }
