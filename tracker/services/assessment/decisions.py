"""An assessor's decisions on proposed adjustments, a unit's appeal and its answer
(issue 5 §3). Every change is audited; the caller commits."""

from __future__ import annotations

import sqlalchemy as sa

from tracker.domain.policy import Action, Role
from tracker.extensions import db
from tracker.models import User
from tracker.models._types import utcnow
from tracker.models.assessment import ScoreAdjustment
from tracker.services import audit
from tracker.services.assessment.common import (
    COUNTED,
    Decision,
    NotAllowed,
    require,
    required_text,
)
from tracker.services.errors import Conflict, ServiceError


def _checked_points(adjustment: ScoreAdjustment, points: float | None) -> float:
    if points is None:
        raise ServiceError("请填写分值", field="points")
    value = float(points)
    if adjustment.proposed_points < 0 and value > 0:
        raise ServiceError("扣分应为负数或零", field="points")
    if adjustment.proposed_points > 0 and value < 0:
        raise ServiceError("加分应为正数或零", field="points")
    return value


def decide(
    adjustment: ScoreAdjustment,
    assessor: User,
    decision: Decision,
    points: float | None = None,
    reason: str = "",
) -> ScoreAdjustment:
    """Confirm (points = proposed), change (``points`` required: ≤ 0 for a deduction,
    ≥ 0 for a bonus) or reject (points 0) a proposal; ``reason`` is required to change or
    reject. A decision may be revised until the unit appeals. Audited.

    Raises :class:`NotAllowed` unless the user is an assessor, :class:`ServiceError`
    (field "decision", "points" or "reason") for bad input, :class:`Conflict` once an
    appeal is filed.
    """
    require(assessor, Action.REVIEW_ASSESSMENT)
    if adjustment.appealed_at is not None:
        raise Conflict("该扣分已申诉，请答复申诉")
    before = audit.snapshot(adjustment)
    if decision == "confirm":
        adjustment.points = adjustment.proposed_points
        adjustment.reason = (reason or "").strip()
        adjustment.status = "confirmed"
    elif decision == "change":
        text = required_text(reason, "调整理由", "reason")
        adjustment.points = _checked_points(adjustment, points)
        adjustment.reason = text
        adjustment.status = "changed"
    elif decision == "reject":
        adjustment.reason = required_text(reason, "不予扣分的理由", "reason")
        adjustment.points = 0.0
        adjustment.status = "rejected"
    else:
        raise ServiceError("未知的决定", field="decision")
    adjustment.decided_by_id = assessor.id
    adjustment.decided_at = utcnow()
    audit.record(decision, adjustment, user=assessor, task_id=adjustment.task_id, before=before)
    return adjustment


def appeal(adjustment: ScoreAdjustment, unit_user: User, reason: str) -> ScoreAdjustment:
    """A unit's appeal (申诉) of a confirmed or changed adjustment on that unit, with a
    reason; once only. Audited. Raises :class:`NotAllowed` for a user not of that unit,
    :class:`Conflict` for an undecided or rejected adjustment or a second appeal, and
    :class:`ServiceError` (field "reason") without a reason."""
    if unit_user.role != Role.UNIT or unit_user.unit_id != adjustment.unit_id:
        raise NotAllowed("只有被扣分单位可以申诉")
    if adjustment.status not in COUNTED:
        raise Conflict("只能对已确认的扣分申诉")
    if adjustment.appealed_at is not None:
        raise Conflict("每项扣分只能申诉一次")
    text = required_text(reason, "申诉理由", "reason")
    before = audit.snapshot(adjustment)
    adjustment.appeal = text
    adjustment.appealed_at = utcnow()
    audit.record("appeal", adjustment, user=unit_user, task_id=adjustment.task_id, before=before)
    return adjustment


def answer_appeal(
    adjustment: ScoreAdjustment, assessor: User, answer: str, points: float | None = None
) -> ScoreAdjustment:
    """The assessor's answer to an appeal; with ``points`` the adjustment is changed to
    them (same sign rules as :func:`decide`), else it stands. Audited. Raises
    :class:`NotAllowed`, :class:`Conflict` (no appeal, or answered already) and
    :class:`ServiceError` (field "answer" or "points")."""
    require(assessor, Action.REVIEW_ASSESSMENT)
    if adjustment.appealed_at is None:
        raise Conflict("该扣分没有申诉")
    if adjustment.appeal_answered_at is not None:
        raise Conflict("申诉已答复")
    text = required_text(answer, "答复", "answer")
    before = audit.snapshot(adjustment)
    if points is not None:
        adjustment.points = _checked_points(adjustment, points)
        adjustment.status = "changed"
        adjustment.decided_by_id = assessor.id
        adjustment.decided_at = utcnow()
    adjustment.appeal_answer = text
    adjustment.appeal_answered_at = utcnow()
    audit.record(
        "answer_appeal", adjustment, user=assessor, task_id=adjustment.task_id, before=before
    )
    return adjustment


def adjustments_of(
    set_id: int, plan_id: int, unit_id: int | None = None, status: str | None = None
) -> list[ScoreAdjustment]:
    """The adjustments of a set and plan (of one unit / status when given), oldest first."""
    query = sa.select(ScoreAdjustment).where(
        ScoreAdjustment.set_id == set_id, ScoreAdjustment.plan_id == plan_id
    )
    if unit_id is not None:
        query = query.where(ScoreAdjustment.unit_id == unit_id)
    if status is not None:
        query = query.where(ScoreAdjustment.status == status)
    return list(db.session.scalars(query.order_by(ScoreAdjustment.id)))
