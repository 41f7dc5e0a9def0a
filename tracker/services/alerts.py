"""The reform office's inbox of alerts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.domain.lag import LagState
from tracker.extensions import db
from tracker.models import Alert
from tracker.services.errors import NotFound

#: Alerts on one page of the inbox.
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class InboxPage:
    """One page of the inbox: its alerts, the page number (from 1), the number of pages
    and the number of alerts under the filter."""

    alerts: list[Alert]
    page: int
    pages: int
    total: int


def _filtered(kind: LagState | None, unread_only: bool) -> sa.ColumnElement[bool]:
    conditions = []
    if kind is not None:
        conditions.append(Alert.kind == kind)
    if unread_only:
        conditions.append(Alert.read_at.is_(None))
    return sa.and_(sa.true(), *conditions)


def inbox(kind: LagState | None = None, unread_only: bool = False) -> list[Alert]:
    """Alerts, newest first, optionally of one kind or unread only."""
    query = sa.select(Alert).options(joinedload(Alert.task), joinedload(Alert.unit))
    query = query.where(_filtered(kind, unread_only))
    return list(db.session.scalars(query.order_by(Alert.raised_on.desc(), Alert.id.desc())))


def inbox_page(kind: LagState | None = None, unread_only: bool = False, page: int = 1) -> InboxPage:
    """Page ``page`` (clamped to the pages there are) of the filtered inbox, newest
    first, :data:`PAGE_SIZE` a page."""
    condition = _filtered(kind, unread_only)
    total = db.session.scalar(sa.select(sa.func.count(Alert.id)).where(condition)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = (
        sa.select(Alert)
        .options(joinedload(Alert.task), joinedload(Alert.unit))
        .where(condition)
        .order_by(Alert.raised_on.desc(), Alert.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return InboxPage(list(db.session.scalars(query)), page, pages, total)


def mark_many_read(alert_ids: Iterable[int]) -> int:
    """Mark the alerts of ``alert_ids`` read (unknown ids are ignored); how many were
    unread."""
    ids = sorted(set(alert_ids))
    if not ids:
        return 0
    return _mark(Alert.id.in_(ids))


def mark_filter_read(kind: LagState | None = None) -> int:
    """Mark every unread alert under the filter (of ``kind``, or all) read; how many."""
    return _mark(_filtered(kind, True))


def _mark(condition: sa.ColumnElement[bool]) -> int:
    now = datetime.now(UTC)
    unread = list(db.session.scalars(sa.select(Alert).where(condition, Alert.read_at.is_(None))))
    for alert in unread:
        alert.read_at = now
    db.session.flush()
    return len(unread)


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
