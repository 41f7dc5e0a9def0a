"""Large databases for the benchmarks and load tests, built fast: the Cixi demo loaded once
(``demo load``), then its plan copied ``copies`` times with bulk ``INSERT … SELECT``
statements (one per table), so that 350 copies (≈20,000 tasks, ≈70,000 reports) take
seconds on SQLite or PostgreSQL.

Each copy is a district's plan ("… #n"): its categories, measures, tasks, the tasks' units,
milestones, reports and contributions, with ids offset by ``n × (largest id)``. Units and
accounts are shared by every copy (unit ``unitNN`` leads its tasks in every district), which
is the worst case for one unit's pages and for write contention. Alerts, task states and
reminders are not copied: the scan and the reminder pass make them.

Used by ``scripts/bench_concurrency.py`` and ``scripts/load.py`` (and their tests); helper
``scan`` writes ``scripts/bench_scale.py`` for the national generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from tracker import create_app
from tracker import settings as app_settings
from tracker.extensions import db
from tracker.models import Task, TaskUnit, UnitRole, User
from tracker.services.demo import DEMO_PASSWORD, load_demo
from tracker.services.tokens import issue_token

#: The demo's clock: the Cixi plan ran 2019–2025.
DEMO_TODAY = date(2020, 11, 20)

#: Tables of one plan, parents first, and the table each foreign key column points into.
COPIED = ("plans", "categories", "measures", "tasks", "task_units", "milestones")
COPIED_REPORTS = ("progress_reports", "contributions")


@dataclass(frozen=True, slots=True)
class Install:
    """A built database: its URL and size."""

    url: str
    plans: int
    tasks: int
    reports: int
    users: int


def make_app(url: str, **config: Any) -> Flask:
    """The tracker on ``url`` with the demo's clock."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TRACKER_TODAY": DEMO_TODAY,
            "SECRET_KEY": "bench",
            **config,
        }
    )


def build(url: str, copies: int, *, reports: bool = True, **config: Any) -> Install:
    """Migrate the (empty) database at ``url``, load the demo and add ``copies`` copies of
    its plan. Returns what it holds."""
    app = make_app(url, **config)
    with app.app_context():
        upgrade(directory=str(_migrations()))
        load_demo(DEMO_TODAY, app_settings.current())
        db.session.commit()
        with db.engine.begin() as connection:
            replicate(connection, copies, reports=reports)
        install = describe(url)
        db.session.remove()
        db.engine.dispose()
    return install


def describe(url: str) -> Install:
    """The size of the database at ``url`` (inside an app context of it)."""

    def count(table: str) -> int:
        return int(db.session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() or 0)

    return Install(url, count("plans"), count("tasks"), count("progress_reports"), count("users"))


def replicate(connection: sa.Connection, copies: int, *, reports: bool = True) -> None:
    """Add ``copies`` copies of every plan row (and its children) on ``connection``."""
    if copies <= 0:
        return
    tables = [*COPIED, *(COPIED_REPORTS if reports else ())]
    metadata = db.metadata
    offsets = {
        name: int(connection.execute(sa.text(f"SELECT COALESCE(MAX(id), 0) FROM {name}")).scalar())
        for name in tables
        if "id" in metadata.tables[name].c
    }
    series = (
        "WITH RECURSIVE copy(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copy WHERE n < :copies) "
    )
    for name in tables:
        table = metadata.tables[name]
        columns, values = [], []
        for column in table.columns:
            columns.append(column.name)
            values.append(_copied_value(name, column, offsets))
        connection.execute(
            sa.text(
                f"INSERT INTO {name} ({', '.join(columns)}) {series}"
                f"SELECT {', '.join(values)} FROM {name} CROSS JOIN copy"
            ),
            {"copies": copies},
        )
    if connection.dialect.name == "postgresql":
        for name in offsets:
            connection.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT MAX(id) FROM {name}))"
                )
            )


def _copied_value(table: str, column: sa.Column[Any], offsets: dict[str, int]) -> str:
    name = column.name
    if name == "id" and table in offsets:
        return f"{name} + copy.n * {offsets[table]}"
    for key in column.foreign_keys:
        target = key.column.table.name
        if target in offsets:
            return f"{name} + copy.n * {offsets[target]}"
    if table == "plans" and name == "name":
        return "name || ' #' || CAST(copy.n AS VARCHAR(10))"
    return name


def unit_accounts(limit: int | None = None) -> list[str]:
    """Usernames of unit accounts that lead tasks (inside an app context)."""
    query = (
        sa.select(User.username)
        .where(User.unit_id.isnot(None), User.username.like("unit%"))
        .order_by(User.username)
    )
    names = list(db.session.scalars(query.limit(limit) if limit else query))
    return names


def tokens(usernames: list[str]) -> dict[str, str]:
    """A fresh API token for each account (committed)."""
    result = {}
    for username in usernames:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        assert user is not None, username
        result[username] = issue_token(user)
    db.session.commit()
    return result


def lead_tasks(username: str, limit: int) -> list[int]:
    """Up to ``limit`` tasks the account's unit leads, spread over the plans."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    assert user is not None and user.unit_id is not None
    query = (
        sa.select(Task.id)
        .join(TaskUnit, TaskUnit.task_id == Task.id)
        .where(TaskUnit.unit_id == user.unit_id, TaskUnit.role == UnitRole.LEAD)
        .order_by(Task.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _migrations() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "migrations"


__all__ = [
    "DEMO_PASSWORD",
    "DEMO_TODAY",
    "Install",
    "build",
    "describe",
    "lead_tasks",
    "make_app",
    "replicate",
    "tokens",
    "unit_accounts",
]
