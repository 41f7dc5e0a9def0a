"""The matrix of a plan's tasks by year (issue 13 §2): each task's stored state at each
year's end (the current year: the newest stored day), for a table of coloured cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from tracker.domain.lag import LagState
from tracker.extensions import db
from tracker.models import Category, Measure, Plan, Task, TaskState
from tracker.services.dashboard import get_plan, stored_days


@dataclass
class MatrixRow:
    """A task with its category and its state per year (None: nothing stored)."""

    task_id: int
    text: str
    category: str
    states: dict[int, LagState] = field(default_factory=dict)


@dataclass
class Matrix:
    """The plan, the years (columns), the day each year's column is of, and the rows."""

    plan: Plan
    years: list[int]
    days: dict[int, date]
    rows: list[MatrixRow]


def build_matrix(plan_id: int, today: date) -> Matrix:
    """Every task of ``plan_id`` by year of the plan up to ``today``. Raises NotFound."""
    plan = get_plan(plan_id)
    stored = stored_days(plan.id, today)
    days: dict[int, date] = {}
    for day in stored:  # the last stored day of each year
        days[day.year] = day
    years = list(range(plan.first_year, plan.last_year + 1))
    rows: dict[int, MatrixRow] = {}
    query = (
        sa.select(Task.id, Task.text, Category.name)
        .join(Measure, Measure.id == Task.measure_id)
        .join(Category, Category.id == Measure.category_id)
        .where(Task.plan_id == plan.id)
        .order_by(Task.position)
    )
    for task_id, text, category in db.session.execute(query):
        rows[task_id] = MatrixRow(task_id, text, category)
    if days:
        states = sa.select(TaskState.task_id, TaskState.as_of, TaskState.state).where(
            TaskState.plan_id == plan.id, TaskState.as_of.in_(list(days.values()))
        )
        for task_id, as_of, state in db.session.execute(states):
            if task_id in rows:
                rows[task_id].states[as_of.year] = LagState(state)
    return Matrix(plan=plan, years=years, days=days, rows=list(rows.values()))
