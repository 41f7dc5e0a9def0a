"""Migrations: head matches the models, and SQLite pragmas are set."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from tracker import create_app
from tracker.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def test_migrated_schema_matches_the_models(app_ctx: Flask) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: (
                    not (type_ == "table" and name == "apscheduler_jobs")
                ),
            },
        )
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_upgrade_downgrade_upgrade_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    app = create_app(
        {"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"}
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        downgrade(directory=MIGRATIONS, revision="base")
        tables_after_downgrade = set(sa.inspect(db.engine).get_table_names())
        upgrade(directory=MIGRATIONS)
        tables = set(sa.inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        db.engine.dispose()

    assert tables_after_downgrade == {"alembic_version"}
    assert {"plans", "tasks", "milestones", "progress_reports", "alerts", "users"} <= tables
    assert (foreign_keys, journal) == (1, "wal")
