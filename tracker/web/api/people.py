"""Units and users of ``/api/v1`` (issue 11 §3), under the pages' policy (the office and
the admin): lists, creation and changes. A new user's one-time password is in the answer
of its creation only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, Literal

from pydantic import Field

from tracker import settings as app_settings
from tracker.domain.policy import Action, Role
from tracker.models import Unit, User
from tracker.services import unit_admin, user_admin
from tracker.services.unit_admin import UnitInput
from tracker.services.user_admin import UserInput
from tracker.web.api import bp
from tracker.web.api.auth import api_user, require_api
from tracker.web.api.responses import Out
from tracker.web.api.schemas import _STORABLE, Body, Id
from tracker.web.api.spec import answers, spec
from tracker.web.auth import sessions

_BODY_ERRORS = (400, 403, 404, 409, 413, 415, 422)
Name = Annotated[str, Field(min_length=1, max_length=100), _STORABLE]
Kind = Literal["department", "town", "county", "enterprise", "other"]
RoleName = Literal["office", "unit", "leader", "assessor", "admin"]


def managed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (403) anyone but the office and the admin before the body is read."""

    @wraps(view)
    def checked(**kwargs: Any) -> Any:
        require_api(Action.MANAGE_ACCOUNTS)
        return view(**kwargs)

    return checked


class UnitOut(Out):
    """A unit: id, name, aliases, kind, parent, leader in charge, active."""

    id: int
    name: str
    aliases: list[str]
    kind: str
    parent_id: int | None
    leader_id: int | None
    active: bool

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        """The answer of ``unit``."""
        return cls(
            id=unit.id,
            name=unit.name,
            aliases=[a.alias for a in unit.aliases],
            kind=unit.kind,
            parent_id=unit.parent_id,
            leader_id=unit.leader_id,
            active=unit.active,
        )


class UnitList(Out):
    """Every unit, by name."""

    units: list[UnitOut]


class UnitBody(Body):
    """``POST /units`` and ``PATCH /units/{id}`` (fields left out keep their value)."""

    name: Name | None = None
    kind: Kind | None = None
    aliases: list[Name] | None = Field(None, max_length=50)
    parent_id: Id | None = None
    leader_id: Id | None = None
    active: bool | None = None


class UserOut(Out):
    """A user: id, username, name, role, unit, e-mail, active; ``one_time_password`` only
    in the answer of a creation."""

    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    email: str | None
    active: bool
    must_change_password: bool
    one_time_password: str | None = None

    @classmethod
    def of(cls, user: User, password: str | None = None) -> UserOut:
        """The answer of ``user``."""
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=str(user.role),
            unit_id=user.unit_id,
            email=user.email,
            active=user.active,
            must_change_password=user.must_change_password,
            one_time_password=password,
        )


class UserList(Out):
    """Every user, by role then username."""

    users: list[UserOut]


class UserBody(Body):
    """``POST /users`` (username and role required) and ``PATCH /users/{id}``."""

    username: Annotated[str, Field(min_length=1, max_length=80), _STORABLE] | None = None
    display_name: Annotated[str, Field(max_length=100), _STORABLE] | None = None
    role: RoleName | None = None
    unit_id: Id | None = None
    email: Annotated[str, Field(max_length=255), _STORABLE] | None = None
    active: bool | None = None


@bp.get("/units")
@managed
@spec.validate(resp=answers(UnitList, 403))
def list_units() -> UnitList:
    """单位列表（改革办、系统管理员）"""
    return UnitList(units=[UnitOut.of(unit) for unit in unit_admin.list_units()])


@bp.post("/units")
@managed
@spec.validate(resp=answers(UnitOut, *_BODY_ERRORS, status=201, description="已创建"))
def create_unit(json: UnitBody) -> tuple[UnitOut, int]:
    """新增单位

    ``name`` required; 422 a taken name or alias (with field)."""
    unit = unit_admin.create_unit(_unit_input(None, json), api_user())
    return UnitOut.of(unit), 201


@bp.patch("/units/<int:unit_id>")
@managed
@spec.validate(resp=answers(UnitOut, *_BODY_ERRORS))
def update_unit(unit_id: int, json: UnitBody) -> UnitOut:
    """修改单位（名称、别名、类型、上级单位、分管领导、是否在用）"""
    unit = unit_admin.get_unit(unit_id)
    head = unit_admin.head_of(unit)
    data = _unit_input(unit, json)
    data.head_id = head.id if head is not None else None
    return UnitOut.of(unit_admin.update_unit(unit, data, api_user()))


def _unit_input(unit: Unit | None, body: UnitBody) -> UnitInput:
    given = body.model_fields_set
    return UnitInput(
        name=body.name if body.name is not None else (unit.name if unit else ""),
        kind=body.kind or (unit.kind if unit else "other"),
        aliases=list(body.aliases) if body.aliases is not None else _aliases(unit),
        parent_id=body.parent_id if "parent_id" in given else (unit.parent_id if unit else None),
        leader_id=body.leader_id if "leader_id" in given else (unit.leader_id if unit else None),
        active=body.active if body.active is not None else (unit.active if unit else True),
    )


def _aliases(unit: Unit | None) -> list[str]:
    return [a.alias for a in unit.aliases] if unit is not None else []


@bp.get("/users")
@managed
@spec.validate(resp=answers(UserList, 403))
def list_users() -> UserList:
    """用户列表（改革办、系统管理员）"""
    return UserList(users=[UserOut.of(user) for user in user_admin.list_accounts()])


@bp.post("/users")
@managed
@spec.validate(resp=answers(UserOut, *_BODY_ERRORS, status=201, description="已创建"))
def create_user(json: UserBody) -> tuple[UserOut, int]:
    """新增用户（返回一次性密码，仅此一次）

    ``username`` and ``role`` required; 422 a taken username or a unit user without unit."""
    data = _user_input(None, json)
    user, password = user_admin.create_account(
        data,
        api_user(),
        hash_method=app_settings.current().passwords.hash_method,
        policy=sessions.password_policy(),
    )
    return UserOut.of(user, password), 201


@bp.patch("/users/<int:user_id>")
@managed
@spec.validate(resp=answers(UserOut, *_BODY_ERRORS))
def update_user(user_id: int, json: UserBody) -> UserOut:
    """修改用户（姓名、角色、单位、邮箱、是否在用；用户名不变）"""
    user = user_admin.get_user(user_id)
    return UserOut.of(user_admin.update_account(user, _user_input(user, json), api_user()))


def _user_input(user: User | None, body: UserBody) -> UserInput:
    given = body.model_fields_set
    if user is None and (not body.username or body.role is None):
        from tracker.services.errors import ServiceError

        field = "username" if not body.username else "role"
        raise ServiceError("用户名和角色必填", field=field)
    return UserInput(
        username=user.username if user is not None else body.username or "",
        role=Role(body.role) if body.role else (user.role if user else Role.UNIT),
        display_name=body.display_name
        if body.display_name is not None
        else (user.display_name if user else ""),
        unit_id=body.unit_id if "unit_id" in given else (user.unit_id if user else None),
        email=body.email if "email" in given else (user.email if user else None),
        active=body.active if body.active is not None else (user.active if user else True),
    )
