"""Moving a running install off SQLite (issue 18 §5): a backup of an SQLite install holding
the Cixi demo, restored into the suite's PostgreSQL database (migrated, empty) → every row
of every table equal, the upload folder restored, and ids go on after the largest.

Runs in the PostgreSQL run of the suite; the SQLite install is built in a temporary folder.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from tests.conftest import MIGRATIONS
from tracker import create_app
from tracker.extensions import db
from tracker.models import Unit
from tracker.services import backup, db_copy

pytestmark = pytest.mark.commits

NOW = datetime(2020, 11, 20, 8, 0, tzinfo=UTC)


def _rows(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of ours in key order, times in UTC."""

    def value(item: object) -> object:
        if isinstance(item, datetime):
            return item.replace(tzinfo=UTC) if item.tzinfo is None else item.astimezone(UTC)
        return item

    with engine.connect() as connection:
        return {
            table.name: [
                tuple(value(item) for item in row)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }


def _postgres(app: Flask) -> sa.Engine:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the move needs the PostgreSQL run (TRACKER_TEST_DATABASE_URL)")
        db.session.remove()
        return db.engine


def _sqlite_install(folder: Path) -> Flask:
    """An SQLite install (a file under ``folder``) with the demo loaded."""
    source = create_app(
        {
            "TRACKER_SETTINGS": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'embedded.db'}",
            "SERVER_NAME": "tracker.test",
        }
    )
    with source.app_context():
        upgrade(directory=str(MIGRATIONS))
    result = source.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return source


def test_an_sqlite_backup_restores_into_postgresql_with_every_row(
    app: Flask, tmp_path: Path
) -> None:
    target = _postgres(app)
    source = _sqlite_install(tmp_path)
    uploads = tmp_path / "uploads"
    (uploads / "evidence").mkdir(parents=True)
    (uploads / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 moved")
    archive = tmp_path / "embedded.tar"
    with source.app_context():
        backup.create_backup(db.engine, uploads, archive, NOW)
        expected = _rows(db.engine)
        db.engine.dispose()

    moved = tmp_path / "moved-uploads"
    manifest = backup.restore_backup(archive, target, moved)

    assert manifest.database == "sqlite"
    assert (moved / "evidence" / "a.pdf").read_bytes() == b"%PDF-1.4 moved"
    with app.app_context():
        actual = _rows(target)
        assert sum(len(rows) for rows in actual.values()) > 1000
        assert actual == expected
        largest = max(row[0] for row in actual["units"])
        unit = Unit(name="迁移后新建的单位")
        db.session.add(unit)
        db.session.commit()  # the id sequence goes on after the copied ids
        assert unit.id > largest  # type: ignore[operator]
        db.session.remove()


def test_a_move_from_another_revision_is_refused_before_anything_is_written(
    app: Flask, tmp_path: Path
) -> None:
    target = _postgres(app)
    older = tmp_path / "older.db"
    with sqlite3.connect(older) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.execute("INSERT INTO alembic_version VALUES ('0003')")
    with pytest.raises(db_copy.CopyError, match="版本是 0003"):
        db_copy.copy_sqlite_database(older, target)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0
