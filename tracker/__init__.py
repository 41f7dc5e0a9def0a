"""The reform-task tracker (改革任务台账): a Flask application factory."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from config import load_settings
from tracker.extensions import csrf, db, login_manager, migrate
from tracker.unit_of_work import TrackerFlask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from ``TRACKER_*`` variables overlaid with ``config``, then
    extensions, blueprints, CLI commands and error handlers.

    Raises ValueError when a ``TRACKER_*`` variable holds a value of the wrong shape.
    """
    app = TrackerFlask(__name__, instance_relative_config=True)
    settings = load_settings((config or {}).get("TRACKER_SETTINGS"))  # type: ignore[arg-type]
    app.config.update(settings)
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'tracker.db'}"
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config["TRACKER_UPLOAD_DIR"] = str(_upload_dir(app))

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


def _upload_dir(app: Flask) -> Path:
    """Where evidence files are kept: ``TRACKER_UPLOAD_DIR`` or ``<instance>/uploads``,
    never inside the static folder (files are served only through access checks).

    Raises ValueError when the folder lies inside the static folder.
    """
    configured = app.config.get("TRACKER_UPLOAD_DIR")
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
