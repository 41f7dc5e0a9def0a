"""The delivery step of the outbox (issue 4 §3, issue 9 §2): due deliveries go out one at
a time, each claimed in a unit of work of its own (committed as "sending" before anything
is sent), sent with no transaction open, and its outcome recorded in another.

It runs right after each reminder pass, in the same job or command once the pass is
committed (``tracker.jobs.remind``, ``remind run``), so digests go out when the pass
ends; and every 10 minutes as the ``deliver_pending`` job, which takes what is left:
retries after their backoff, deliveries of a pass that died before its delivery step,
and claims older than ``TRACKER_DELIVERY_CLAIM_TIMEOUT_MINUTES`` (the sender died while
sending; they go out again with the same Message-ID / 提醒编号).
"""

from __future__ import annotations

from dataclasses import asdict

from config.settings import ChannelSettings
from tracker import settings as app_settings
from tracker.jobs.runs import recorded
from tracker.services.channels import DeliverySummary
from tracker.services.channels import deliver_pending as deliver_due
from tracker.unit_of_work import chunk_of_work

MAX_PER_RUN = 200
"""Deliveries tried per run; the rest wait for the next run."""


def deliver_now(channels: ChannelSettings, *, limit: int = MAX_PER_RUN) -> DeliverySummary:
    """Send what is due now through ``channels``, each step of each delivery committed on
    its own (a fault or a kill keeps the record of what went out before it). Returns the
    counts sent, failed, retrying and skipped. Each short transaction is a
    :func:`chunk_of_work`: it commits what the caller wrote before (the reminder pass),
    then begins by taking SQLite's write lock, waiting as a job does (``JOB_WAIT_MS``), since
    a claim read before another writer committed could not be upgraded to a write; nothing
    is open while a message is sent."""
    return deliver_due(None, channels, limit=limit, transaction=chunk_of_work)


@recorded("deliver_pending")
def deliver_pending() -> dict[str, int]:
    """Try every due delivery once (failures wait for their backoff); returns the counts
    sent, failed, retrying and skipped recorded with the run."""
    return asdict(deliver_now(app_settings.current().channels, limit=MAX_PER_RUN))
