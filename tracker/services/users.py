"""Users: creation and lookup (logins: :mod:`tracker.services.logins`; passwords:
:mod:`tracker.services.passwords`)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.domain.passwords import BASIC, PasswordPolicy
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Unit, User
from tracker.services.errors import ServiceError
from tracker.services.passwords import require_acceptable, store_password


def create_user(
    username: str,
    password: str,
    role: Role,
    *,
    unit: Unit | None = None,
    display_name: str = "",
    email: str | None = None,
    hash_method: str,
    policy: PasswordPolicy = BASIC,
) -> User:
    """Add a user, the password hashed with werkzeug's ``hash_method`` (the setting
    ``PasswordSettings.hash_method``) and checked against ``policy`` (the setting
    ``AccountSettings.password_profile``; "basic" unless given). A ``unit`` user needs a
    unit; other roles have none.

    Raises :class:`ServiceError` for a taken username, a password ``policy`` refuses or a
    unit user without a unit.
    """
    username = username.strip()
    if not username:
        raise ServiceError("用户名不能为空", field="username")
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise ServiceError(f"用户名「{username}」已存在", field="username")
    require_acceptable(policy, password)
    if role is Role.UNIT and unit is None:
        raise ServiceError("单位填报员必须属于一个单位", field="unit")
    user = User(
        username=username,
        role=role,
        unit=unit if role is Role.UNIT else None,
        display_name=display_name or username,
        email=email,
    )
    db.session.add(user)
    store_password(user, password, hash_method=hash_method, now=datetime.now(UTC))
    return user


def list_users() -> list[User]:
    """Every user, by role then username."""
    query = sa.select(User).options(joinedload(User.unit)).order_by(User.role, User.username)
    return list(db.session.scalars(query))


def users_to_json(users: list[User]) -> list[dict[str, str | None]]:
    """``[{"username", "role", "unit"}]`` as ``user list --json`` prints."""
    return [
        {"username": u.username, "role": str(u.role), "unit": u.unit.name if u.unit else None}
        for u in users
    ]
