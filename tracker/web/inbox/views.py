"""The reform office's inbox of alerts: 50 a page, marked read one by one, the selected
ones, or all on the current filter."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.domain.lag import LagState
from tracker.domain.policy import Action
from tracker.services import alerts
from tracker.web.access import require
from tracker.web.actions import require_valid
from tracker.web.forms import TrackerForm

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


def _kind(raw: str | None) -> LagState | None:
    return LagState(raw) if raw in {s.value for s in LagState} else None


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 7 else 1


@bp.route("/")
@login_required
def index() -> str:
    """Alerts, newest first, 50 a page; ?kind= filters by lag state, ?unread=1 hides read
    ones, ?page= chooses the page."""
    require(Action.VIEW_INBOX)
    kind = _kind(request.args.get("kind"))
    unread = request.args.get("unread") == "1"
    page = alerts.inbox_page(kind, unread, _page_number(request.args.get("page")))
    return render_template(
        "inbox/index.html",
        alerts=page.alerts,
        page=page,
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
    return redirect(_back())


@bp.route("/read", methods=["POST"])
@login_required
def mark_many_read() -> Response:
    """Mark read the selected alerts (``scope=selected``, ``alert_ids``) or every unread
    alert on the filter (``scope=filter``, ``kind``)."""
    require(Action.VIEW_INBOX)
    require_valid()
    if request.form.get("scope") == "filter":
        count = alerts.mark_filter_read(_kind(request.form.get("kind")))
    else:
        ids = [int(v) for v in request.form.getlist("alert_ids") if v.isdigit() and len(v) < 12]
        count = alerts.mark_many_read(ids)
    flash(f"已将 {count} 条提醒标为已读。" if count else "没有需要标为已读的提醒。", "success")
    return redirect(_back())


def _back() -> str:
    """The inbox page the form was posted from (its filter and page, nothing else)."""
    args = {k: request.form[k] for k in ("kind", "unread", "page") if request.form.get(k)}
    kind = _kind(args.get("kind"))
    return url_for(
        "inbox.index",
        kind=kind.value if kind else None,
        unread="1" if args.get("unread") == "1" else None,
        page=_page_number(args.get("page")) if args.get("page") else None,
    )
