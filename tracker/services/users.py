"""Users: creation, lookup and login checks."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Unit, User
from tracker.services.errors import ServiceError


def create_user(
    username: str,
    password: str,
    role: Role,
    *,
    unit: Unit | None = None,
    display_name: str = "",
    email: str | None = None,
    hash_method: str,
) -> User:
    """Add a user, the password hashed with werkzeug's ``hash_method`` (the setting
    ``PasswordSettings.hash_method``). A ``unit`` user needs a unit; other roles have none.

    Raises :class:`ServiceError` for a taken username, a short password (< 8 characters)
    or a unit user without a unit.
    """
    username = username.strip()
    if not username:
        raise ServiceError("用户名不能为空", field="username")
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise ServiceError(f"用户名「{username}」已存在", field="username")
    if len(password) < 8:
        raise ServiceError("密码至少 8 位", field="password")
    if role is Role.UNIT and unit is None:
        raise ServiceError("单位填报员必须属于一个单位", field="unit")
    user = User(
        username=username,
        role=role,
        unit=unit if role is Role.UNIT else None,
        display_name=display_name or username,
        email=email,
    )
    user.set_password(password, hash_method)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None. Records the login time."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = datetime.now(UTC)
    return user


def list_users() -> list[User]:
    """Every user, by role then username."""
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.username)))


def users_to_json(users: list[User]) -> list[dict[str, str | None]]:
    """``[{"username", "role", "unit"}]`` as ``user list --json`` prints."""
    return [
        {"username": u.username, "role": str(u.role), "unit": u.unit.name if u.unit else None}
        for u in users
    ]
