"""Fixtures: an app on a migrated database (SQLite file, or PostgreSQL when
``TRACKER_TEST_DATABASE_URL`` names one), and every test isolated from the others.

Isolation is by rollback: a test that uses the app runs inside one connection's transaction,
which is rolled back when the test ends. Every ``db.session`` (the test's own, each
request's, each CLI command's: one per app context) joins that transaction through a
SAVEPOINT (SQLAlchemy's ``join_transaction_mode="create_savepoint"``), so the code under
test commits and rolls back as usual and nothing of it outlives the test.

A module can share data built once for all its tests (the Cixi plan, its users): a
module-scoped fixture that depends on :func:`shared_db` writes it in the module's
transaction, each test runs in a SAVEPOINT of its own on top of it, and the module's
transaction is rolled back after its last test. Tests that need nothing shared run first.

Tests marked ``commits`` commit for real and every table is emptied after them: they start
other processes, read the database through another engine or connection (``db.engine``
directly, as job-run records do), or serve the app to threads (``e2e`` and ``live_server``
tests are such tests without the mark). A test that waits on "database is locked" on SQLite,
or misses rows on PostgreSQL, is one of these. Apps a test builds on the test database's
URL join the test's transaction too.

Under ``pytest-xdist`` each worker has a database of its own: the SQLite file sits in the
worker's temporary directory; on PostgreSQL the worker uses ``<database>_<worker>``,
created next to the configured one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
import sqlalchemy as sa
from flask import Flask, current_app
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.engine import Connection, Engine, make_url

from config.settings import Settings
from tracker import create_app, settings
from tracker.extensions import db

TABLES_NOT_OURS = ("apscheduler_jobs",)
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def in_ci() -> bool:
    """True under CI (``CI=true``), where a missing browser, font or database fails."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the test with ``reason``; under CI, fail it with the same message instead,
    since there everything the suite needs must be installed."""
    if in_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within each module, run the tests that share no module data first, so that none of
    them sees data a module-scoped fixture left in the module's transaction."""
    order: dict[str, int] = {}
    for index, item in enumerate(items):
        order.setdefault(item.nodeid.split("::")[0], index)
    items.sort(key=lambda item: (order[item.nodeid.split("::")[0]], _shares_module_data(item)))


def _shares_module_data(item: pytest.Item) -> bool:
    return "shared_db" in getattr(item, "fixturenames", ())


# --- The database ---------------------------------------------------------------------


def _database_url(tmp_dir: Path) -> str:
    url = os.environ.get("TRACKER_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and url.startswith("postgresql"):
        url = _worker_database(url, worker)
    return url


def _worker_database(url: str, worker: str) -> str:
    """Create (if need be) the PostgreSQL database ``<name>_<worker>``; its URL."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app, its database migrated to head once per session."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    if url.startswith("postgresql"):
        _reset_postgres(url)
    app = create_app(
        {
            "TRACKER_SETTINGS": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "SERVER_NAME": "tracker.test",
        }
    )
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
    yield app


# --- Isolation by rollback ------------------------------------------------------------


class _JoinedSession(FlaskSession):
    """A session of an app on the test database (the test app, or one a test builds on the
    same URL) uses the test's connection, and so joins its transaction; sessions of apps on
    other databases keep their own engine."""

    url: str = ""
    #: Not ``connection``: that name is Session.connection(), which the code under test calls.
    test_connection: Connection | None = None

    def get_bind(
        self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any
    ) -> Engine | Connection:
        on_test_database = current_app.config.get("SQLALCHEMY_DATABASE_URI") == self.url
        if bind is None and self.test_connection is not None and on_test_database:
            return self.test_connection
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


class Rollback:
    """One connection in a transaction that is rolled back on :meth:`close`; while it is
    open every ``db.session`` of ``app`` joins it through a SAVEPOINT."""

    def __init__(self, app: Flask) -> None:
        with app.app_context():
            db.session.remove()
            self.connection = db.engine.connect()
        self.transaction = self.connection.begin()
        factory = db.session.session_factory
        self._saved = (factory.class_, factory.kw.get("join_transaction_mode"))
        factory.class_ = type("JoinedSession", (_JoinedSession,), {})
        factory.class_.url = app.config["SQLALCHEMY_DATABASE_URI"]
        factory.class_.test_connection = self.connection
        factory.kw["join_transaction_mode"] = "create_savepoint"
        self.app = app

    def close(self) -> None:
        """Drop the sessions, roll everything back and give the connection back."""
        with self.app.app_context():
            db.session.remove()
        factory = db.session.session_factory
        factory.class_, mode = self._saved
        if mode is None:
            factory.kw.pop("join_transaction_mode", None)
        else:
            factory.kw["join_transaction_mode"] = mode
        if self.transaction.is_active:
            self.transaction.rollback()
        self.connection.close()


_shared: Rollback | None = None


@pytest.fixture(scope="module")
def shared_db(app: Flask) -> Iterator[None]:
    """A transaction for the whole module: module-scoped fixtures that depend on this one
    write data every test of the module sees; each test's own writes are undone."""
    global _shared
    _shared = Rollback(app)
    try:
        yield
    finally:
        _shared.close()
        _shared = None


def _empty_every_table(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            # units.leader_id points back at users: cut that loop before deleting.
            connection.exec_driver_sql("UPDATE units SET leader_id = NULL")
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
            for name in TABLES_NOT_OURS:
                if sa.inspect(connection).has_table(name):
                    connection.exec_driver_sql(f"DELETE FROM {name}")


def _commits(request: pytest.FixtureRequest) -> bool:
    """Marked ``commits`` or ``e2e``, or serving the app to other threads (``live_server``)."""
    node = request.node
    return (
        node.get_closest_marker("commits") is not None
        or node.get_closest_marker("e2e") is not None
        or "live_server" in request.fixturenames
    )


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest) -> Iterator[None]:
    """Roll back what a test that uses the app wrote (see the module docstring)."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    if _commits(request):
        assert _shared is None, f"{request.node.nodeid} commits inside a shared transaction"
        try:
            yield
        finally:
            _empty_every_table(app)
        return
    if _shared is None:
        rollback = Rollback(app)
        try:
            yield
        finally:
            rollback.close()
        return
    savepoint = _shared.connection.begin_nested()
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
        if savepoint.is_active:
            savepoint.rollback()


# --- The usual handles ----------------------------------------------------------------


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    """An application context for service-level tests."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def set_settings(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """Change one group of the app's settings for one test:
    ``set_settings("uploads", upload_dir=tmp_path)``; returns the new settings."""

    def change(group: str, **changes: object) -> Settings:
        changed = settings.of(app).updated(group, **changes)
        monkeypatch.setitem(app.extensions, settings.EXTENSION, changed)
        return changed

    return change


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for ``flask --app tracker …`` commands."""
    return app.test_cli_runner()


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)
