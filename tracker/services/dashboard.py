"""The leaders' overview (issue 13): a plan's figures from the stored scan results.

Every figure is a set-based query (``GROUP BY``) over :class:`~tracker.models.TaskState`
and its neighbours; nothing is assessed per request, so the number of queries does not
grow with the number of tasks. "Now" is the newest stored day of the plan up to
``today``; "the last period" is the newest stored quarter end before that day's quarter.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from tracker.domain.lag import URGENCY, LagState
from tracker.extensions import db
from tracker.models import Category, Instruction, Measure, Plan, Task, TaskState
from tracker.services.dashboard_states import quarter_ends
from tracker.services.dashboard_units import UnitRow, league_table
from tracker.services.errors import NotFound
from tracker.services.paging import Page, page_of

#: States that say a task is lagging, most urgent first (the "most lagging" list).
LAGGING = (LagState.OVERDUE, LagState.MISSED, LagState.BEHIND)

#: How many lagging tasks the overview lists.
LAGGING_LIMIT = 10


@dataclass(frozen=True, slots=True)
class StateCount:
    """One state's count now, at the last period, and the change."""

    state: LagState
    count: int
    previous: int | None

    @property
    def change(self) -> int | None:
        """Now minus the last period (None when there is no last period)."""
        return None if self.previous is None else self.count - self.previous


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """A category (主要举措) with its tasks' counts by state."""

    category_id: int
    name: str
    counts: Counter[LagState]

    @property
    def total(self) -> int:
        """Tasks of the category."""
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """The counts by state on one day (a quarter end, or now)."""

    as_of: date
    counts: Counter[LagState]

    @property
    def label(self) -> str:
        """``2020Q3`` for a quarter end, else the day (``2020-11-20``)."""
        if (self.as_of.month, self.as_of.day) in _QUARTER_END_DAYS:
            return f"{self.as_of.year}Q{(self.as_of.month - 1) // 3 + 1}"
        return self.as_of.isoformat()


_QUARTER_END_DAYS = frozenset({(3, 31), (6, 30), (9, 30), (12, 31)})


@dataclass(frozen=True, slots=True)
class LaggingTask:
    """A lagging task with its state, expected and actual values."""

    task_id: int
    text: str
    state: LagState
    expected: float | None
    actual: float | None

    @property
    def gap(self) -> float | None:
        """How far behind, in the task's unit (None when not comparable)."""
        if self.expected is None or self.actual is None:
            return None
        return self.expected - self.actual


@dataclass(frozen=True, slots=True)
class InstructionRow:
    """A 批示 with its task and answer."""

    instruction_id: int
    task_id: int
    task_text: str
    text: str
    created_at: datetime
    answer: str
    answered_at: datetime | None


