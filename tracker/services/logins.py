"""Logging in: password checks with lockout kept in the database, the same work for
unknown usernames, session tokens, and the office's view of locked accounts (issue 9 §4).

Flask-Limiter has no SQL storage (DESIGN.md §8), so the lockout lives on the user row:
``LoginRules.max_failures`` wrong passwords within ``window`` of the first lock the account
for ``lock``. A locked account is refused even with the right password; the caller tells
the lock only to someone who gave the right password (see ``LoginResult.locked_until``),
so the answer never shows whether an unknown name exists.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.extensions import db
from tracker.models import AuditEntry, User
from tracker.models._types import MAX_ID
from tracker.models.user import new_session_token
from tracker.services.audit import record_change
from tracker.services.errors import NotFound, ServiceError
from tracker.services.passwords import as_utc

log = logging.getLogger(__name__)

#: Audit actions of accounts (entity "users", task None).
ACCOUNT_ACTIONS = ("login", "login_failed", "login_locked", "lock", "unlock", "logout")


@dataclass(frozen=True, slots=True)
class LoginRules:
    """Lock an account for ``lock`` after ``max_failures`` wrong passwords within
    ``window`` of the first (settings ``TRACKER_LOGIN_*``)."""

    max_failures: int
    window: timedelta
    lock: timedelta


@dataclass(frozen=True, slots=True)
class LoginResult:
    """The answer to a login: ``user`` when it succeeded; ``locked_until`` (UTC) when the
    right password met a locked account; neither for every other failure."""

    user: User | None = None
    locked_until: datetime | None = None


@cache
def dummy_hash(method: str) -> str:
    """A hash of a random password made with ``method``, checked for unknown usernames so
    that they cost the same work as known ones. Made once per method (at start-up)."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def check_login(
    username: str,
    password: str,
    *,
    rules: LoginRules,
    hash_method: str,
    now: datetime,
    source: str = "",
) -> LoginResult:
    """Check ``password`` for ``username``: exactly one password hash is checked whether
    the user exists or not. Counts a wrong password (locking the account at
    ``rules.max_failures``), refuses locked and inactive accounts, and on success resets
    a count there is. Every refusal on an existing account is in the history (task None);
    ``source`` (the client address) goes into the summary. A success writes nothing else:
    the caller records it with :func:`record_login`, after its commit and only if the
    database is free, so that a login never waits for the write lock (issue 18 §2).
    Flushes; never raises for a refusal, so that the caller's commit keeps the count."""
    user = db.session.scalar(
        sa.select(User).where(User.username == username.strip()).with_for_update()
    )
    right = check_password_hash(user.password_hash if user else dummy_hash(hash_method), password)
    if user is None:
        log.info("login refused for unknown username %r from %s", username[:80], source)
        return LoginResult()
    locked_until = current_lock(user, now)
    if locked_until is not None:
        _record(user, "login_locked" if right else "login_failed", None, source, "账号锁定中")
        return LoginResult(locked_until=locked_until if right else None)
    if not right:
        _count_failure(user, rules, now, source)
        return LoginResult()
    if not user.active:
        _record(user, "login_failed", None, source, "账号已停用")
        return LoginResult()
    if user.failed_logins or user.failed_since is not None:
        user.failed_logins, user.failed_since = 0, None
    return LoginResult(user=user)


def record_login(user_id: int, now: datetime, source: str = "") -> None:
    """Record a successful login of ``user_id``: its time (``last_login_at``) and the
    history entry. Nobody waits for it: run it after the login's commit, as a best-effort
    write that is skipped when the database is busy. Flushes."""
    user = db.session.get(User, user_id)
    if user is None:
        return
    user.last_login_at = now
    _record(user, "login", user, source, "登录成功")


def current_lock(user: User, now: datetime) -> datetime | None:
    """When ``user``'s lock ends (UTC), or None when the account is not locked at ``now``."""
    until = as_utc(user.locked_until)
    return until if until is not None and until > now else None


def _count_failure(user: User, rules: LoginRules, now: datetime, source: str) -> None:
    since = as_utc(user.failed_since)
    if since is None or now - since > rules.window:
        user.failed_logins, user.failed_since = 1, now
    else:
        user.failed_logins += 1
    _record(user, "login_failed", None, source, f"密码错误（连续第 {user.failed_logins} 次）")
    if user.failed_logins >= rules.max_failures:
        minutes = int(rules.lock.total_seconds() // 60)
        user.locked_until, user.failed_logins, user.failed_since = now + rules.lock, 0, None
        _record(
            user, "lock", None, source, f"连续 {rules.max_failures} 次密码错误，锁定 {minutes} 分钟"
        )


def _record(user: User, action: str, actor: User | None, source: str, summary: str) -> None:
    """An account entry: ``actor`` did ``action`` on ``user`` (None: unknown or the system)."""
    where = f"（来自 {source}）" if source else ""
    state = {
        "failed_logins": user.failed_logins,
        "locked_until": _iso(user.locked_until),
    }
    record_change(
        action, user, user=actor, task_id=None, before={}, after=state, summary=summary + where
    )


def _iso(moment: datetime | None) -> str | None:
    stamped = as_utc(moment)
    return stamped.isoformat() if stamped else None


def unlock(user: User, by: User, now: datetime) -> None:
    """Lift ``user``'s lock and forget their failures; recorded as done by ``by``.

    Raises :class:`ServiceError` when the account is not locked.
    """
    if current_lock(user, now) is None:
        raise ServiceError(f"账号「{user.username}」未被锁定")
    user.locked_until, user.failed_logins, user.failed_since = None, 0, None
    _record(user, "unlock", by, "", f"{by.display_name}解除锁定")


def get_user(user_id: int) -> User:
    """The user with ``user_id``; raises :class:`NotFound`."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("没有这个账号")
    return user


def locked_accounts(now: datetime) -> list[User]:
    """Accounts locked at ``now``, the lock ending soonest first."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.locked_until > now).order_by(User.locked_until, User.id)
        )
    )


def failing_accounts(rules: LoginRules, now: datetime) -> list[User]:
    """Unlocked accounts with wrong passwords counted in the current window, most first."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.failed_logins > 0, User.failed_since > now - rules.window)
            .order_by(User.failed_logins.desc(), User.username)
        )
    )


def account_history(limit: int = 100) -> list[AuditEntry]:
    """The newest ``limit`` account entries (logins, failures, locks, unlocks, logouts,
    password changes), newest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.task_id.is_(None), AuditEntry.entity == "users")
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def session_user(user_id: str) -> User | None:
    """The active user whose Flask-Login id ("<id>:<session token>") is ``user_id``, or None
    when the id is malformed, the user unknown or inactive, or the token replaced."""
    number, _, token = user_id.partition(":")
    if not number.isdigit() or not token or int(number) > MAX_ID:
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.active or not user.has_session_token(token):
        return None
    return user


def end_sessions(user: User, source: str = "") -> None:
    """Log ``user`` out everywhere: a new session token voids every session and
    remember-me cookie issued before. Recorded in the history."""
    user.session_token = new_session_token()
    _record(user, "logout", user, source, "退出登录")


def account_names(entries: list[AuditEntry]) -> dict[int, str]:
    """Username of each account the ``entries`` are about (entity id → username)."""
    ids = {entry.entity_id for entry in entries if entry.entity_id is not None}
    rows = db.session.execute(sa.select(User.id, User.username).where(User.id.in_(ids)))
    return {user_id: username for user_id, username in rows}
