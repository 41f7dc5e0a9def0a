"""Every page flat (issue 14 §3, issue 18 §3): one GET of each list page and page a user
opens often runs as many SQL statements with 100 districts as with one, for every role
that can read it.

The demo is loaded once (one district); each page's statements are counted as each role;
then 99 copies of the district (its plan, reports, alerts, reminders, notices, 批示,
inspections, problems, stored states, and units and accounts of their own) and one
province-wide plan of 20 copies are added with bulk ``INSERT … SELECT``
(scripts/district_copies.py, the bench's own copying code), and every count is taken again.
The ledger, matrix and plan pages compare the district's plan at one district with the
province-wide plan at 100, so that a plan which grows is measured too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from scripts import district_copies
from tests.functional.api_helpers import API, cli_token
from tests.functional.helpers import login
from tracker import settings as app_settings
from tracker.clock import today
from tracker.extensions import db
from tracker.models import Alert, Category, Plan, Reminder, SupervisionNotice, Task, TaskUnit
from tracker.services.demo import DEMO_PASSWORD, load_demo

ROLES = ("office", "leader", "unit01", "admin", "assessor")
DISTRICTS = 100
PROVINCE_COPIES = 20

#: The pages: a path with ``{plan}``, ``{task}``, ``{notice}``, ``{inspection}``,
#: ``{problem}``, ``{set}``, ``{unit}``, ``{category}`` filled from the database; ``{plan}``
#: is the district's plan at one district and the province-wide plan at 100, ``{unit}`` and
#: ``{category}`` the first unit and category of that plan (the ledger's filters).
PAGES = (
    "/inbox/",
    "/inbox/?unread=1&page=2",
    "/notifications",
    "/notifications?page=2",
    "/my",
    "/review/reports",
    "/review",
    "/notices",
    "/notices/{notice}",
    "/plans/{plan}",
    "/plans/{plan}?state=behind&page=2",
    "/plans/{plan}?page=999",
    "/plans/{plan}?unit={unit}",
    "/plans/{plan}?category={category}",
    "/plans/{plan}?unit={unit}&state=on_track&category={category}",
    "/tasks/{task}",
    "/dashboard",
    "/dashboard?plan={plan}",
    "/plans/{plan}/matrix",
    "/inspections",
    "/inspections/{inspection}",
    "/problems",
    "/problems/{problem}",
    "/debriefings",
    "/closed-tasks",
    "/admin/units",
    "/admin/users",
    "/admin/accounts",
    "/admin/plans",
    "/assessment",
    "/assessment/{set}/plans/{plan}",
    "/assessment/{set}/units",
    "/assessment/{set}/self",
    f"{API}/reports",
    f"{API}/tasks?plan={{plan}}",
    f"{API}/tasks",
    f"{API}/tasks?plan={{plan}}&state=behind&page=2",
    f"{API}/tasks?plan={{plan}}&unit={{unit}}&state=on_track",
    f"{API}/tasks/{{task}}/reports",
    f"{API}/tasks/{{task}}/history",
    f"{API}/notifications",
    f"{API}/my/owed",
    f"{API}/my/contributions",
    f"{API}/units",
    f"{API}/users",
    f"{API}/inspections",
    f"{API}/problems",
    f"{API}/debriefings",
    f"{API}/plans/{{plan}}/dashboard",
    f"{API}/plans",
    f"{API}/plans?page=2",
    "/dashboard?page=2",
)


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


@dataclass
class World:
    """The counts at one district, and what fills the paths at one and at 100."""

    small: dict[str, int]
    large: dict[str, int]
    tokens: dict[str, str]
    counts: dict[tuple[str, str], tuple[int, list[str]]] = field(default_factory=dict)


def _ids(plan_id: int) -> dict[str, int]:
    """The ids the paths name, for the plan ``plan_id``."""
    first = sa.func.min

    def one(query: sa.Select[tuple[int]]) -> int:
        found = db.session.scalar(query)
        assert found is not None, str(query)
        return int(found)

    return {
        "plan": plan_id,
        "task": one(sa.select(first(Task.id)).where(Task.plan_id == plan_id)),
        "notice": one(sa.select(first(SupervisionNotice.id))),
        "inspection": one(sa.text("SELECT min(id) FROM inspections")),  # type: ignore[arg-type]
        "problem": one(sa.text("SELECT min(id) FROM problems")),  # type: ignore[arg-type]
        "set": one(sa.text("SELECT min(id) FROM indicator_sets")),  # type: ignore[arg-type]
        "unit": one(
            sa.select(first(TaskUnit.unit_id))
            .join(Task, Task.id == TaskUnit.task_id)
            .where(Task.plan_id == plan_id)
        ),
        "category": one(sa.select(first(Category.id)).where(Category.plan_id == plan_id)),
    }


def _get(client: FlaskClient, path: str, role: str, world: World) -> tuple[int, list[str]]:
    """The status and the statements of one GET of ``path`` (after one to warm caches)."""
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if path.startswith(API) else {}
    client.get(path, headers=headers)
    with counted(client.application) as statements:
        response = client.get(path, headers=headers)
    return response.status_code, statements


def _clients(app: Flask) -> dict[str, FlaskClient]:
    found = {}
    for role in ROLES:
        client = app.test_client()
        login(client, role, DEMO_PASSWORD)
        found[role] = client
    return found


def _grow(app: Flask) -> int:
    """Add the copies (see the module docstring); the province-wide plan's id."""
    with app.app_context():
        conn = db.session.connection()
        tables = {
            **district_copies.PEOPLE_TABLES,
            **district_copies.PLAN_TABLES,
            **district_copies.LISTED_TABLES,
        }
        top = district_copies.tops(conn, [tables])
        district_copies.copy_districts(conn, 1, DISTRICTS - 1, tables=tables, top=top)
        province = {
            **district_copies.PLAN_TABLES,
            "task_states": district_copies.LISTED_TABLES["task_states"],
        }
        last = DISTRICTS + PROVINCE_COPIES - 1
        district_copies.copy_districts(
            conn, DISTRICTS, last, same_plan=True, tables=province, top=top
        )
        district_copies.reset_sequences(conn, tables)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Alert.id))) >= DISTRICTS
        assert db.session.scalar(sa.select(sa.func.count(Reminder.id))) >= DISTRICTS
        return int(db.session.scalar(sa.select(sa.func.max(Plan.id))) or 0)


