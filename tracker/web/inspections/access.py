"""Access to the supervision pages: :func:`tracker.domain.supervision.may` asked for the
logged-in user, and the settings the views hand to the services."""

from __future__ import annotations

from pathlib import Path

from flask import abort
from flask_login import current_user

from tracker import settings as app_settings
from tracker.domain.supervision import SupervisionAction, may
from tracker.io.containers import ContainerLimits
from tracker.models import InspectionFile, User
from tracker.services.inspections import files as file_service
from tracker.web.access import current_actor


def may_do(action: SupervisionAction, unit_id: int | None = None) -> bool:
    """Whether the current user may do ``action`` (about ``unit_id``)."""
    actor = current_actor()
    return actor is not None and may(actor, action, unit_id)


def require_may(action: SupervisionAction, unit_id: int | None = None) -> None:
    """Abort with 403 unless :func:`may_do`."""
    if not may_do(action, unit_id):
        abort(403)


def sees_all() -> bool:
    """The office, leaders and the assessment group see every unit's records."""
    return may_do(SupervisionAction.VIEW_ALL)


def own_unit_id() -> int | None:
    """The current unit user's unit (None for other roles)."""
    return current_user.unit_id if may_do(SupervisionAction.RECTIFY) else None


def me() -> User:
    """The logged-in user."""
    user: User = current_user._get_current_object()
    return user


def storage_dir() -> Path:
    """Where evidence files are kept (``TRACKER_UPLOAD_DIR``)."""
    return app_settings.current().uploads.folder


def attach_upload(owner: file_service.Owner, upload: object) -> InspectionFile | None:
    """Keep ``upload`` (a FileStorage, or nothing chosen) as evidence of ``owner``."""
    if upload is None or not getattr(upload, "filename", None):
        return None
    return file_service.attach_file(
        owner,
        upload,  # type: ignore[arg-type]
        me(),
        storage_dir=storage_dir(),
        max_bytes=app_settings.current().uploads.max_bytes,
        limits=container_limits(),
    )


def container_limits() -> ContainerLimits:
    """The limits of .docx/.xlsx/.pptx containers (``imports`` settings)."""
    return app_settings.container_limits()
