"""The ledger page (台账)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.lag import LagState
from tracker.domain.policy import Action, Role
from tracker.services import plans
from tracker.services.ledger import LedgerFilter, build_ledger
from tracker.web.access import allowed, require

bp = Blueprint("ledger", __name__)


@bp.route("/")
@login_required
def index() -> str | Response:
    """The newest plan's ledger, or a hint to import one."""
    require(Action.VIEW_LEDGER)
    if current_user.role == Role.LEADER:  # issue 13: a leader lands on the overview
        return redirect(url_for("dashboard.index"))
    newest = plans.newest_plan_id()
    if newest is None:
        return render_template("ledger/empty.html")
    return redirect(url_for("ledger.plan_ledger", plan_id=newest))


@bp.route("/plans/<int:plan_id>")
@login_required
def plan_ledger(plan_id: int) -> str:
    """A plan's tasks with lead and cooperating units, milestones and lag states, a page
    (``?page=``) of 100 at a time."""
    require(Action.VIEW_LEDGER)
    filters = _filters()
    return render_template(
        "ledger/ledger.html",
        ledger=build_ledger(
            plan_id,
            today(),
            filters,
            lag=app_settings.current().lag,
            page=request.args.get("page", 1, type=int) or 1,
        ),
        filters=filters,
        states=list(LagState),
    )


def _filters() -> LedgerFilter:
    """The filters of ``?unit=&state=&category=``; a unit user sees only its unit's tasks."""
    return LedgerFilter(
        unit_id=request.args.get("unit", type=int),
        state=_state_arg(request.args.get("state")),
        category_id=request.args.get("category", type=int),
        visible_unit_id=None if allowed(Action.VIEW_ALL_TASKS) else current_user.unit_id or -1,
    )


def _state_arg(raw: str | None) -> LagState | None:
    try:
        return LagState(raw) if raw else None
    except ValueError:
        return None
