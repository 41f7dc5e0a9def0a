"""The outbox's three steps for one delivery (issue 9 §2), each meant to run in a short
transaction of its own (the caller commits):

1. :func:`claim_next` marks the next due delivery "sending" with the claim's time and
   attempt number, and reads what to send (:class:`Outgoing`) — committed before anything
   goes out;
2. the channel sends the :class:`Outgoing` with no transaction open;
3. :func:`record_outcome` marks it "sent", "skipped", "failed" or "pending" again after a
   backoff — only while the claim is still this attempt's.

A delivery is due when it is "pending" and its ``next_attempt_at`` has come, or when it
is "sending" and its claim is older than the claim timeout (the sender died between 1 and
3): it is then sent again, with the same Message-ID / 提醒编号 — the one duplicate the
outbox can make. A stale claim of the last allowed attempt is not sent again but recorded
"failed" (:func:`fail_stale_claims`). Every statement here begins with a write, so on
SQLite each transaction takes the write lock first (waiting ``busy_timeout``) instead of
failing to upgrade a read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Delivery, Digest
from tracker.services.channels.base import Outgoing
from tracker.services.channels.email import digest_text

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
MAX_ERROR = 2000
STALE_ERROR = "发送中断，未能确认是否送达，已达最多尝试次数"
#: Minutes to wait after the 1st, 2nd … failed attempt; the last value repeats.
BACKOFF_MINUTES: tuple[int, ...] = (1, 5, 15, 60, 240)
_FETCH = {"synchronize_session": "fetch"}


@dataclass(frozen=True, slots=True)
class Result:
    """What the channel did with one claimed delivery: ``status`` "sent", "skipped" or
    "error", with the error text of the last two."""

    status: str
    error: str = ""


def backoff(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed attempts (1 → 1 min, 2 → 5 min … 240 min)."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


def _stale(before: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(Delivery.status == SENDING, Delivery.claimed_at < before)


def fail_stale_claims(now: datetime, timeout: timedelta, max_attempts: int) -> int:
    """Record "failed" every claim older than ``timeout`` at ``now`` whose attempt was the
    last allowed one; returns how many. Flushes."""
    statement = (
        sa.update(Delivery)
        .where(_stale(now - timeout), Delivery.attempts >= max_attempts)
        .values(status=FAILED, next_attempt_at=None, last_error=STALE_ERROR)
    )
    return _changed(statement)


def claim_next(now: datetime, timeout: timedelta, max_attempts: int) -> Outgoing | None:
    """Claim the delivery due first at ``now`` (oldest due time, then id): "sending",
    ``claimed_at`` = ``now``, one more attempt. A claim older than ``timeout`` counts as
    due while attempts are left. None when nothing is due. On PostgreSQL a row another
    sender is claiming is skipped (``FOR UPDATE SKIP LOCKED``); the due condition is
    checked again by the UPDATE itself, so two senders never claim the same attempt.
    Flushes; the caller commits before sending."""
    due = sa.or_(
        sa.and_(Delivery.status == PENDING, Delivery.next_attempt_at <= now),
        sa.and_(_stale(now - timeout), Delivery.attempts < max_attempts),
    )
    first = (
        sa.select(Delivery.id)
        .where(due)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    statement = (
        sa.update(Delivery)
        .where(Delivery.id == first, due)
        .values(status=SENDING, claimed_at=now, attempts=Delivery.attempts + 1)
        .returning(Delivery.id, Delivery.attempts)
    )
    row = db.session.execute(statement, execution_options=_FETCH).first()
    if row is None:
        return None
    delivery = db.session.get(Delivery, row.id, populate_existing=True)
    assert delivery is not None
    return outgoing(delivery, attempt=row.attempts)


def outgoing(delivery: Delivery, *, attempt: int) -> Outgoing:
    """What the channel is handed for ``delivery``'s attempt number ``attempt``."""
    digest: Digest = delivery.digest
    recipient = digest.recipient
    return Outgoing(
        delivery_id=delivery.id,
        attempt=attempt,
        channel=delivery.channel,
        subject=digest.subject,
        text=digest_text(digest),
        recipient=recipient.display_name or recipient.username,
        display_name=recipient.display_name or "",
        address=(recipient.email or "").strip(),
    )


def record_outcome(claim: Outgoing, result: Result, now: datetime, max_attempts: int) -> str | None:
    """Record what ``result`` says of the claimed attempt at ``now``: "sent" (``sent_at``),
    "skipped", "failed" (no attempts left) or "retrying" (pending again after
    :func:`backoff`). Returns that word, or None when the claim is no longer this
    attempt's (a later claim took it over): nothing is written then. Flushes."""
    outcome, values = _outcome(claim, result, now, max_attempts)
    statement = (
        sa.update(Delivery)
        .where(
            Delivery.id == claim.delivery_id,
            Delivery.status == SENDING,
            Delivery.attempts == claim.attempt,
        )
        .values(**values)
    )
    return outcome if _changed(statement) else None


def _outcome(
    claim: Outgoing, result: Result, now: datetime, max_attempts: int
) -> tuple[str, dict[str, object]]:
    if result.status == SENT:
        return SENT, {"status": SENT, "sent_at": now, "next_attempt_at": None}
    error = result.error[:MAX_ERROR]
    if result.status == SKIPPED:
        return SKIPPED, {"status": SKIPPED, "last_error": error, "next_attempt_at": None}
    if claim.attempt >= max_attempts:
        return FAILED, {"status": FAILED, "last_error": error, "next_attempt_at": None}
    retry_at = now + backoff(claim.attempt)
    return "retrying", {"status": PENDING, "last_error": error, "next_attempt_at": retry_at}


def _changed(statement: sa.Update) -> int:
    """Rows changed by ``statement``, run with the session's objects kept in step."""
    result = cast(sa.CursorResult[Any], db.session.execute(statement, execution_options=_FETCH))
    return result.rowcount
