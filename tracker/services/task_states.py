"""The tasks' current lag states: the scan's stored ones, fresh where facts moved on.

:func:`current_states` is what the ledger, the dashboard and the API read instead of
assessing every task per request (issue 14 §1, §3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from config.settings import LagThresholds
from tracker.domain.lag import LagState, assess_task
from tracker.extensions import db
from tracker.models import TaskState
from tracker.services.calendar import load_calendar
from tracker.services.scan_facts import Scope, fingerprints, load_tasks, plan_rules

#: Past this many stale tasks, the facts of the whole plan are loaded (one IN list less).
_WHOLE_PLAN = 2000


@dataclass(frozen=True, slots=True)
class StateRow:
    """One task's lag state as of a day: ``expected`` and ``actual`` in the task's
    milestone unit (None where there is none); ``stored`` is False when the state was
    assessed for this call because the scan's row was missing or older than the facts."""

    task_id: int
    plan_id: int
    state: LagState
    expected: float | None
    actual: float | None
    stored: bool = True

    def to_json(self) -> dict[str, object]:
        """``{"id", "state", "expected", "actual"}`` (values rounded to 2 decimals)."""
        return {
            "id": self.task_id,
            "state": str(self.state),
            "expected": None if self.expected is None else round(self.expected, 2),
            "actual": None if self.actual is None else round(self.actual, 2),
        }


def current_states(
    plan_id: int,
    as_of: date,
    task_ids: Iterable[int] | None = None,
    *,
    lag: LagThresholds,
) -> dict[int, StateRow]:
    """The lag state as of ``as_of`` (under the thresholds ``lag``) of every task of the
    plan ``plan_id``, or of its tasks among ``task_ids``, by task id.

    A task's :class:`~tracker.models.TaskState` row of that day is used when it carries
    the fingerprint of the task's current facts (no report submitted, reviewed or
    corrected, no milestone corrected, not closed since it was scanned); any other task
    (no row yet — the day's scan has not run — or facts newer than the row) is assessed
    in memory, the same way as the scan does, and nothing is written: safe in a GET.

    Costs a bounded number of queries whatever the plan's size: the calendar, the plan,
    three grouped fingerprint queries, the stored rows, and four more only when some task
    is stale. An unknown plan gives ``{}``. Tasks archived or deleted are not included.
    """
    calendar = load_calendar()
    rules = plan_rules(as_of, calendar, lag, plan_id)
    if plan_id not in rules:
        return {}
    ids = None if task_ids is None else list(task_ids)
    scope: Scope = plan_id if ids is None else ids
    current = fingerprints(scope, rules)
    query = sa.select(
        TaskState.task_id,
        TaskState.fingerprint,
        TaskState.state,
        TaskState.expected,
        TaskState.actual,
    ).where(TaskState.plan_id == plan_id, TaskState.as_of == as_of)
    if ids is not None:
        query = query.where(TaskState.task_id.in_(ids))
    found: dict[int, StateRow] = {}
    for tid, fingerprint, state, expected, actual in db.session.execute(query):
        if tid in current and fingerprint == current[tid]:
            found[tid] = StateRow(tid, plan_id, state, expected, actual)
    stale = [tid for tid in current if tid not in found]
    if stale:
        plan = rules[plan_id]
        for row in load_tasks(plan_id if len(stale) > _WHOLE_PLAN else stale):
            if row.id in found or row.id not in current:
                continue
            done = assess_task(row.facts(plan), as_of, calendar, plan.settings)
            found[row.id] = StateRow(
                row.id, plan_id, done.state, done.expected, done.actual, stored=False
            )
    return found
