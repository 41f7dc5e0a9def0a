"""Backups: one tar archive holding the database, the upload folder and a manifest.

The archive's members are ``manifest.json``, the database (``database.sqlite3`` taken with
SQLite's online backup API, or ``database.pgdump`` in ``pg_dump``'s custom format) and the
upload folder under ``uploads/``. The manifest lists every other member with its SHA-256 and
size in bytes, so :func:`verify_backup` can tell a damaged or altered archive from a good one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from tracker.services.db_copy import CopyError, copy_sqlite_database
from tracker.services.errors import ServiceError

MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
UPLOADS = "uploads"
FORMAT_VERSION = 1
#: Tables that may hold rows in a database still called empty (schema bookkeeping).
BOOKKEEPING_TABLES = frozenset({"alembic_version", "apscheduler_jobs"})


class BackupError(ServiceError):
    """A backup could not be made, read, verified or restored; the message names the archive
    and the member or step at fault."""


@dataclass(frozen=True, slots=True)
class BackupFile:
    """One member of the archive: its path inside it, SHA-256 (hex) and size in bytes."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class BackupManifest:
    """What an archive holds: when it was made (UTC), from which kind of database
    ("sqlite" or "postgresql") at which Alembic revision, and its files."""

    created_at: datetime
    database: str
    revision: str | None
    files: tuple[BackupFile, ...]

    def to_json(self) -> dict[str, object]:
        """The manifest as stored in ``manifest.json`` (RFC 3339 time with offset)."""
        return {
            "format": FORMAT_VERSION,
            "created_at": self.created_at.isoformat(),
            "database": self.database,
            "revision": self.revision,
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in self.files],
        }

    @classmethod
    def from_json(cls, data: dict[str, object], archive: Path) -> BackupManifest:
        """Read ``manifest.json``. Raises :class:`BackupError` when it is malformed."""
        try:
            files = tuple(
                BackupFile(str(f["path"]), str(f["sha256"]), int(f["size"]))
                for f in data["files"]  # type: ignore[attr-defined]
            )
            return cls(
                created_at=datetime.fromisoformat(str(data["created_at"])),
                database=str(data["database"]),
                revision=None if data.get("revision") is None else str(data["revision"]),
                files=files,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise BackupError(f"备份文件 {archive} 的清单 {MANIFEST} 格式有误：{error}") from error


def create_backup(engine: Engine, upload_dir: Path, target: Path, now: datetime) -> BackupManifest:
    """Write a backup archive of the database behind ``engine`` and of ``upload_dir`` to
    ``target`` (a new file; its folder is created). The database is read online: SQLite's
    backup API or ``pg_dump --format=custom``, both consistent while the tracker runs.

    Raises :class:`BackupError` when ``target`` exists or ``pg_dump`` fails.
    """
    if target.exists():
        raise BackupError(f"备份文件 {target} 已存在，请换一个文件名")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tracker-backup-") as work:
        staging = Path(work)
        kind = _dump_database(engine, staging)
        if upload_dir.is_dir():
            shutil.copytree(upload_dir, staging / UPLOADS)
        files = tuple(_describe(staging, path) for path in sorted(_members(staging)))
        manifest = BackupManifest(now.astimezone(UTC), kind, _revision(engine), files)
        (staging / MANIFEST).write_text(json.dumps(manifest.to_json(), ensure_ascii=False))
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(staging / MANIFEST, arcname=MANIFEST)
            for item in files:
                archive.add(staging / item.path, arcname=item.path)
        partial.replace(target)
    return manifest


def verify_backup(archive_path: Path) -> BackupManifest:
    """Check every member of the archive against its manifest (checksum and size), and
    that nothing is missing or extra.

    Raises :class:`BackupError` naming the first member at fault.
    """
    if not archive_path.is_file():
        raise BackupError(f"备份文件 {archive_path} 不存在")
    try:
        with tarfile.open(archive_path, "r") as archive:
            manifest = _read_manifest(archive, archive_path)
            expected = {f.path: f for f in manifest.files}
            present = {m.name for m in archive.getmembers() if m.isfile()} - {MANIFEST}
            for name in sorted(present - set(expected)):
                raise BackupError(f"备份文件 {archive_path} 含有清单以外的文件 {name}")
            for item in manifest.files:
                _check_member(archive, item, archive_path)
    except tarfile.TarError as error:
        raise BackupError(f"备份文件 {archive_path} 无法读取：{error}") from error
    return manifest


def restore_backup(
    archive_path: Path, engine: Engine, upload_dir: Path, *, force: bool = False
) -> BackupManifest:
    """Restore a verified archive into the database behind ``engine`` and into ``upload_dir``.

    Refuses (``BackupError``) a database that holds rows, or a non-empty upload folder, unless
    ``force``; refuses an archive of another kind of database, except an SQLite archive
    restored into PostgreSQL (migrated to the archive's revision), whose rows are copied in
    one transaction: the way to move an install off SQLite. Otherwise the database is
    replaced whole: SQLite by the backup API, PostgreSQL by ``pg_restore --clean
    --single-transaction``.
    """
    manifest = verify_backup(archive_path)
    moving = (manifest.database, engine.dialect.name) == ("sqlite", "postgresql")
    if manifest.database != engine.dialect.name and not moving:
        raise BackupError(
            f"备份文件 {archive_path} 来自 {manifest.database} 数据库，"
            f"不能恢复到 {engine.dialect.name} 数据库"
        )
    if not force:
        _refuse_if_filled(engine, upload_dir)
    with tempfile.TemporaryDirectory(prefix="tracker-restore-") as work:
        staging = Path(work)
        with tarfile.open(archive_path, "r") as archive:
            archive.extractall(staging, filter="data")
        engine.dispose()
        if moving:
            _move_to_postgres(staging / SQLITE_MEMBER, engine, force)
        else:
            _load_database(engine, staging, manifest.database)
        _replace_folder(staging / UPLOADS, upload_dir)
    engine.dispose()
    return manifest


def _move_to_postgres(source: Path, engine: Engine, replace: bool) -> None:
    """An SQLite archive restored into PostgreSQL: its rows are copied (the move from the
    embedded default to PostgreSQL, :mod:`tracker.services.db_copy`)."""
    try:
        copy_sqlite_database(source, engine, replace=replace)
    except CopyError as error:
        raise BackupError(error.message) from error


def prune_backups(folder: Path, keep_days: int, today: date) -> list[Path]:
    """Delete the archives (``*.tar``) in ``folder`` older than ``keep_days`` days by their
    modification date; return the paths deleted, oldest first."""
    cutoff = today - timedelta(days=keep_days)
    old = [
        path
        for path in folder.glob("*.tar")
        if datetime.fromtimestamp(path.stat().st_mtime, UTC).date() < cutoff
    ]
    old.sort(key=lambda path: path.stat().st_mtime)
    for path in old:
        path.unlink()
    return old


def _dump_database(engine: Engine, staging: Path) -> str:
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(staging / SQLITE_MEMBER)
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        finally:
            raw.close()
        return "sqlite"
    if engine.dialect.name == "postgresql":
        _run_pg(
            "pg_dump",
            engine,
            "--format=custom",
            "--no-owner",
            "--file",
            str(staging / POSTGRES_MEMBER),
        )
        return "postgresql"
    raise BackupError(f"不支持备份 {engine.dialect.name} 数据库")


def _load_database(engine: Engine, staging: Path, kind: str) -> None:
    if kind == "sqlite":
        source = sqlite3.connect(staging / SQLITE_MEMBER)
        target = sqlite3.connect(str(engine.url.database))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return
    _run_pg(
        "pg_restore",
        engine,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        str(staging / POSTGRES_MEMBER),
    )


def _run_pg(program: str, engine: Engine, *args: str) -> None:
    """Run ``pg_dump`` or ``pg_restore`` against the engine's database (password through
    ``PGPASSWORD``, never on the command line)."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq = url.set(drivername="postgresql", password=None)
    command = [program, *args, "--dbname", libpq.render_as_string(hide_password=False)]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"找不到 {program}：请安装 PostgreSQL 客户端工具") from error
    if result.returncode != 0:
        raise BackupError(f"{program} 失败：{result.stderr.strip()[-500:]}")


def _members(staging: Path) -> list[str]:
    return [
        path.relative_to(staging).as_posix()
        for path in staging.rglob("*")
        if path.is_file() and path.name != MANIFEST
    ]


def _describe(staging: Path, relative: str) -> BackupFile:
    path = staging / relative
    return BackupFile(relative, _sha256_file(path), path.stat().st_size)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_manifest(archive: tarfile.TarFile, archive_path: Path) -> BackupManifest:
    try:
        stream = archive.extractfile(MANIFEST)
    except KeyError as error:
        raise BackupError(f"备份文件 {archive_path} 缺少清单 {MANIFEST}") from error
    if stream is None:
        raise BackupError(f"备份文件 {archive_path} 的清单 {MANIFEST} 不是文件")
    try:
        data = json.loads(stream.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"备份文件 {archive_path} 的清单 {MANIFEST} 无法解析") from error
    return BackupManifest.from_json(data, archive_path)


def _check_member(archive: tarfile.TarFile, item: BackupFile, archive_path: Path) -> None:
    try:
        stream = archive.extractfile(item.path)
    except KeyError as error:
        raise BackupError(f"备份文件 {archive_path} 缺少 {item.path}") from error
    if stream is None:
        raise BackupError(f"备份文件 {archive_path} 中的 {item.path} 不是文件")
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    if size != item.size or digest.hexdigest() != item.sha256:
        raise BackupError(
            f"备份文件 {archive_path} 中的 {item.path} 校验不符（文件已损坏或被改动）"
        )


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _refuse_if_filled(engine: Engine, upload_dir: Path) -> None:
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        for table in inspector.get_table_names():
            if table in BOOKKEEPING_TABLES:
                continue
            quoted = connection.dialect.identifier_preparer.quote(table)
            if connection.exec_driver_sql(f"SELECT 1 FROM {quoted} LIMIT 1").first():
                raise BackupError(
                    f"目标数据库不是空的（表 {table} 中有数据）；确认要覆盖时请加 --force"
                )
    if upload_dir.is_dir() and any(upload_dir.iterdir()):
        raise BackupError(f"上传文件夹 {upload_dir} 不是空的；确认要覆盖时请加 --force")


def _replace_folder(source: Path, target: Path) -> None:
    """Put ``source``'s files in place of ``target``'s (an archive without uploads empties it)."""
    if target.is_dir():
        shutil.rmtree(target)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        target.mkdir(parents=True, exist_ok=True)
