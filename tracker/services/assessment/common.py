"""What the assessment modules share: decision statuses, the permission check, rule specs
and lookups by id."""

from __future__ import annotations

import json
from typing import Any, Literal

from tracker.domain.policy import Action, Actor, Role, can
from tracker.domain.scoring import RuleSpec
from tracker.extensions import db
from tracker.models import User
from tracker.models.assessment import ScoreAdjustment, ScoringRule
from tracker.services.errors import NotFound, ServiceError

#: Statuses whose points count in a score.
COUNTED = frozenset({"confirmed", "changed"})
#: Statuses an assessor has decided.
DECIDED = frozenset({"confirmed", "changed", "rejected"})

Decision = Literal["confirm", "change", "reject"]


class NotAllowed(ServiceError):
    """The user may not take this step (wrong role or not the unit concerned)."""


def actor(user: User) -> Actor:
    """The policy's view of ``user``: role, unit, approver flag."""
    return Actor(role=Role(user.role), unit_id=user.unit_id, approver=bool(user.is_approver))


def require(user: User, action: Action) -> None:
    """Raises :class:`NotAllowed` unless ``user`` may take ``action``."""
    if not can(actor(user), action):
        raise NotAllowed("无权进行此操作")


def required_text(value: str, label: str, name: str) -> str:
    """``value`` stripped; raises :class:`ServiceError` (field ``name``) when empty."""
    text = (value or "").strip()
    if not text:
        raise ServiceError(f"请填写{label}", field=name)
    return text


def rule_spec_of(row: ScoringRule) -> RuleSpec:
    """The :class:`RuleSpec` a stored rule was saved from (``params`` holds its
    ``to_json``); ``kind``, ``source`` and ``needs_review`` come from the row's columns."""
    params: dict[str, Any] = json.loads(row.params or "{}")
    params.update(kind=row.kind, source=row.source, needs_review=row.needs_review)
    return RuleSpec.from_json(params)


def get_adjustment(adjustment_id: int) -> ScoreAdjustment:
    """A score adjustment by id; raises :class:`NotFound`."""
    adjustment = db.session.get(ScoreAdjustment, adjustment_id)
    if adjustment is None:
        raise NotFound("没有这条扣分记录")
    return adjustment
