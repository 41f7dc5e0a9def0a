"""The app's typed settings (:class:`config.settings.Settings`), built once by
``create_app`` and kept in ``app.extensions``; the web, job and command edges read them
here and pass services what they need."""

from __future__ import annotations

from flask import Flask, current_app

from config.settings import Settings
from tracker.io.containers import ContainerLimits

EXTENSION = "tracker.settings"


def install(app: Flask, settings: Settings) -> None:
    """Keep ``settings`` on ``app`` (replacing any it had)."""
    app.extensions[EXTENSION] = settings


def of(app: Flask) -> Settings:
    """The settings of ``app``; raises KeyError when ``create_app`` did not build it."""
    settings: Settings = app.extensions[EXTENSION]
    return settings


def current() -> Settings:
    """The settings of the current app (needs an app context)."""
    return of(current_app._get_current_object())  # type: ignore[attr-defined]


def container_limits() -> ContainerLimits:
    """The current app's limits of every .docx/.xlsx it reads, as :mod:`tracker.io.containers`
    takes them."""
    limits = current().imports
    return ContainerLimits(
        max_members=limits.import_max_members,
        max_total_mb=limits.import_max_total_mb,
        max_ratio=limits.import_max_ratio,
        max_rows=limits.import_max_rows,
        max_columns=limits.import_max_columns,
    )
