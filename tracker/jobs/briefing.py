"""The briefing job (issue 13 §4): each morning after the reminders, the plans whose
monthly or quarterly briefing is due get it, numbered, in the office's notifications."""

from __future__ import annotations

import logging

from tracker import settings as app_settings
from tracker.clock import today
from tracker.jobs.deliver import deliver_now
from tracker.jobs.runs import recorded
from tracker.services.briefing_schedule import due_plans, send_briefings
from tracker.unit_of_work import chunk_of_work

log = logging.getLogger(__name__)


@recorded("briefings")
def briefings() -> dict[str, int]:
    """Find the plans whose briefing is due (reads only), then issue their briefings and
    tell the office in one brief write transaction; then send what is due. A rerun the
    same day issues nothing. Returns the counts recorded."""
    settings = app_settings.current()
    due = [plan.id for plan in due_plans(today())]  # read with no write lock held
    with chunk_of_work():
        sent = send_briefings(due, today(), settings.channels)
    deliver_now(settings.channels)
    for item in sent:
        log.info("briefing %s of plan %d to %d accounts", item.label, item.plan_id, item.recipients)
    return {"briefings": len(sent), "recipients": sum(item.recipients for item in sent)}
