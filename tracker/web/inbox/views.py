"""The reform office's inbox of alerts."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.domain.lag import LagState
from tracker.domain.policy import Action
from tracker.services import alerts
from tracker.web.access import require
from tracker.web.actions import require_valid
from tracker.web.forms import TrackerForm

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.route("/")
@login_required
def index() -> str:
    """Alerts, newest first; ?kind= filters by lag state, ?unread=1 hides read ones."""
    require(Action.VIEW_INBOX)
    raw_kind = request.args.get("kind")
    kind = LagState(raw_kind) if raw_kind in {s.value for s in LagState} else None
    unread = request.args.get("unread") == "1"
    return render_template(
        "inbox/index.html",
        alerts=alerts.inbox(kind, unread),
        kind=kind,
        unread=unread,
        form=TrackerForm(),
        unread_count=alerts.unread_count(),
    )


@bp.route("/<int:alert_id>/read", methods=["POST"])
@login_required
def mark_read(alert_id: int) -> Response:
    """Mark one alert read."""
    require(Action.VIEW_INBOX)
    require_valid()
    alerts.mark_read(alert_id)
    return redirect(url_for("inbox.index"))
