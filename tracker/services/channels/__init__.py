"""Reminder channels behind one interface (issue 4 §3): the in-app inbox (always), e-mail
over SMTP and a DingTalk / WeCom group robot.

A digest gets one :class:`~tracker.models.Delivery` per enabled channel
(:func:`create_deliveries`); :func:`deliver_pending` tries every due one independently.
A failure is recorded (``attempts``, ``last_error``) and retried after a backoff of 1, 5,
15, 60, then every 240 minutes, until ``ChannelSettings.delivery_max_attempts``
attempts make it "failed". Deliveries are never deleted. Statuses: "pending", "sent",
"failed", "skipped" (the channel cannot carry it, e.g. no e-mail address). Services
flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from config.settings import ChannelSettings
from tracker.extensions import db
from tracker.models import Delivery, Digest
from tracker.services.channels.base import Channel, DeliveryError, DeliverySkipped
from tracker.services.channels.email import EmailChannel
from tracker.services.channels.inbox import InboxChannel
from tracker.services.channels.webhook import WebhookChannel

__all__ = [
    "BACKOFF_MINUTES",
    "Channel",
    "DeliveryError",
    "DeliverySkipped",
    "DeliverySummary",
    "all_channels",
    "backoff",
    "create_deliveries",
    "deliver_pending",
    "enabled_channels",
]

#: Minutes to wait after the 1st, 2nd … failed attempt; the last value repeats.
BACKOFF_MINUTES: tuple[int, ...] = (1, 5, 15, 60, 240)
_MAX_ERROR = 2000


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


def _deliveries_of(digest: Digest) -> Sequence[Delivery]:
    if digest.id is None:
        return list(digest.deliveries)
    return db.session.scalars(sa.select(Delivery).where(Delivery.digest_id == digest.id)).all()


def deliver_pending(
    now: datetime, settings: ChannelSettings, *, limit: int = 200
) -> DeliverySummary:
    """Try every pending delivery due at ``now`` (``next_attempt_at <= now``), oldest
    first, at most ``limit``, through the channels of ``settings``. Each is tried on its
    own: an exception of one channel is recorded on its delivery and never stops the
    others. Flushes; the caller commits.
    """
    now = _utc(now)
    channels = {channel.name: channel for channel in all_channels(settings)}
    max_attempts = settings.delivery_max_attempts
    counts = {"sent": 0, "failed": 0, "retrying": 0, "skipped": 0}
    for delivery in _due(now, limit):
        outcome = _attempt(delivery, channels.get(delivery.channel), now, max_attempts)
        counts[outcome] += 1
    db.session.flush()
    return DeliverySummary(**counts)


def _due(now: datetime, limit: int) -> list[Delivery]:
    query = (
        sa.select(Delivery)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _attempt(delivery: Delivery, channel: Channel | None, now: datetime, max_attempts: int) -> str:
    """Send one delivery and record the outcome: "sent", "skipped", "retrying" or
    "failed" (no attempts left)."""
    delivery.attempts += 1
    try:
        if channel is None or not channel.enabled():
            raise DeliveryError(f"渠道“{delivery.channel}”未启用或不存在")
        channel.send(delivery.digest)
    except DeliverySkipped as exc:
        delivery.status, delivery.last_error = "skipped", exc.message[:_MAX_ERROR]
        delivery.next_attempt_at = None
        return "skipped"
    except Exception as exc:  # any channel fault is recorded, never propagated
        return _record_failure(delivery, _error_text(exc), now, max_attempts)
    delivery.status, delivery.sent_at, delivery.next_attempt_at = "sent", now, None
    return "sent"


def _record_failure(delivery: Delivery, error: str, now: datetime, max_attempts: int) -> str:
    delivery.last_error = error[:_MAX_ERROR]
    if delivery.attempts >= max_attempts:
        delivery.status, delivery.next_attempt_at = "failed", None
        return "failed"
    delivery.next_attempt_at = now + backoff(delivery.attempts)
    return "retrying"


def _error_text(exc: Exception) -> str:
    if isinstance(exc, DeliveryError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def backoff(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed attempts (1 → 1 min, 2 → 5 min … 240 min)."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


def _utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC instant (a naive one is taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
