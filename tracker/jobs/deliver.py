"""The delivery job: every pending digest delivery that is due goes out (issue 4 §3)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from tracker import settings as app_settings
from tracker.extensions import db
from tracker.jobs.runs import recorded
from tracker.services.channels import deliver_pending as deliver_due


@recorded("deliver_pending")
def deliver_pending() -> dict[str, int]:
    """Try every due delivery once (failures wait for their backoff) and commit; returns
    the counts sent, failed, retrying and skipped."""
    summary = deliver_due(datetime.now(UTC), app_settings.current().channels)
    db.session.commit()
    return asdict(summary)
