"""Backups round-trip on the suite's database (SQLite or PostgreSQL): back up, change
everything, restore → the same rows and the same files."""

from __future__ import annotations

import io
import json
import os
import tarfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import TEST_HASH_METHOD
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.jobs.backup import daily_backup
from tracker.services import backup
from tracker.services.users import create_user
from tracker.unit_of_work import unit_of_work

#: The archives are read and written by other connections (the backup API, pg_dump): real commits.
pytestmark = pytest.mark.commits

NOW = datetime(2020, 11, 20, 8, 0, tzinfo=UTC)
PASSWORD = "Secret@2020x"


def _rows() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of ours, in primary-key order."""
    db.session.remove()
    with db.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def filled(app_ctx: Flask, tmp_path: Path) -> Path:
    """Two users committed and two files in a fresh upload folder."""
    uploads = tmp_path / "uploads"
    (uploads / "evidence").mkdir(parents=True)
    (uploads / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 first")
    (uploads / "notices" / "n.docx").parent.mkdir()
    (uploads / "notices" / "n.docx").write_bytes(b"PK\x03\x04 notice")
    with unit_of_work():
        create_user("office1", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        create_user("leader1", PASSWORD, Role.LEADER, hash_method=TEST_HASH_METHOD)
    return uploads


def test_backup_then_changes_then_restore_gives_the_same_rows_and_files(
    filled: Path, tmp_path: Path
) -> None:
    rows_before, files_before = _rows(), _files(filled)
    archive = tmp_path / "backups" / "tracker-20201120.tar"
    manifest = backup.create_backup(db.engine, filled, archive, NOW)
    assert manifest.database == db.engine.dialect.name
    assert {f.path for f in manifest.files} >= {"uploads/evidence/a.pdf", "uploads/notices/n.docx"}

    with unit_of_work():
        create_user("intruder", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
    (filled / "evidence" / "a.pdf").write_bytes(b"changed")
    (filled / "notices" / "n.docx").unlink()
    (filled / "new.txt").write_text("new")
    assert _rows() != rows_before

    backup.restore_backup(archive, db.engine, filled, force=True)
    assert _rows() == rows_before
    assert _files(filled) == files_before


def test_restore_refuses_a_filled_database_without_force(filled: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar"
    backup.create_backup(db.engine, filled, archive, NOW)
    with pytest.raises(backup.BackupError, match=r"不是空的.*--force"):
        backup.restore_backup(archive, db.engine, filled)
    assert len(_rows()["users"]) == 2


def test_verify_names_the_member_that_was_altered(filled: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar"
    backup.create_backup(db.engine, filled, archive, NOW)
    assert backup.verify_backup(archive).revision is not None

    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            if member.name == "uploads/evidence/a.pdf":
                content = b"%PDF-1.4 forged"
                member.size = len(content)
                target.addfile(member, io.BytesIO(content))
            else:
                target.addfile(member, data)
    with pytest.raises(backup.BackupError, match=r"uploads/evidence/a\.pdf 校验不符"):
        backup.verify_backup(tampered)


def test_an_existing_target_is_never_overwritten(filled: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar"
    archive.write_text("keep me")
    with pytest.raises(backup.BackupError, match="已存在"):
        backup.create_backup(db.engine, filled, archive, NOW)
    assert archive.read_text() == "keep me"


def test_the_commands_round_trip_and_refuse_a_filled_database(
    filled: Path, tmp_path: Path, runner: FlaskCliRunner, set_settings: Callable[..., object]
) -> None:
    set_settings("uploads", upload_dir=filled)
    archive = tmp_path / "cli.tar"
    created = runner.invoke(args=["backup", "create", str(archive), "--json"])
    assert created.exit_code == 0, created.output
    assert json.loads(created.output)["database"] == db.engine.dialect.name
    verified = runner.invoke(args=["backup", "verify", str(archive)])
    assert verified.exit_code == 0 and "校验通过" in verified.output

    refused = runner.invoke(args=["backup", "restore", str(archive)])
    assert refused.exit_code == 1 and "--force" in refused.output
    with unit_of_work():
        create_user("intruder", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
    restored = runner.invoke(args=["backup", "restore", str(archive), "--force"])
    assert restored.exit_code == 0, restored.output
    assert [row[1] for row in _rows()["users"]] == ["office1", "leader1"]


def test_the_daily_job_writes_an_archive_and_prunes_old_ones(
    filled: Path, tmp_path: Path, set_settings: Callable[..., object]
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "tracker-20200101-023000.tar"
    old.write_bytes(b"old")
    long_ago = (datetime.now(UTC) - timedelta(days=30)).timestamp()
    os.utime(old, (long_ago, long_ago))
    set_settings("uploads", upload_dir=filled)
    set_settings("backups", backup_dir=folder, backup_retention_days=14)

    counts = daily_backup()

    assert counts == {"files": 3, "removed": 1}
    [archive] = folder.glob("*.tar")
    assert backup.verify_backup(archive).database == db.engine.dialect.name
