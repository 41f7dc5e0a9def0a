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


def token_for(raw: str) -> ApiToken | None:
    """The token ``raw`` names when it is not revoked and its user is active, else None."""
    if not raw:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token


def record_use(token_id: int, when: datetime | None = None) -> None:
    """Record the time a token was used (``last_used_at``). Nobody waits for it: the API
    runs it after the request's commit as a best-effort write. Flushes."""
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == token_id)
        .values(last_used_at=when or datetime.now(UTC))
    )


def revoke(token_id: int) -> ApiToken:
    """Revoke a token (kept, marked with the time). Raises :class:`NotFound`."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"没有编号为 {token_id} 的令牌")
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        db.session.flush()
    return token
