"""Per-user API tokens for ``/api/v1``: issued once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import ApiToken, User
from tracker.services.errors import NotFound


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def find_user(username: str) -> User:
    """The user called ``username``; raises :class:`NotFound` (Chinese message)."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None:
        raise NotFound(f"没有用户名为「{username}」的用户", field="username")
    return user


def issue_token(user: User) -> str:
    """A new bearer token for ``user`` (``secrets.token_urlsafe(32)``). Only its SHA-256
    hex is stored, so the returned text is the one chance to see it. Flushes."""
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(raw)))
    db.session.flush()
    return raw


def user_for_token(raw: str) -> User | None:
    """The active user a token that is not revoked belongs to, else None. Records the
    time of use (``last_used_at``); flushes, the caller commits."""
    if not raw:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = datetime.now(UTC)
    db.session.flush()
    return token.user


def revoke(token_id: int) -> ApiToken:
    """Revoke a token (kept, marked with the time). Raises :class:`NotFound`."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"没有编号为 {token_id} 的令牌")
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        db.session.flush()
    return token
