"""Reminder channels behind one interface (issue 4 §3): the in-app inbox (always), e-mail
over SMTP and a DingTalk / WeCom group robot.

A digest gets one :class:`~tracker.models.Delivery` per enabled channel
(:func:`create_deliveries`), recorded in the reminder pass's own transaction: the outbox
(issue 9 §2). :func:`deliver_pending` sends them later, one at a time, in three steps
each run inside the ``transaction`` the caller passes (:mod:`.outbox`): claim
("sending", committed), send, record. A failure is recorded (``attempts``,
``last_error``) and retried after a backoff of 1, 5, 15, 60, then every 240 minutes,
until ``ChannelSettings.delivery_max_attempts`` attempts make it "failed". Deliveries are
never deleted. Statuses: "pending", "sending" (claimed, outcome not yet known), "sent",
"failed", "skipped" (the channel cannot carry it, e.g. no e-mail address). Services
flush; the caller's transaction commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from config.settings import ChannelSettings
from tracker.extensions import db
from tracker.models import Delivery, Digest
from tracker.services.channels.base import Channel, DeliveryError, DeliverySkipped, Outgoing
from tracker.services.channels.email import EmailChannel
from tracker.services.channels.faults import kill_point
from tracker.services.channels.inbox import InboxChannel
from tracker.services.channels.outbox import (
    BACKOFF_MINUTES,
    Result,
    backoff,
    claim_next,
    fail_stale_claims,
    record_outcome,
)
from tracker.services.channels.webhook import WebhookChannel

__all__ = [
    "BACKOFF_MINUTES",
    "Channel",
    "DeliveryError",
    "DeliverySkipped",
    "DeliverySummary",
    "Outgoing",
    "all_channels",
    "backoff",
    "create_deliveries",
    "deliver_pending",
    "delivery_rows",
    "enabled_channels",
]

Transaction = Callable[[], AbstractContextManager[object]]


@dataclass(frozen=True, slots=True)
class DeliverySummary:
    """Outcome of one :func:`deliver_pending` pass: deliveries sent, given up ("failed"),
    to be retried later, and skipped (the channel cannot carry them)."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0


def all_channels(settings: ChannelSettings) -> list[Channel]:
    """Every channel, configured from ``settings``."""
    return [InboxChannel(), EmailChannel(settings), WebhookChannel(settings)]


def enabled_channels(settings: ChannelSettings) -> list[Channel]:
    """The channels the settings switch on; the inbox always comes first."""
    return [channel for channel in all_channels(settings) if channel.enabled()]


def create_deliveries(
    digest: Digest, settings: ChannelSettings, *, now: datetime | None = None
) -> list[Delivery]:
    """One pending delivery of ``digest`` per enabled channel, due at ``now`` (default:
    the current instant). A channel that already has a delivery of this digest keeps it
    (unique per digest and channel), so calling this twice adds nothing. Returns the
    digest's deliveries for the enabled channels; flushes."""
    due = _utc(now or datetime.now(UTC))
    existing = {d.channel: d for d in _deliveries_of(digest)}
    result = []
    for channel in enabled_channels(settings):
        delivery = existing.get(channel.name)
        if delivery is None:
            delivery = Delivery(
                digest=digest, channel=channel.name, status="pending", attempts=0,
                last_error="", next_attempt_at=due,
            )  # fmt: skip
            db.session.add(delivery)
        result.append(delivery)
    db.session.flush()
    return result


def delivery_rows(
    digest_ids: Sequence[int], settings: ChannelSettings, now: datetime
) -> list[dict[str, object]]:
    """The rows of one pending delivery per digest of ``digest_ids`` and enabled channel,
    due at ``now``, for a bulk insert (the reminder pass's, ``ON CONFLICT DO NOTHING`` on
    digest and channel)."""
    due = _utc(now)
    names = [channel.name for channel in enabled_channels(settings)]
    return [
        {"digest_id": digest_id, "channel": name, "status": "pending", "attempts": 0,
         "last_error": "", "next_attempt_at": due}
        for digest_id in digest_ids
        for name in names
    ]  # fmt: skip


def _deliveries_of(digest: Digest) -> Sequence[Delivery]:
    if digest.id is None:
        return list(digest.deliveries)
    return db.session.scalars(sa.select(Delivery).where(Delivery.digest_id == digest.id)).all()


def deliver_pending(
    now: datetime | None,
    settings: ChannelSettings,
    *,
    limit: int = 200,
    transaction: Transaction = nullcontext,
) -> DeliverySummary:
    """Send due deliveries one at a time, oldest due first, at most ``limit``, through the
    channels of ``settings``: each is claimed inside one ``transaction()``, sent outside
    any, and its outcome recorded inside another (the delivery job passes a unit of work,
    so each commits; the default adds none and the caller commits). ``now`` fixes the
    instant of every step (tests); None reads the clock at each step. An exception of one
    channel is recorded on its delivery and never stops the others.
    """
    channels = {channel.name: channel for channel in all_channels(settings)}
    timeout = timedelta(minutes=settings.delivery_claim_timeout_minutes)
    attempts = settings.delivery_max_attempts
    counts: Counter[str] = Counter(sent=0, failed=0, retrying=0, skipped=0)
    with transaction():
        counts["failed"] += fail_stale_claims(_instant(now), timeout, attempts)
    for _ in range(limit):
        with transaction():
            claim = claim_next(_instant(now), timeout, attempts)
        if claim is None:
            break
        kill_point("claimed")
        result = _send(claim, channels.get(claim.channel))
        kill_point("sent")
        with transaction():
            outcome = record_outcome(claim, result, _instant(now), attempts)
        kill_point("marked")
        if outcome is not None:
            counts[outcome] += 1
    return DeliverySummary(**counts)


def _instant(now: datetime | None) -> datetime:
    return _utc(now or datetime.now(UTC))


def _send(claim: Outgoing, channel: Channel | None) -> Result:
    """Hand one claimed delivery to its channel; what happened, as a :class:`Result`."""
    try:
        if channel is None or not channel.enabled():
            raise DeliveryError(f"渠道“{claim.channel}”未启用或不存在")
        channel.send(claim)
    except DeliverySkipped as exc:
        return Result("skipped", exc.message)
    except Exception as exc:  # any channel fault is recorded, never propagated
        return Result("error", _error_text(exc))
    return Result("sent")


def _error_text(exc: Exception) -> str:
    if isinstance(exc, DeliveryError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def _utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC instant (a naive one is taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
