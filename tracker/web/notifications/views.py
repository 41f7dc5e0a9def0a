"""我的提醒: the logged-in user's notifications — hand-offs at once, the reminder pass's
reminders — newest first, 50 a page; marking one or all read.

Only the recipient sees a notification: another user's answers 404, like a missing one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.services import notifications
from tracker.web.actions import require_valid
from tracker.web.forms import TrackerForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def unread_notification_count() -> int:
    """Unread notifications of the logged-in user (0 when anonymous), for the nav link."""
    if not current_user.is_authenticated:
        return 0
    return notifications.unread_count(current_user.id)


#: The name older templates use.
unread_digest_count = bp.app_template_global("unread_digest_count")(unread_notification_count)


def _back() -> str:
    """The page the user came from (the page number and filter kept)."""
    page = request.args.get("page", type=int)
    unread = "1" if request.args.get("unread") == "1" else None
    return url_for("notifications.index", page=page if page and page > 1 else None, unread=unread)


@bp.route("")
@login_required
def index() -> str:
    """The user's notifications, newest first, 50 a page; ?unread=1 only unread ones."""
    unread = request.args.get("unread") == "1"
    page = notifications.notifications_of(
        current_user.id, request.args.get("page", 1, type=int) or 1, unread_only=unread
    )
    return render_template(
        "notifications/index.html",
        page=page,
        unread=unread,
        link_of=notifications.link_of,
        form=TrackerForm(),
    )


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int) -> Response:
    """Mark one of the user's notifications read; 404 for a missing or someone else's."""
    require_valid()
    notifications.mark_read(current_user.id, notification_id, datetime.now(UTC))
    return redirect(_back())


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read() -> Response:
    """Mark every unread notification of the user read."""
    require_valid()
    count = notifications.mark_all_read(current_user.id, datetime.now(UTC))
    flash(f"已将{count}条提醒标为已读。" if count else "没有未读提醒。", "success")
    return redirect(url_for("notifications.index"))
