"""The daily backup job: one archive a day, old ones pruned after the retention days."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from tracker import settings as app_settings
from tracker.extensions import db
from tracker.jobs.runs import recorded
from tracker.services.backup import create_backup, prune_backups

log = logging.getLogger(__name__)


@recorded("daily_backup")
def daily_backup() -> dict[str, int]:
    """Back up the database and the uploads to ``tracker-YYYYMMDD-HHMMSS.tar`` (office
    time) in the backup folder, then delete archives older than the retention days (by the
    real date, not the demo's fixed one). Returns the counts recorded with the run."""
    settings = app_settings.current()
    now = datetime.now(UTC)
    name = now.astimezone(settings.clock.zone).strftime("tracker-%Y%m%d-%H%M%S.tar")
    folder = settings.backups.folder
    manifest = create_backup(db.engine, settings.uploads.folder, folder / name, now)
    removed = prune_backups(folder, settings.backups.backup_retention_days, now.date())
    log.info(
        "backup %s: %d files, %d old archives removed", name, len(manifest.files), len(removed)
    )
    return {"files": len(manifest.files), "removed": len(removed)}
