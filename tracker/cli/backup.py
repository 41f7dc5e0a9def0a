"""``flask --app tracker backup create|verify|restore PATH``: the database, the upload
folder and a manifest of checksums in one archive (:mod:`tracker.services.backup`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from tracker import settings as app_settings
from tracker.cli.support import echo_json, fail, group
from tracker.extensions import db
from tracker.services import backup as backup_service

backup_cli = group("backup", "备份与恢复：数据库、上传文件与校验清单。")


def _report(manifest: backup_service.BackupManifest, path: Path, as_json: bool, done: str) -> None:
    if as_json:
        echo_json({"path": str(path), **manifest.to_json()})
        return
    size = sum(item.size for item in manifest.files)
    click.echo(
        f"{done}：{path}（{manifest.database} 数据库，版本 {manifest.revision}，"
        f"{len(manifest.files)} 个文件，共 {size / (1 << 20):.1f} MB）"
    )


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出清单")
def create(path: Path, as_json: bool) -> None:
    """Back up the database and the upload folder to PATH (a new .tar file)."""
    uploads = app_settings.current().uploads.folder
    try:
        manifest = backup_service.create_backup(db.engine, uploads, path, datetime.now(UTC))
    except backup_service.BackupError as error:
        fail(error.message)
    _report(manifest, path, as_json, "已备份")


@backup_cli.command("verify")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出清单")
def verify(path: Path, as_json: bool) -> None:
    """Check every file of the archive at PATH against its manifest."""
    try:
        manifest = backup_service.verify_backup(path)
    except backup_service.BackupError as error:
        fail(error.message)
    _report(manifest, path, as_json, "校验通过")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="覆盖已有数据（否则只恢复到空数据库）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出清单")
def restore(path: Path, force: bool, as_json: bool) -> None:
    """Restore the archive at PATH into an empty database (or any, with --force)."""
    db.session.remove()
    uploads = app_settings.current().uploads.folder
    try:
        manifest = backup_service.restore_backup(path, db.engine, uploads, force=force)
    except backup_service.BackupError as error:
        fail(error.message)
    _report(manifest, path, as_json, "已恢复")
