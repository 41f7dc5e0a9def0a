"""Synthetic data for the dashboard: one plan of ``districts`` × 57 tasks with stored
states at every quarter end and today, reports, 批示 and supervision notices.

Used by the query-count tests and by ``scripts/bench_dashboard.py`` ("100 districts").
Written with bulk inserts; deterministic. Flushes; the caller commits.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from tracker.domain.lag import LagState
from tracker.domain.policy import Role, UnitRole
from tracker.extensions import db
from tracker.models import (
    Category,
    Instruction,
    Measure,
    Plan,
    ProgressReport,
    SupervisionNotice,
    Task,
    TaskState,
    TaskUnit,
    Unit,
    User,
)
from tracker.services.dashboard_states import backfill_dates

TASKS_PER_DISTRICT = 57
UNITS_PER_DISTRICT = 6
_STATES = [
    LagState.ON_TRACK,
    LagState.ON_TRACK,
    LagState.ON_TRACK,
    LagState.BEHIND,
    LagState.MISSED,
    LagState.OVERDUE,
    LagState.DUE_SOON,
    LagState.DONE,
]


def fill_districts(districts: int, today: date, name: str = "") -> int:
    """Write the plan; returns its id."""
    rng = random.Random(districts)
    plan = Plan(name=name or f"{districts} 个区县的合成方案", first_year=2019, last_year=2025)
    db.session.add(plan)
    db.session.flush()
    categories = [
        Category(plan_id=plan.id, position=i, name=f"（{i}）举措类{i}") for i in range(1, 9)
    ]
    db.session.add_all(categories)
    db.session.flush()
    measures = [
        Measure(category_id=c.id, position=j, name=f"{j}.举措{c.position}-{j}")
        for c in categories
        for j in range(1, 4)
    ]
    db.session.add_all(measures)
    db.session.flush()
    leader = User(username=f"bench-leader-{plan.id}", password_hash="x", role=Role.LEADER)
    db.session.add(leader)
    units = [
        Unit(name=f"合成{plan.id}区{d:03d}单位{u}")
        for d in range(districts)
        for u in range(UNITS_PER_DISTRICT)
    ]
    db.session.add_all(units)
    db.session.flush()
    tasks = [
        Task(
            plan_id=plan.id,
            measure_id=measures[n % len(measures)].id,
            position=d * TASKS_PER_DISTRICT + n,
            text=f"区县{d:03d}的第{n + 1}项任务",
        )
        for d in range(districts)
        for n in range(TASKS_PER_DISTRICT)
    ]
    db.session.add_all(tasks)
    db.session.flush()
    lead_of = {
        task.id: units[
            (task.position // TASKS_PER_DISTRICT) * UNITS_PER_DISTRICT
            + task.position % UNITS_PER_DISTRICT
        ].id
        for task in tasks
    }
    db.session.execute(
        sa.insert(TaskUnit),
        [
            {"task_id": t, "unit_id": u, "role": UnitRole.LEAD, "position": 0}
            for t, u in lead_of.items()
        ],
    )
    days = backfill_dates(plan, today)
    db.session.execute(
        sa.insert(TaskState),
        [
            {
                "task_id": t,
                "plan_id": plan.id,
                "as_of": day,
                "state": rng.choice(_STATES),
                "expected": 50.0,
                "actual": rng.uniform(20, 60),
            }
            for day in days
            for t in lead_of
        ],
    )
    quarter_ends = days[:-1]
    db.session.execute(
        sa.insert(ProgressReport),
        [
            {
                "task_id": t,
                "unit_id": u,
                "period": f"{end.year}Q{(end.month - 1) // 3 + 1}",
                "period_end": end,
                "status": "accepted",
                "submitted_on": end + timedelta(days=rng.randint(1, 14)),
            }
            for end in quarter_ends
            for t, u in lead_of.items()
        ],
    )
    some = list(lead_of.items())[:: max(1, len(lead_of) // (2 * districts))]
    db.session.execute(
        sa.insert(Instruction),
        [{"task_id": t, "author_id": leader.id, "text": "请加快进度。"} for t, _ in some],
    )
    db.session.execute(
        sa.insert(SupervisionNotice),
        [
            {
                "prefix": f"合成{plan.id}",
                "year": 2020,
                "sequence": i,
                "number": f"合成{plan.id}督〔2020〕{i}号",
                "key": f"bench:{plan.id}:{i}",
                "plan_id": plan.id,
                "task_id": t,
                "unit_id": u,
                "overdue_text": "逾期未报",
                "issued_on": today,
                "new_deadline": today,
            }
            for i, (t, u) in enumerate(some, start=1)
        ],
    )
    db.session.flush()
    return plan.id
