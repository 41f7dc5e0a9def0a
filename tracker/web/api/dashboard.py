"""``GET /api/v1/plans/{id}/dashboard``: the leaders' overview as JSON (issue 13); ``GET
/api/v1/plans``: every plan's counts by state, as the overview's table (issue 14 §3)."""

from __future__ import annotations

from tracker.clock import today
from tracker.domain.policy import Action, Role
from tracker.services import dashboard as dashboard_service
from tracker.web.api import bp
from tracker.web.api.auth import api_user, require_api
from tracker.web.api.dashboard_responses import DashboardOut, PlanOverviewList
from tracker.web.api.schemas import PageOnly
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


@bp.get("/plans")
@spec.validate(resp=answers(PlanOverviewList, 403, 422))
def list_plans(query: PageOnly) -> PlanOverviewList:
    """各方案概况

    Every plan, newest first, 50 a page, with its counts by state on its newest scanned
    day (``as_of``). Who may see the overview may call it (not unit users: 403)."""
    require_api(Action.VIEW_ALL_TASKS)
    return PlanOverviewList.of(dashboard_service.plans_overview(today(), query.page))
