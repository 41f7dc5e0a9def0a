"""The assessment blueprint and whose pages a request reads: the view modules
(:mod:`.self_views`, :mod:`.review_views`, :mod:`.scorecard_views`, :mod:`.mapping_views`
and :mod:`.views`) all register on :data:`bp`.

Who may do what is decided by :mod:`tracker.domain.policy`; the helpers here add the unit
concerned (a unit user sees and fills only its own unit's pages)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import Blueprint, abort, flash, request
from flask_login import current_user

from tracker import settings as app_settings
from tracker.domain.policy import Action
from tracker.models import Unit
from tracker.services import assessment_pages as pages
from tracker.services.self_assessment_forms import RowRefused
from tracker.unit_of_work import Outcome, attempt
from tracker.web.access import allowed, require
from tracker.web.assessment.forms import ReviewForm, SelfAssessmentForm

T = TypeVar("T")

bp = Blueprint("assessment", __name__, url_prefix="/assessment")


def own_unit() -> Unit:
    """The current unit user's unit (403 for a user who fills no self-assessment or has
    no unit)."""
    require(Action.FILL_SELF_ASSESSMENT)
    if current_user.unit is None:
        abort(403)
    return current_user.unit


def unit_for_reading() -> Unit:
    """The unit whose form is read: a unit user's own; for reviewers and the office the
    unit of ``?unit=`` (404 when missing or unknown)."""
    if allowed(Action.FILL_SELF_ASSESSMENT):
        return own_unit()
    require(Action.VIEW_ALL_SCORECARDS)
    unit_id = request.args.get("unit", type=int)
    if unit_id is None:
        abort(404)
    return pages.get_unit(unit_id)


def card_unit() -> Unit | None:
    """The unit of a scorecard: a unit user's own (403 for another's ``?unit=``); for
    overseers the unit of ``?unit=`` (404 when unknown), or None for the whole plan."""
    require(Action.VIEW_SCORECARD)
    unit_id = request.args.get("unit", type=int)
    if not allowed(Action.VIEW_ALL_SCORECARDS):
        if current_user.unit_id is None or unit_id not in (None, current_user.unit_id):
            abort(403)
        return current_user.unit
    return pages.get_unit(unit_id) if unit_id is not None else None


def upload_dir() -> Path:
    """The folder evidence files are kept in (``TRACKER_UPLOAD_DIR``)."""
    return app_settings.current().uploads.folder


def max_upload_mb() -> int:
    """The size limit of one file in MiB (``TRACKER_MAX_UPLOAD_MB``)."""
    return app_settings.current().uploads.max_upload_mb


def max_chars() -> int:
    """The length limit of one self-assessment text, in characters."""
    return app_settings.current().assessment.self_assessment_max_chars


def grades() -> dict[str, float]:
    """The grade thresholds (优秀/良好/合格) in percent of the maximum."""
    return app_settings.current().assessment.grade_thresholds()


def submit_rows(form: SelfAssessmentForm | ReviewForm, action: Callable[[], T]) -> Outcome[T]:
    """:func:`~tracker.web.actions.submit` for a form of rows: the refusal is flashed and,
    for a :class:`~tracker.services.self_assessment_forms.RowRefused`, also shown beside
    the field of the row it names. Its writes are undone."""
    outcome = attempt(action)
    error = outcome.error
    if error is None:
        return outcome
    flash(error.message, "error")
    if isinstance(error, RowRefused) and error.field and error.row < len(form.rows):
        field = getattr(form.rows[error.row], error.field, None)
        if field is not None:
            field.errors = [*field.errors, error.message]
    return outcome
