"""Migration 0018 (each task's facts version, kept by triggers) on a filled database,
SQLite file or PostgreSQL, as the tests of 0016 and 0017 do."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from tests.integration.test_migration_0017 import ROWS
from tests.integration.test_migrations import (
    MIGRATIONS,
    _drop_filled_database,
    _filled_database_url,
)
from tracker import create_app
from tracker.extensions import db

REPORT = (
    "INSERT INTO progress_reports (id, task_id, unit_id, period, period_end, status, progress,"
    " problems, next_steps, return_reason, revision, version, created_at, updated_at)"
    " VALUES ({id}, 1, 1, '2020Q2', '2020-06-30', 'submitted', '', '', '', '', 1, 1,"
    " '2020-07-01', '2020-07-01')"
)
MILESTONE = (
    "INSERT INTO milestones (id, task_id, position, kind, due, source)"
    " VALUES (1, 2, 1, 'percent', '2020-12-31', '2020年达到二成')"
)


def _versions(connection: sa.Connection) -> list[tuple[int, int]]:
    query = "SELECT id, facts_version FROM tasks ORDER BY id"
    return [(tid, version) for tid, version in connection.exec_driver_sql(query)]


def test_0018_counts_each_tasks_writes_and_drops_cleanly(app: Flask, tmp_path: Path) -> None:
    """The upgrade keeps every task at version 0; then a report written for one task and a
    milestone for another each bump only their own task, and deleting the report bumps
    it again; a downgrade drops the column and its triggers (a report is still written)
    and keeps every row."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0017")
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.exec_driver_sql(statement)
        upgrade(directory=MIGRATIONS)
        with db.engine.begin() as connection:
            upgraded = _versions(connection)
            connection.exec_driver_sql(REPORT.format(id=3))
            after_report = _versions(connection)
            connection.exec_driver_sql(MILESTONE)
            after_milestone = _versions(connection)
            connection.exec_driver_sql("DELETE FROM progress_reports WHERE id = 3")
            after_delete = _versions(connection)
        downgrade(directory=MIGRATIONS, revision="0017")
        with db.engine.begin() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("tasks")}
            connection.exec_driver_sql(REPORT.format(id=4))
            kept = connection.exec_driver_sql("SELECT count(*) FROM tasks").scalar()
            reports = connection.exec_driver_sql("SELECT count(*) FROM progress_reports").scalar()
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert upgraded == [(1, 0), (2, 0)]
    assert after_report == [(1, 1), (2, 0)]
    assert after_milestone == [(1, 1), (2, 1)]
    assert after_delete == [(1, 2), (2, 1)]
    assert "facts_version" not in columns
    assert (kept, reports) == (2, 3)
