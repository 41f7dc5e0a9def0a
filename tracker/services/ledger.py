"""The ledger (台账): a plan's tasks with their lag states, filtered."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from config.settings import LagThresholds
from tracker.domain.lag import LagState
from tracker.models import Plan, Unit
from tracker.services import plans
from tracker.services.scan import TaskStatus, assess_plan
from tracker.services.tasks import units_of_plan


@dataclass(frozen=True, slots=True)
class LedgerFilter:
    """Filters of the ledger page; ``visible_unit_id`` limits a unit user to its tasks."""

    unit_id: int | None = None
    state: LagState | None = None
    category_id: int | None = None
    visible_unit_id: int | None = None


@dataclass
class Ledger:
    """A plan, the statuses that pass the filter, counts by state, and filter choices."""

    plan: Plan
    as_of: date
    statuses: list[TaskStatus]
    counts: Counter[LagState] = field(default_factory=Counter)
    units: list[Unit] = field(default_factory=list)
    total: int = 0


def build_ledger(plan_id: int, as_of: date, filters: LedgerFilter, *, lag: LagThresholds) -> Ledger:
    """The ledger of one plan as of ``as_of`` under the thresholds ``lag``. Raises
    NotFound for an unknown plan."""
    plan = plans.get_plan(plan_id)
    statuses = assess_plan(plan, as_of, lag=lag)
    if filters.visible_unit_id is not None:
        statuses = [s for s in statuses if s.task.role_of(filters.visible_unit_id) is not None]
    counts = Counter(status.state for status in statuses)
    total = len(statuses)
    if filters.unit_id is not None:
        statuses = [s for s in statuses if s.task.role_of(filters.unit_id) is not None]
    if filters.category_id is not None:
        statuses = [s for s in statuses if s.task.measure.category_id == filters.category_id]
    if filters.state is not None:
        statuses = [s for s in statuses if s.state is filters.state]
    return Ledger(
        plan=plan,
        as_of=as_of,
        statuses=statuses,
        counts=counts,
        units=units_of_plan(plan.id),
        total=total,
    )
