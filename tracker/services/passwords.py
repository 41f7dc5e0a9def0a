"""Passwords: the configured policy, storing a new password with its history, changing
one's own password, and whether a password is due for a change (issue 9 §4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from tracker.domain.passwords import PROFILES, PasswordPolicy
from tracker.extensions import db
from tracker.models import User
from tracker.models.user import PasswordHistory, new_session_token
from tracker.services.audit import record_change
from tracker.services.errors import ServiceError

#: How many earlier password hashes are kept per user (enough for the "dengbao" profile's
#: "none of the last 5": the current password and four before it).
HISTORY_KEPT = 5


def policy_named(profile: str) -> PasswordPolicy:
    """The policy of a profile name ("basic", "dengbao"); raises KeyError for others."""
    return PROFILES[profile]


def require_acceptable(policy: PasswordPolicy, password: str, field: str = "password") -> None:
    """Raise :class:`ServiceError` on ``field`` naming every rule of ``policy`` that
    ``password`` breaks."""
    problems = policy.problems(password)
    if problems:
        raise ServiceError("；".join(problems), field=field)


def store_password(user: User, password: str, *, hash_method: str, now: datetime) -> None:
    """Give ``user`` a new password hashed with ``hash_method``; the old hash (if any) goes
    to the history, of which the newest :data:`HISTORY_KEPT` are kept. Flushes."""
    if user.password_hash:
        db.session.add(
            PasswordHistory(user_id=user.id, password_hash=user.password_hash, replaced_at=now)
        )
    user.set_password(password, hash_method)
    user.password_changed_at = now
    db.session.flush()
    _prune_history(user)


def _prune_history(user: User) -> None:
    kept = sa.select(PasswordHistory.id).where(PasswordHistory.user_id == user.id)
    kept = kept.order_by(PasswordHistory.replaced_at.desc(), PasswordHistory.id.desc())
    ids = list(db.session.scalars(kept.limit(HISTORY_KEPT)))
    db.session.execute(
        sa.delete(PasswordHistory).where(
            PasswordHistory.user_id == user.id, PasswordHistory.id.not_in(ids)
        )
    )


def _recent_hashes(user: User, count: int) -> list[str]:
    """The hashes of the user's last ``count`` passwords, the current one first."""
    earlier = db.session.scalars(
        sa.select(PasswordHistory.password_hash)
        .where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.replaced_at.desc(), PasswordHistory.id.desc())
        .limit(max(count - 1, 0))
    )
    return [user.password_hash, *earlier]


def change_password(
    user: User,
    current: str,
    new: str,
    *,
    policy: PasswordPolicy,
    hash_method: str,
    now: datetime,
) -> None:
    """Change ``user``'s own password: ``current`` must be right, ``new`` must meet
    ``policy`` and differ from the last ``policy.history`` passwords. Replaces the session
    token (every other session and remember cookie of the user ends) and records the change
    in the history (task None). Flushes.

    Raises :class:`ServiceError` on ``current_password`` (wrong) or ``new_password``
    (breaks the policy, or repeats a recent password).
    """
    if not check_password_hash(user.password_hash, current):
        raise ServiceError("当前密码不正确", field="current_password")
    require_acceptable(policy, new, field="new_password")
    if any(check_password_hash(old, new) for old in _recent_hashes(user, policy.history)):
        if policy.history > 1:
            raise ServiceError(
                f"新密码不得与最近 {policy.history} 次使用过的密码相同", field="new_password"
            )
        raise ServiceError("新密码不得与当前密码相同", field="new_password")
    before = {"password_changed_at": _iso(user.password_changed_at)}
    store_password(user, new, hash_method=hash_method, now=now)
    user.session_token = new_session_token()
    user.must_change_password = False
    record_change(
        "change_password",
        user,
        user=user,
        task_id=None,
        before=before,
        after={"password_changed_at": _iso(now)},
        summary="本人修改密码",
    )


def password_expired(user: User, policy: PasswordPolicy, now: datetime) -> bool:
    """True when ``policy`` limits a password's age and ``user``'s is older (counted from
    ``password_changed_at``, else the account's creation)."""
    if policy.max_age_days is None:
        return False
    changed = as_utc(user.password_changed_at or user.created_at)
    return changed is not None and now - changed > timedelta(days=policy.max_age_days)


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored instant as an aware UTC datetime (SQLite gives naive ones back)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _iso(moment: datetime | None) -> str | None:
    stamped = as_utc(moment)
    return stamped.isoformat() if stamped else None