@pytest.fixture(scope="module")
def world(app: Flask, shared_db: None) -> World:
    """The demo, every page counted at one district, then the copies."""
    with app.app_context():
        plan_id = load_demo(today(), app_settings.current()).plan_id
        db.session.commit()
        small = _ids(plan_id)
    runner = app.test_cli_runner()
    tokens = {role: cli_token(runner, role) for role in ROLES}
    built = World(small=small, large={}, tokens=tokens)
    clients = _clients(app)
    for path in PAGES:
        for role, client in clients.items():
            status, statements = _get(client, path.format(**small), role, built)
            if status == 200:
                built.counts[(path, role)] = (len(statements), statements)
    big_plan = _grow(app)
    with app.app_context():
        grown = _ids(big_plan)
        built.large = {**small, **{key: grown[key] for key in ("plan", "unit", "category")}}
    return built


@pytest.mark.parametrize("path", PAGES)
def test_a_page_runs_as_many_queries_at_100_districts_as_at_one(
    app: Flask, world: World, path: str
) -> None:
    """Each role that reads the page at one district reads it at 100 with the same
    number of SQL statements (the statements of both are shown when they differ)."""
    roles = [role for role in ROLES if (path, role) in world.counts]
    assert roles, f"{path}: no role reads it"
    grown = []
    clients = _clients(app)
    for role in roles:
        status, statements = _get(clients[role], path.format(**world.large), role, world)
        assert status == 200, (path, role, status)
        before, before_statements = world.counts[(path, role)]
        print(f"{path} as {role}: {before} statements at 1 district, {len(statements)} at 100")
        if len(statements) != before:
            grown.append((role, before, len(statements), before_statements, statements))
    assert not grown, "\n\n".join(
        f"{path} as {role}: {a} statements at 1 district, {b} at {DISTRICTS}; new or more:\n"
        + "\n".join(_more(before_statements, after))
        for role, a, b, before_statements, after in grown
    )


def _more(before: list[str], after: list[str]) -> list[str]:
    """The statements ``after`` runs more often than ``before`` (savepoint names and IN
    lists blanked), the first 160 characters of each."""

    def shape(statement: str) -> str:
        statement = re.sub(r"sa_savepoint_\d+", "sa_savepoint", statement)
        return re.sub(r"\((\?|%\(\w+\)s)(, (\?|%\(\w+\)s))*\)", "(…)", " ".join(statement.split()))

    extra = Counter(map(shape, after)) - Counter(map(shape, before))
    return [f"  {n}× {text[:160]}" for text, n in extra.items()]
