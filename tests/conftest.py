"""Fixtures: an app on a migrated database (SQLite file, or PostgreSQL when
``TRACKER_TEST_DATABASE_URL`` names one), emptied after every test."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from config.settings import Settings
from tracker import create_app, settings
from tracker.extensions import db

TABLES_NOT_OURS = ("apscheduler_jobs",)


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TRACKER_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


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
        upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
    yield app


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    empty_tables(request.getfixturevalue("app"))


def empty_tables(app: Flask) -> None:
    """Delete every row of every table of the app's database (the schema stays)."""
    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            # units.leader_id points back at users: cut that loop before deleting.
            connection.exec_driver_sql("UPDATE units SET leader_id = NULL")
            for table in tables:
                connection.execute(table.delete())
            for name in TABLES_NOT_OURS:
                if sa.inspect(connection).has_table(name):
                    connection.exec_driver_sql(f"DELETE FROM {name}")


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
