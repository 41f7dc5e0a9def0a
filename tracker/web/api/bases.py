"""Base-year actuals of ``/api/v1`` (issue 10 §2): what the report form's 基期值 field does.

A relative target ("较2022年下降8%") has no concrete target until its base year's actual is
known; the lead unit gives it here, as on the report form (:mod:`tracker.services.bases`).
"""

from __future__ import annotations

from tracker.domain.milestones import missing_base_message
from tracker.domain.policy import Action
from tracker.models import Task
from tracker.services import bases
from tracker.web.api import bp
from tracker.web.api.auth import addressed, api_user, task_for
from tracker.web.api.responses import Out
from tracker.web.api.schemas import Body, Value
from tracker.web.api.spec import answers, spec


class BaseValue(Body):
    """``PUT /tasks/{task_id}/bases/{year}``: the base year's actual."""

    value: Value


class BaseStored(Out):
    """The stored base and the base years the task still lacks, with their messages."""

    task_id: int
    base_year: int
    base_value: float
    missing_bases: list[int]
    notes: list[str]


@bp.put("/tasks/<int:task_id>/bases/<int:year>")
@addressed("task", task_for(Action.REPORT))
@spec.validate(resp=answers(BaseStored, 400, 403, 404, 415, 422))
def put_base(task: Task, year: int, json: BaseValue) -> BaseStored:
    """牵头单位填写基期值

    The actual of ``year`` for the task's targets relative to it (audited); the task's
    "缺少…基期值" review reason goes once no base is missing. 403 unless the user's unit
    leads the task; 422 when no target of the task has that base year."""
    bases.record_base(task, year, json.value, user=api_user())
    missing = list(bases.missing_bases(task))
    return BaseStored(
        task_id=task.id,
        base_year=year,
        base_value=json.value,
        missing_bases=missing,
        notes=[missing_base_message(y) for y in missing],
    )
