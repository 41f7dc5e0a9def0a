"""Bearer-token authentication and policy checks of ``/api/v1``.

Every route but the OpenAPI document needs ``Authorization: Bearer TOKEN``; the user is
put in ``g.api_user``. Access is decided by :func:`tracker.domain.policy.can` with the
same :class:`Actor` the web builds for a logged-in user.
"""

from __future__ import annotations

from typing import Any

from flask import g, request

from tracker.domain.policy import Action, Actor, Role, UnitRole, can
from tracker.extensions import db
from tracker.models import Task, User
from tracker.services import tokens
from tracker.web.api.errors import ApiError

#: Endpoints anyone may call (the OpenAPI document, the JSON 404/405 fallback).
PUBLIC_ENDPOINTS = frozenset({"api.openapi", "api.fallback"})


def authenticate() -> None:
    """``before_request`` of the API: put the token's user in ``g.api_user``, or raise
    :class:`ApiError` 401. Commits the token's ``last_used_at``."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    raw = _bearer(request.headers.get("Authorization", ""))
    if raw is None:
        raise ApiError(401, "缺少 API 令牌：请在请求头中加入 Authorization: Bearer <令牌>")
    user = tokens.user_for_token(raw)
    if user is None:
        db.session.rollback()
        raise ApiError(401, "API 令牌无效、已撤销，或用户已停用")
    db.session.commit()
    g.api_user = user


#: The largest id a path may name (the columns are 32-bit integers).
MAX_ID = 2**31 - 1


def ids_in_range(*_args: Any) -> None:
    """``before_request``: a path id beyond any stored one is a 404, not a database
    error."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and value > MAX_ID:
            raise ApiError(404)


def _bearer(header: str) -> str | None:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def api_user() -> User:
    """The authenticated user of this request."""
    user: User = g.api_user
    return user


def api_actor() -> Actor:
    """The API user as the policy sees them (as :func:`tracker.web.access.current_actor`)."""
    user = api_user()
    return Actor(role=Role(user.role), unit_id=user.unit_id, approver=bool(user.is_approver))


def relation(task: Task) -> UnitRole | None:
    """The relation of the API user's unit to ``task``."""
    actor = api_actor()
    return task.role_of(actor.unit_id) if actor.unit_id else None


def api_allowed(action: Action, task: Task | None = None) -> bool:
    """Whether the API user may do ``action`` (on ``task``)."""
    return can(api_actor(), action, relation(task) if task is not None else None)


def require_api(action: Action, task: Task | None = None) -> None:
    """Raise :class:`ApiError` 403 unless the API user may do ``action`` (on ``task``)."""
    if not api_allowed(action, task):
        raise ApiError(403)
