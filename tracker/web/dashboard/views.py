"""The leaders' overview: ``/dashboard`` (the newest plan, or ``?plan=``) across plans."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from tracker.clock import today
from tracker.domain.lag import URGENCY
from tracker.domain.policy import Action, Role
from tracker.services import dashboard as dashboard_service
from tracker.services import dashboard_matrix, plans
from tracker.web.access import require
from tracker.web.dashboard.trend import trend_chart

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@login_required
def index() -> str:
    """Every plan's counts by state (50 plans a page, ``?page=``), and for the newest
    plan or ``?plan=``: counts by state and their change, by category, the league table
    of units, the trend per quarter, the most lagging tasks and the 批示 (a leader's
    own)."""
    require(Action.VIEW_ALL_TASKS)
    day = today()
    overview = dashboard_service.plans_overview(day, request.args.get("page", 1, type=int) or 1)
    if not overview.items:
        return render_template("dashboard/index.html", overview=overview, board=None)
    plan_id = request.args.get("plan", type=int) or plans.newest_plan_id() or 0
    board = dashboard_service.build_dashboard(plan_id, day, author_id=author_filter())
    return render_template(
        "dashboard/index.html",
        overview=overview,
        board=board,
        chart=trend_chart(board.trend),
        urgency=URGENCY,
    )


def author_filter() -> int | None:
    """A leader sees their own 批示; the office and others see every one."""
    return int(current_user.id) if current_user.role == Role.LEADER else None


@bp.route("/plans/<int:plan_id>/matrix")
@login_required
def matrix(plan_id: int) -> str:
    """Tasks × years, each cell the task's state at the year's end, linked to the task."""
    require(Action.VIEW_ALL_TASKS)
    return render_template(
        "dashboard/matrix.html", matrix=dashboard_matrix.build_matrix(plan_id, today())
    )


from tracker.web.dashboard import briefing, exports  # noqa: E402  (routes on this blueprint)

__all__ = ["bp", "briefing", "exports"]
