"""Bearer-token authentication, policy checks and addressed records of ``/api/v1``.

Every route but the OpenAPI document needs ``Authorization: Bearer TOKEN``; the user is
put in ``g.api_user``. Access is decided by :func:`tracker.domain.policy.can` with the
same :class:`Actor` the web builds for a logged-in user.

:func:`addressed` turns a path id into its record before the body is validated, so an
unknown id is a 404 and a refusal a 403 whatever the body holds (as before the schemas).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from tracker.domain.policy import Action, Actor, Role, UnitRole, can
from tracker.models import Contribution, ProgressReport, Task, User
from tracker.services import contributions as contribution_service
from tracker.services import reports as report_service
from tracker.services import tasks as task_service
from tracker.services import tokens
from tracker.services.errors import Conflict
from tracker.unit_of_work import SAFE_METHODS, after_commit
from tracker.web.api.errors import ApiError

T = TypeVar("T")
View = Callable[..., Any]

#: Endpoints anyone may call (the OpenAPI document, the JSON 404/405 fallback).
PUBLIC_ENDPOINTS = frozenset({"api.openapi", "api.fallback"})


def authenticate() -> None:
    """``before_request`` of the API: put the token's user in ``g.api_user``, or raise
    :class:`ApiError` 401. The token's ``last_used_at`` is written with a writing request's
    unit of work, and after a reading request's commit as a best-effort write
    (:func:`tracker.unit_of_work.after_commit`), so that a GET only reads."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    raw = _bearer(request.headers.get("Authorization", ""))
    if raw is None:
        raise ApiError(401, "缺少 API 令牌：请在请求头中加入 Authorization: Bearer <令牌>")
    token = tokens.token_for(raw)
    if token is None:
        raise ApiError(401, "API 令牌无效、已撤销，或用户已停用")
    token_id = token.id
    if request.method in SAFE_METHODS:
        after_commit(lambda: tokens.record_use(token_id))
    else:  # the request holds the write lock already
        tokens.record_use(token_id)
    g.api_user = token.user


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


def addressed(name: str, load: Callable[[int], object]) -> Callable[[View], View]:
    """Decorate a view (outside ``spec.validate``) so that the path's ``<name>_id`` is
    replaced by ``load(id)``, the record the view is about. ``load`` raises 404/403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def with_record(**kwargs: Any) -> Any:
            kwargs[name] = load(kwargs.pop(f"{name}_id"))
            return view(**kwargs)

        return with_record

    return decorate


def task_for(action: Action) -> Callable[[int], Task]:
    """A loader of a task the user may do ``action`` on (404, then 403)."""

    def load(task_id: int) -> Task:
        task = task_service.get_task(task_id)
        require_api(action, task)
        return task

    return load


def report_for(action: Action, *, current: bool = False) -> Callable[[int], ProgressReport]:
    """A loader of a report whose task the user may do ``action`` on (404, then 403);
    with ``current``, 409 unless it is its period's current revision."""

    def load(report_id: int) -> ProgressReport:
        report = report_service.get_report(report_id)
        require_api(action, report.task)
        if current and report_service.find_report(report.task_id, report.period) is not report:
            raise Conflict("这不是该期间最新的填报版本，请对最新版本操作", field="period")
        return report

    return load


def report_to_review(report_id: int) -> ProgressReport:
    """A report for the office to review: 403 for everyone else before 404, as on the
    web."""
    require_api(Action.REVIEW_REPORT)
    return report_service.get_report(report_id)


def own_contribution(contribution_id: int) -> Contribution:
    """A contribution request, if the user's unit cooperates on its task and it is
    addressed to that unit (as on the web). Raises 404 / 403."""
    item = contribution_service.get_contribution(contribution_id)
    require_api(Action.CONFIRM_CONTRIBUTION, item.report.task)
    if item.unit_id != api_user().unit_id:
        raise ApiError(403, "这份配合确认不是发给本单位的")
    return item
