"""The delivery job: every pending digest delivery that is due goes out (issue 4 §3)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime

from tracker import settings as app_settings
from tracker.jobs.runs import recorded
from tracker.services.channels import deliver_pending as deliver_due
from tracker.unit_of_work import unit_of_work

CHUNK_SIZE = 50
"""Deliveries tried per chunk; each chunk is committed before the next one starts."""
MAX_CHUNKS = 4
"""Chunks per run: at most 200 deliveries a run, the rest wait for the next run."""


@recorded("deliver_pending")
def deliver_pending() -> dict[str, int]:
    """Try every due delivery once (failures wait for their backoff), in chunks of
    ``CHUNK_SIZE`` each committed on its own, so a fault in a late chunk keeps the record
    of what earlier chunks sent (no second e-mail on the next run). Returns the counts
    sent, failed, retrying and skipped."""
    now = datetime.now(UTC)
    channels = app_settings.current().channels
    totals: Counter[str] = Counter(sent=0, failed=0, retrying=0, skipped=0)
    for _ in range(MAX_CHUNKS):
        with unit_of_work():
            counts = asdict(deliver_due(now, channels, limit=CHUNK_SIZE))
        totals.update(counts)
        # A tried delivery is no longer due at ``now``: a short chunk means none is left.
        if sum(counts.values()) < CHUNK_SIZE:
            break
    return dict(totals)
