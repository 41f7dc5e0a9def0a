"""The briefing job (issue 13 §4): each morning after the reminders, the plans whose
monthly or quarterly briefing is due get it, numbered, in the office's notifications."""

from __future__ import annotations

import logging

from tracker import settings as app_settings
from tracker.clock import today
from tracker.jobs.deliver import deliver_now
from tracker.jobs.runs import recorded
from tracker.services.briefing_schedule import send_due_briefings
from tracker.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


@recorded("briefings")
def briefings() -> dict[str, int]:
    """Issue the due briefings and tell the office, committed together; then send what
    is due. A rerun the same day issues nothing. Returns the counts recorded."""
    settings = app_settings.current()
    with unit_of_work():
        sent = send_due_briefings(today(), settings.channels)
    deliver_now(settings.channels)
    for item in sent:
        log.info("briefing %s of plan %d to %d accounts", item.label, item.plan_id, item.recipients)
    return {"briefings": len(sent), "recipients": sum(item.recipients for item in sent)}
