"""Access checks for views: they ask :mod:`tracker.domain.policy` and nothing else."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from tracker.domain.policy import Action, Actor, Role, UnitRole, can
from tracker.models import Task


def current_actor() -> Actor | None:
    """The logged-in user as the policy sees them, or None when anonymous."""
    if not current_user.is_authenticated:
        return None
    return Actor(
        role=Role(current_user.role),
        unit_id=current_user.unit_id,
        approver=bool(current_user.is_approver),
    )


def relation_to(task: Task) -> UnitRole | None:
    """The relation of the current user's unit to ``task``."""
    actor = current_actor()
    return task.role_of(actor.unit_id) if actor and actor.unit_id else None


def allowed(action: Action, task: Task | None = None) -> bool:
    """Whether the current user may do ``action`` (on ``task``); for templates and views."""
    actor = current_actor()
    if actor is None:
        return False
    return can(actor, action, relation_to(task) if task is not None else None)


def require(action: Action, task: Task | None = None) -> None:
    """Abort with 403 unless the current user may do ``action`` (on ``task``)."""
    if not allowed(action, task):
        abort(403)
