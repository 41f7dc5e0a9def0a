"""Mapping tasks to level-3 indicators, with suggestions from the text of both."""

from __future__ import annotations

import sqlalchemy as sa

from tracker.domain.policy import Action
from tracker.extensions import db
from tracker.models import Task, User
from tracker.models.assessment import Indicator, TaskIndicator
from tracker.services import audit
from tracker.services.assessment.common import require
from tracker.services.assessment.suggestions import suggestions_for
from tracker.services.errors import ServiceError


def suggest_indicators(task: Task, set_id: int, limit: int = 5) -> list[tuple[Indicator, float]]:
    """The level-3 indicators of set ``set_id`` whose name and key points read most like
    the task's text: up to ``limit`` (indicator, score 0–1) pairs, best first, those with
    no shared character pair left out; the shared words are weighted by their rarity
    among the set's indicators (:mod:`.suggestions`, which also gives the reasons)."""
    return [(s.indicator, s.score) for s in suggestions_for(task, set_id, limit)]


def mapped_indicators(task: Task, set_id: int | None = None) -> list[Indicator]:
    """The indicators ``task`` is mapped to (of one set when ``set_id`` is given)."""
    query = (
        sa.select(Indicator)
        .join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
        .where(TaskIndicator.task_id == task.id)
        .order_by(Indicator.set_id, Indicator.position)
    )
    if set_id is not None:
        query = query.where(Indicator.set_id == set_id)
    return list(db.session.scalars(query))


def map_task(task: Task, indicator: Indicator, user: User | None) -> TaskIndicator:
    """Map ``task`` to a level-3 ``indicator`` (idempotent; audited). ``user`` None is the
    system (CLI). Raises :class:`ServiceError` for an indicator of level 1 or 2 and
    :class:`NotAllowed` for a user other than the office."""
    if user is not None:
        require(user, Action.MAP_INDICATORS)
    if indicator.level != 3:
        raise ServiceError("只能对应到三级指标", field="indicator_id")
    link = db.session.get(TaskIndicator, (task.id, indicator.id))
    if link is not None:
        return link
    link = TaskIndicator(task_id=task.id, indicator_id=indicator.id)
    db.session.add(link)
    audit.record("map", link, user=user, task_id=task.id, summary=f"对应指标：{indicator.name}")
    return link


def unmap_task(task: Task, indicator: Indicator, user: User | None) -> bool:
    """Remove the mapping of ``task`` to ``indicator`` (audited); False when there was none.
    Adjustments already proposed stay, for the assessor to decide."""
    if user is not None:
        require(user, Action.MAP_INDICATORS)
    link = db.session.get(TaskIndicator, (task.id, indicator.id))
    if link is None:
        return False
    before = audit.snapshot(link)
    audit.record(
        "unmap",
        link,
        user=user,
        task_id=task.id,
        before=before,
        summary=f"取消对应：{indicator.name}",
    )
    db.session.delete(link)
    db.session.flush()
    return True
