"""The reform office's inbox of alerts."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.domain.lag import LagState
from tracker.extensions import db
from tracker.models import Alert
from tracker.services.errors import NotFound


def inbox(kind: LagState | None = None, unread_only: bool = False) -> list[Alert]:
    """Alerts, newest first, optionally of one kind or unread only."""
    query = sa.select(Alert).options(joinedload(Alert.task), joinedload(Alert.unit))
    if kind is not None:
        query = query.where(Alert.kind == kind)
    if unread_only:
        query = query.where(Alert.read_at.is_(None))
    return list(db.session.scalars(query.order_by(Alert.raised_on.desc(), Alert.id.desc())))


def unread_count() -> int:
    """How many alerts nobody has marked read."""
    return db.session.scalar(sa.select(sa.func.count(Alert.id)).where(Alert.read_at.is_(None))) or 0


def mark_read(alert_id: int) -> Alert:
    """Mark an alert read; raises :class:`NotFound`."""
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"没有编号为 {alert_id} 的提醒")
    if alert.read_at is None:
        alert.read_at = datetime.now(UTC)
    db.session.flush()
    return alert
