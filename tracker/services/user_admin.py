"""Users through the web (issue 11 §3): create an account with a one-time password, change
its role, unit, e-mail, name and active flag, and reset its password. A one-time password
is shown once to the office and must be changed at the first login
(``User.must_change_password``, enforced by the password gate of the web). Functions
flush; the caller commits; every change is audited."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.domain.passwords import PasswordPolicy
from tracker.domain.policy import ROLE_LABELS, Role
from tracker.extensions import db
from tracker.models import Unit, User
from tracker.models.user import new_session_token
from tracker.services import audit
from tracker.services.errors import NotFound, ServiceError
from tracker.services.paging import Page, page_of
from tracker.services.passwords import store_password
from tracker.services.users import create_user

#: Chinese role names (as an imported sheet may give them) → role.
ROLE_BY_LABEL = {label: role for role, label in ROLE_LABELS.items()}
_ALPHABET = string.ascii_letters + string.digits


@dataclass(slots=True)
class UserInput:
    """What the user form (or the API) gives for an account."""

    username: str
    role: Role
    display_name: str = ""
    unit_id: int | None = None
    email: str | None = None
    active: bool = True


def role_of(text: str) -> Role:
    """The role a text names ("单位填报员", "unit"); raises ServiceError for others."""
    value = text.strip()
    if value in ROLE_BY_LABEL:
        return ROLE_BY_LABEL[value]
    try:
        return Role(value)
    except ValueError:
        known = "、".join(ROLE_LABELS.values())
        raise ServiceError(f"角色「{value}」不是{known}之一", field="role") from None


def get_user(user_id: int) -> User:
    """The user; raises NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"没有编号为 {user_id} 的用户")
    return user


def one_time_password(policy: PasswordPolicy) -> str:
    """A random password that ``policy`` accepts: letters and digits in blocks, with an
    upper case letter, a lower case letter, a digit and a sign."""
    length = max(policy.min_length, 12)
    body = "".join(secrets.choice(_ALPHABET) for _ in range(length - 4))
    return f"{secrets.choice(string.ascii_uppercase)}{body}{secrets.choice('abcdefghjk')}7-"


def _unit(unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise ServiceError("单位不存在", field="unit_id")
    return unit


def _email(text: str | None) -> str | None:
    value = (text or "").strip()
    if value and ("@" not in value or " " in value or len(value) > 255):
        raise ServiceError(f"邮箱「{value}」格式不正确", field="email")
    return value or None


def create_account(
    data: UserInput, by: User | None, *, hash_method: str, policy: PasswordPolicy
) -> tuple[User, str]:
    """Add a user with a one-time password (returned, to be shown once) that must be
    changed at the first login. Refused (ServiceError on the field) for a taken username,
    a unit user without a unit, an unknown unit or a malformed e-mail."""
    password = one_time_password(policy)
    user = create_user(
        data.username,
        password,
        data.role,
        unit=_unit(data.unit_id),
        display_name=data.display_name.strip(),
        email=_email(data.email),
        hash_method=hash_method,
        policy=policy,
    )
    user.active = data.active
    user.must_change_password = True
    audit.record("create", user, user=by, task_id=None, summary=f"新增用户：{user.username}")
    return user, password


def update_account(user: User, data: UserInput, by: User | None) -> User:
    """Change a user's name, role, unit, e-mail and active flag (audited). A unit user
    needs a unit; other roles have none. Making an account inactive ends its sessions."""
    before = audit.snapshot(user)
    unit = _unit(data.unit_id)
    if data.role is Role.UNIT and unit is None:
        raise ServiceError("单位填报员必须属于一个单位", field="unit_id")
    if by is not None and by.id == user.id and not data.active:
        raise ServiceError("不能停用自己的账号", field="active")
    user.role = data.role
    user.unit = unit if data.role is Role.UNIT else None
    if data.role is not Role.UNIT:
        user.is_unit_head = user.is_approver = False
    user.display_name = data.display_name.strip() or user.username
    user.email = _email(data.email)
    if user.active and not data.active:
        user.session_token = new_session_token()
    user.active = data.active
    db.session.flush()
    audit.record(
        "update", user, user=by, task_id=None, before=before, summary=f"修改用户：{user.username}"
    )
    return user


def reset_password(
    user: User, by: User | None, *, hash_method: str, policy: PasswordPolicy, now: datetime
) -> str:
    """Give ``user`` a new one-time password (returned, shown once), to be changed at the
    next login; every session of the user ends. Audited without the password."""
    password = one_time_password(policy)
    store_password(user, password, hash_method=hash_method, now=now)
    user.must_change_password = True
    user.session_token = new_session_token()
    audit.record_change(
        "reset_password",
        user,
        user=by,
        task_id=None,
        before=None,
        after={"must_change_password": True},
        summary=f"重置密码：{user.username}",
    )
    return password


def _accounts(role: Role | None) -> sa.Select[User]:
    query = sa.select(User).options(joinedload(User.unit)).order_by(User.role, User.username)
    return query if role is None else query.where(User.role == role)


def list_accounts(role: Role | None = None) -> list[User]:
    """Every user (of one role when given), by role then username, units loaded."""
    return list(db.session.scalars(_accounts(role)))


def accounts_page(page: int) -> Page[User]:
    """Page ``page`` of :func:`list_accounts` (50 a page)."""
    return page_of(_accounts(None), page)
