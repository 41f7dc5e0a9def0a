"""我的提醒: the logged-in user's daily reminder digests, newest first; marking one read.

Only the recipient sees a digest: another user's digest answers 404, like a missing one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.services.channels import inbox
from tracker.web.actions import require_valid
from tracker.web.forms import TrackerForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def unread_digest_count() -> int:
    """Unread digests of the logged-in user (0 when anonymous), for the nav link."""
    if not current_user.is_authenticated:
        return 0
    return inbox.unread_count(current_user.id)


@bp.route("")
@login_required
def index() -> str:
    """The user's digests, newest first; unread ones bold, each with its reminder lines."""
    return render_template(
        "notifications/index.html",
        digests=inbox.user_digests(current_user.id),
        form=TrackerForm(),
    )


@bp.route("/<int:digest_id>/read", methods=["POST"])
@login_required
def mark_read(digest_id: int) -> Response:
    """Mark one of the user's digests read; 404 for a missing or someone else's."""
    require_valid()
    inbox.mark_read(current_user.id, digest_id, datetime.now(UTC))
    return redirect(url_for("notifications.index"))