@dataclass
class Dashboard:
    """Everything the overview shows for one plan."""

    plan: Plan
    as_of: date | None
    previous_as_of: date | None
    states: list[StateCount] = field(default_factory=list)
    categories: list[CategoryRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    idle_units: list[UnitRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    lagging: list[LaggingTask] = field(default_factory=list)
    instructions: list[InstructionRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Tasks with a state now."""
        return sum(item.count for item in self.states)


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """One plan's counts by state on its newest stored day (the across-plans table)."""

    plan_id: int
    name: str
    as_of: date | None
    counts: Counter[LagState]


def get_plan(plan_id: int) -> Plan:
    """The plan alone (no tree: the overview reads its figures by query); NotFound."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的方案")
    return plan


def stored_days(plan_id: int, today: date) -> list[date]:
    """The days with stored states of ``plan_id`` up to ``today``, oldest first."""
    query = (
        sa.select(TaskState.as_of)
        .where(TaskState.plan_id == plan_id, TaskState.as_of <= today)
        .group_by(TaskState.as_of)
        .order_by(TaskState.as_of)
    )
    return list(db.session.scalars(query))


def build_dashboard(plan_id: int, today: date, *, author_id: int | None = None) -> Dashboard:
    """The overview of ``plan_id`` as stored up to ``today``; ``author_id`` limits the
    批示 to one leader's (None: every 批示 of the plan). Raises NotFound."""
    plan = get_plan(plan_id)
    days = stored_days(plan.id, today)
    if not days:
        return Dashboard(plan=plan, as_of=None, previous_as_of=None)
    now = days[-1]
    trend_days = [d for d in days if d in set(quarter_ends(plan.start, now))] + [now]
    previous = _previous_period(trend_days, now)
    by_day = _counts_by_day(plan.id, trend_days)
    current = by_day.get(now, Counter())
    before = by_day.get(previous, Counter()) if previous else None
    units, idle = league_table(plan, now, previous)
    return Dashboard(
        plan=plan,
        as_of=now,
        previous_as_of=previous,
        states=[
            StateCount(state, current[state], None if before is None else before[state])
            for state in URGENCY
            if current[state] or (before is not None and before[state])
        ],
        categories=_categories(plan.id, now),
        units=units,
        idle_units=idle,
        trend=[TrendPoint(day, by_day.get(day, Counter())) for day in trend_days],
        lagging=_lagging(plan.id, now),
        instructions=_instructions(plan.id, author_id),
    )


def _previous_period(trend_days: list[date], now: date) -> date | None:
    """The newest stored quarter end before the quarter of ``now``."""
    quarter_start = date(now.year, (now.month - 1) // 3 * 3 + 1, 1)
    before = [d for d in trend_days if d < quarter_start and d != now]
    return before[-1] if before else None


def _counts_by_day(plan_id: int, days: list[date]) -> dict[date, Counter[LagState]]:
    query = (
        sa.select(TaskState.as_of, TaskState.state, sa.func.count())
        .where(TaskState.plan_id == plan_id, TaskState.as_of.in_(days))
        .group_by(TaskState.as_of, TaskState.state)
    )
    found: dict[date, Counter[LagState]] = {}
    for as_of, state, count in db.session.execute(query):
        found.setdefault(as_of, Counter())[LagState(state)] = count
    return found


def _categories(plan_id: int, now: date) -> list[CategoryRow]:
    query = (
        sa.select(Category.id, Category.name, TaskState.state, sa.func.count())
        .join(Measure, Measure.category_id == Category.id)
        .join(Task, Task.measure_id == Measure.id)
        .join(TaskState, TaskState.task_id == Task.id)
        .where(TaskState.plan_id == plan_id, TaskState.as_of == now)
        .group_by(Category.id, Category.name, Category.position, TaskState.state)
        .order_by(Category.position)
    )
    rows: dict[int, CategoryRow] = {}
    for category_id, name, state, count in db.session.execute(query):
        row = rows.setdefault(category_id, CategoryRow(category_id, name, Counter()))
        row.counts[LagState(state)] = count
    return list(rows.values())


def _lagging(plan_id: int, now: date) -> list[LaggingTask]:
    urgency = sa.case(
        {state.value: rank for rank, state in enumerate(LAGGING)}, value=TaskState.state
    )
    shortfall = sa.case(
        (
            sa.and_(TaskState.expected > 0, TaskState.actual.is_not(None)),
            (TaskState.expected - TaskState.actual) / TaskState.expected,
        ),
        else_=1.0,
    )
    query = (
        sa.select(Task.id, Task.text, TaskState.state, TaskState.expected, TaskState.actual)
        .join(TaskState, TaskState.task_id == Task.id)
        .where(
            TaskState.plan_id == plan_id,
            TaskState.as_of == now,
            TaskState.state.in_([s.value for s in LAGGING]),
        )
        .order_by(urgency, shortfall.desc(), Task.position)
        .limit(LAGGING_LIMIT)
    )
    return [
        LaggingTask(task_id, text, LagState(state), expected, actual)
        for task_id, text, state, expected, actual in db.session.execute(query)
    ]


def _instructions(plan_id: int, author_id: int | None) -> list[InstructionRow]:
    query = (
        sa.select(
            Instruction.id,
            Task.id,
            Task.text,
            Instruction.text,
            Instruction.created_at,
            Instruction.answer,
            Instruction.answered_at,
        )
        .join(Task, Task.id == Instruction.task_id)
        .where(Task.plan_id == plan_id)
        .order_by(Instruction.answered_at.is_not(None), Instruction.created_at.desc())
        .limit(50)
    )
    if author_id is not None:
        query = query.where(Instruction.author_id == author_id)
    return [InstructionRow(*row) for row in db.session.execute(query)]


def plans_overview(today: date, page: int = 1) -> Page[PlanSummary]:
    """Page ``page`` (clamped; 50 plans, newest first) of the plans with their counts by
    state on each one's newest stored day up to ``today``: three queries whatever the
    number of plans (their count, the page's plans, their stored states grouped)."""
    shown = page_of(sa.select(Plan).order_by(Plan.id.desc()), page)
    ids = [plan.id for plan in shown.items]
    newest = (
        sa.select(TaskState.plan_id, sa.func.max(TaskState.as_of).label("as_of"))
        .where(TaskState.as_of <= today, TaskState.plan_id.in_(ids))
        .group_by(TaskState.plan_id)
        .subquery()
    )
    query = (
        sa.select(TaskState.plan_id, newest.c.as_of, TaskState.state, sa.func.count())
        .join(
            newest,
            sa.and_(newest.c.plan_id == TaskState.plan_id, newest.c.as_of == TaskState.as_of),
        )
        .group_by(TaskState.plan_id, newest.c.as_of, TaskState.state)
    )
    found: dict[int, tuple[date, Counter[LagState]]] = {}
    for plan_id, as_of, state, count in db.session.execute(query) if ids else ():
        found.setdefault(plan_id, (as_of, Counter()))[1][LagState(state)] = count
    summaries = [
        PlanSummary(
            plan.id,
            plan.name,
            found[plan.id][0] if plan.id in found else None,
            found[plan.id][1] if plan.id in found else Counter(),
        )
        for plan in shown.items
    ]
    return Page(summaries, shown.page, shown.pages, shown.total)
