"""Downloads of the overview: the ledger (page filters) and the league table as .xlsx."""

from __future__ import annotations

import io

from flask import request, send_file
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.lag import LagState
from tracker.domain.policy import Action
from tracker.services import exports
from tracker.services.ledger import LedgerFilter
from tracker.web.access import allowed, require
from tracker.web.dashboard.views import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/plans/<int:plan_id>/ledger.xlsx")
@login_required
def ledger_xlsx(plan_id: int) -> Response:
    """The ledger as the office's Excel table, with the page's ``?unit=&state=&category=``
    (a unit user gets its unit's tasks only, as on the page)."""
    require(Action.VIEW_LEDGER)
    name, data = exports.ledger_workbook(
        plan_id, today(), _filters(), lag=app_settings.current().lag
    )
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/plans/<int:plan_id>/league.xlsx")
@login_required
def league_xlsx(plan_id: int) -> Response:
    """The league table of units as .xlsx (the overview's figures)."""
    require(Action.VIEW_ALL_TASKS)
    name, data = exports.league_workbook(plan_id, today())
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


def _filters() -> LedgerFilter:
    """The ledger page's filters; a unit user sees only its unit's tasks."""
    raw = request.args.get("state")
    state = LagState(raw) if raw in set(LagState) else None
    return LedgerFilter(
        unit_id=request.args.get("unit", type=int),
        state=state,
        category_id=request.args.get("category", type=int),
        visible_unit_id=None if allowed(Action.VIEW_ALL_TASKS) else current_user.unit_id or -1,
    )
