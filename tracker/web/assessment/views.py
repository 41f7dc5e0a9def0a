"""Assessment pages (考核, issue 5 §3–§5): the list of indicator sets and plans here; a
unit's self-assessment in :mod:`.self_views`, the reviewer's page in :mod:`.review_views`,
scorecards with decisions and appeals in :mod:`.scorecard_views`, the office's mapping of
tasks to indicators in :mod:`.mapping_views`. All register on one blueprint
(:data:`tracker.web.assessment.blueprint.bp`, re-exported here), so every endpoint is
``assessment.<view>``."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from tracker.domain.policy import Action
from tracker.services import assessment_pages as pages
from tracker.services import self_assessment as sa_service
from tracker.web.access import require
from tracker.web.assessment import (  # noqa: F401  (importing them registers their routes)
    mapping_views,
    review_views,
    scorecard_views,
    self_views,
    set_views,
)
from tracker.web.assessment.blueprint import bp

__all__ = ["bp"]


@bp.route("")
@login_required
def index() -> str:
    """Indicator sets and plans, with links to the pages the user may open."""
    require(Action.VIEW_ASSESSMENT)
    sets = pages.all_sets()
    return render_template(
        "assessment/index.html",
        sets=sets,
        plans=pages.all_plans(),
        units_of={s.id: sa_service.assessed_units(s.id) for s in sets},
    )
