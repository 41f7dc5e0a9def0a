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
from tracker.unit_of_work import JOB_WAIT_MS, begin_writes, end_reads


def assess_plan_units(set_id: int, plan_id: int) -> Resolution:
    """Map each task of the plan to its first suggestion in the set and resolve the set's
    assessed units against the plan (the system acting). The suggestions are computed
    first, in a transaction of reads; then the mappings are written in one that takes
    SQLite's write lock (issue 18 §1). Commits what the caller wrote before; flushes."""
    end_reads()
    tasks = list(
        db.session.scalars(sa.select(Task).where(Task.plan_id == plan_id).order_by(Task.id))
    )
    found = [(task, suggestions_for(task, set_id, limit=1)) for task in tasks]
    begin_writes(JOB_WAIT_MS)
    for task, suggestions in found:
        if suggestions:
            map_task(task, suggestions[0].indicator, None)
    db.session.flush()
    return resolve_set(set_id, plan_id, None)
