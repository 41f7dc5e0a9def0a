"""Migration 0019 (the index of the reports waiting for review) on a filled database,
SQLite file or PostgreSQL, as the tests of 0017 and 0018 do."""

from __future__ import annotations

from datetime import date
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
from tracker.services import review_queue

NAME = "ix_progress_reports_waiting"


def _names(connection: sa.Connection) -> set[str]:
    return {i["name"] or "" for i in sa.inspect(connection).get_indexes("progress_reports")}


def test_0019_indexes_the_waiting_reports_and_drops_cleanly(app: Flask, tmp_path: Path) -> None:
    """The upgrade adds the index and keeps every report; the queue holds the submitted
    report and not the accepted one; a downgrade drops the index and keeps the rows."""
    url = _filled_database_url(app, tmp_path)
    other = create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade(directory=MIGRATIONS, revision="0018")
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.exec_driver_sql(statement)
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            added = NAME in _names(connection)
        page = review_queue.waiting_reports(review_queue.QueueFilter(), date(2020, 11, 20))
        queued = [row.report.id for row in page.rows]
        db.session.rollback()
        downgrade(directory=MIGRATIONS, revision="0018")
        with db.engine.connect() as connection:
            left = NAME in _names(connection)
            kept = connection.exec_driver_sql("SELECT count(*) FROM progress_reports").scalar()
        db.session.remove()
        db.engine.dispose()
    _drop_filled_database(app, url)

    assert added and not left
    assert queued == [1]
    assert kept == 2
