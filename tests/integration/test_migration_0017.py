"""Migration 0017 (the ledger of a plan of 10,000 tasks, the review queue's count) on a
filled database, SQLite file or PostgreSQL, as the tests of 0016 do."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from tests.integration.test_migrations import (
    MIGRATIONS,
    ONE_PLAN,
    _drop_filled_database,
    _filled_database_url,
)
from tracker import create_app
from tracker.extensions import db

NAMES = {"ix_tasks_plan_id_live", "ix_tasks_plan_id_archived", "ix_progress_reports_status"}

#: A live and an archived task of the plan, and a waiting and an accepted report.
ROWS = (
    *ONE_PLAN,
    "INSERT INTO tasks (id, plan_id, measure_id, position, text, schedule_text, needs_review,"
    " review_reasons) VALUES (1, 1, 1, 1, 'live', '', false, '')",
    "INSERT INTO tasks (id, plan_id, measure_id, position, text, schedule_text, needs_review,"
    " review_reasons, archived_at) VALUES (2, 1, 1, 2, 'dropped', '', false, '', '2020-06-01')",
    "INSERT INTO progress_reports (id, task_id, unit_id, period, period_end, status, progress,"
    " problems, next_steps, return_reason, revision, version, created_at, updated_at)"
    " VALUES (1, 1, 1, '2020Q1', '2020-03-31', 'submitted', '', '', '', '', 1, 1,"
    " '2020-04-01', '2020-04-01')",
    "INSERT INTO progress_reports (id, task_id, unit_id, period, period_end, status, progress,"
    " problems, next_steps, return_reason, revision, version, created_at, updated_at)"
    " VALUES (2, 2, 1, '2020Q1', '2020-03-31', 'accepted', '', '', '', '', 1, 1,"
    " '2020-04-01', '2020-04-01')",
)


def _indexes(connection: sa.Connection) -> set[str]:
    found = set()
    for table in ("tasks", "progress_reports"):
        found |= {i["name"] or "" for i in sa.inspect(connection).get_indexes(table)}
    return found & NAMES


def test_0017_ledger_indexes_keep_every_row_and_drop_cleanly(app: Flask, tmp_path: Path) -> None:
    """The upgrade adds the live and archived task indexes and the report status index,
    keeping every task and report; the ledger's reads give the same rows on them; a
    downgrade drops the three and keeps the rows."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0016")
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.exec_driver_sql(statement)
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            added = _indexes(connection)
            live = connection.exec_driver_sql(
                "SELECT id FROM tasks WHERE plan_id = 1 AND archived_at IS NULL"
                " ORDER BY position, id"
            ).all()
            archived = connection.exec_driver_sql(
                "SELECT id FROM tasks WHERE plan_id = 1 AND archived_at IS NOT NULL"
            ).all()
            waiting = connection.exec_driver_sql(
                "SELECT count(*) FROM progress_reports"
                " WHERE status IN ('submitted', 'pending_approval')"
            ).scalar()
        downgrade(directory=MIGRATIONS, revision="0016")
        with db.engine.connect() as connection:
            left = _indexes(connection)
            kept = connection.exec_driver_sql("SELECT count(*) FROM tasks").scalar()
            reports = connection.exec_driver_sql("SELECT count(*) FROM progress_reports").scalar()
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert added == NAMES
    assert (live, archived, waiting) == ([(1,)], [(2,)], 1)
    assert left == set()
    assert (kept, reports) == (2, 2)
