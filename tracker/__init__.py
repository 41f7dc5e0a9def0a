"""The reform-task tracker (改革任务台账): a Flask application factory."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from config import Settings, load_settings
from tracker import settings
from tracker.extensions import csrf, db, login_manager, migrate
from tracker.unit_of_work import TrackerFlask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: the typed settings (``tracker.settings.current()``) from ``TRACKER_*``
    variables overlaid with the ``TRACKER_*`` keys of ``config``; Flask's own keys from the
    settings overlaid with the other keys of ``config``; then extensions, blueprints, CLI
    commands and error handlers.

    Raises SettingsError (a ValueError) naming the variable when a ``TRACKER_*`` value has
    the wrong shape or a ``TRACKER_*`` key of ``config`` is unknown, and ValueError when the
    upload folder lies inside the static folder.
    """
    app = TrackerFlask(__name__, instance_relative_config=True)
    config = config or {}
    loaded = load_settings(config)
    app.config.update(loaded.flask_config())
    app.config.update({k: v for k, v in config.items() if not k.startswith("TRACKER_")})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'tracker.db'}"
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    backups = loaded.backups.backup_dir or Path(app.instance_path) / "backups"
    loaded = loaded.updated("uploads", upload_dir=_upload_dir(app, loaded))
    settings.install(app, loaded.updated("backups", backup_dir=backups.resolve()))

    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from tracker import models  # noqa: F401  (register the models' tables)
    from tracker.cli import register_cli
    from tracker.web import register_web

    register_web(app)
    register_cli(app)
    return app


def _upload_dir(app: Flask, loaded: Settings) -> Path:
    """Where evidence files are kept: ``TRACKER_UPLOAD_DIR`` or ``<instance>/uploads``,
    never inside the static folder (files are served only through access checks).

    Raises ValueError when the folder lies inside the static folder.
    """
    configured = loaded.uploads.upload_dir
    folder = Path(configured or Path(app.instance_path) / "uploads").resolve()
    static = Path(app.static_folder or "").resolve()
    if app.static_folder and folder.is_relative_to(static):
        raise ValueError(f"TRACKER_UPLOAD_DIR must lie outside the static folder {static}")
    return folder


def _instance_secret(instance: Path) -> str:
    """A secret key kept in the instance folder, created on first start."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
