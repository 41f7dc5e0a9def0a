"""Settings for operating the tracker: limits on the files it reads, and backups."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from config.base import SettingsGroup


class ImportLimits(SettingsGroup):
    """Limits of every .docx/.xlsx the tracker reads (plan and indicator imports, the
    Excel upload, evidence), checked before a parser opens it: ``TRACKER_IMPORT_MAX_MEMBERS``
    (parts in the zip), ``TRACKER_IMPORT_MAX_TOTAL_MB`` (inflated size, MiB),
    ``TRACKER_IMPORT_MAX_RATIO`` (compression ratio of a part over 1 MiB),
    ``TRACKER_IMPORT_MAX_ROWS`` and ``TRACKER_IMPORT_MAX_COLUMNS`` (of a sheet)."""

    import_max_members: int = Field(2_000, ge=1)
    import_max_total_mb: int = Field(100, ge=1)
    import_max_ratio: int = Field(200, ge=2)
    import_max_rows: int = Field(100_000, ge=1)
    import_max_columns: int = Field(256, ge=1)


class BackupSettings(SettingsGroup):
    """The daily backup job: archives in ``TRACKER_BACKUP_DIR`` (None: ``<instance>/backups``,
    resolved by ``create_app``), kept ``TRACKER_BACKUP_RETENTION_DAYS`` days; its time is
    the scheduler's ``TRACKER_BACKUP_HOUR:TRACKER_BACKUP_MINUTE``."""

    backup_dir: Path | None = None
    backup_retention_days: int = Field(14, ge=1)

    @property
    def folder(self) -> Path:
        """The backup folder; raises RuntimeError before ``create_app`` resolved it."""
        if self.backup_dir is None:
            raise RuntimeError("TRACKER_BACKUP_DIR is resolved by create_app")
        return self.backup_dir
