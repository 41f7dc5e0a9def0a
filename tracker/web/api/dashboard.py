"""``GET /api/v1/plans/{id}/dashboard``: the leaders' overview as JSON (issue 13)."""

from __future__ import annotations

from tracker.clock import today
from tracker.domain.policy import Action, Role
from tracker.services import dashboard as dashboard_service
from tracker.web.api import bp
from tracker.web.api.auth import api_user, require_api
from tracker.web.api.dashboard_responses import DashboardOut
from tracker.web.api.spec import answers, spec


@bp.get("/plans/<int:plan_id>/dashboard")
@spec.validate(resp=answers(DashboardOut, 403, 404))
def plan_dashboard(plan_id: int) -> DashboardOut:
    """方案驾驶舱：状态、单位排名与各季度走势

    Counts by state now and at the last period, by category, the league table of units
    (``rank``, ``rank_change``; ``rank`` null for units with nothing due), the trend per
    quarter and the most lagging tasks, from the stored scan results. Who may see the
    page may call it (not unit users: 403). 404 unknown plan."""
    require_api(Action.VIEW_ALL_TASKS)
    user = api_user()
    author = user.id if user.role == Role.LEADER else None
    return DashboardOut.of(dashboard_service.build_dashboard(plan_id, today(), author_id=author))
