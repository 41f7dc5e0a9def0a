"""The demo's assessment (issue 11 §5): every task of the plan mapped to the indicator
suggested first, then the rubric's 考核对象 resolved to the plan's units, so that every
lead unit has a scorecard with indicators."""

from __future__ import annotations

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Task
from tracker.services.assessed_units import Resolution, resolve_set
from tracker.services.assessment.mapping import map_task
from tracker.services.assessment.suggestions import suggestions_for


def assess_plan_units(set_id: int, plan_id: int) -> Resolution:
    """Map each task of the plan to its first suggestion in the set and resolve the set's
    assessed units against the plan (the system acting). Flushes."""
    tasks = db.session.scalars(sa.select(Task).where(Task.plan_id == plan_id).order_by(Task.id))
    for task in tasks:
        found = suggestions_for(task, set_id, limit=1)
        if found:
            map_task(task, found[0].indicator, None)
    db.session.flush()
    return resolve_set(set_id, plan_id, None)
