"""The office's mapping of a plan's tasks to level-3 indicators (issue 5 §3), with the
indicators suggested from the text of both."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.domain.policy import Action
from tracker.models import Indicator, IndicatorSet, Plan, Task
from tracker.services import assessment as assessment_service
from tracker.services import assessment_pages as pages
from tracker.services import self_assessment as sa_service
from tracker.services.assessment.suggestions import suggestions_for
from tracker.web.access import require
from tracker.web.actions import act, flash_form_errors
from tracker.web.assessment.blueprint import bp
from tracker.web.assessment.forms import MappingForm


@bp.route("/<int:set_id>/mapping", methods=["GET", "POST"])
@login_required
def mapping(set_id: int) -> str | Response:
    """The office maps the plan's (``?plan=``, 404 without) tasks to level-3 indicators,
    with the suggestions from the text of both shown per task. A post maps or unmaps one
    pair and comes back here."""
    require(Action.MAP_INDICATORS)
    indicator_set = sa_service.get_set(set_id)
    plan = pages.get_plan(_plan_arg())
    form = MappingForm()
    if form.validate_on_submit():
        return _map_or_unmap(set_id, plan.id, form)
    flash_form_errors(form)
    return render_template("assessment/mapping.html", **_mapping_page(indicator_set, plan))


def _plan_arg() -> int:
    plan_id = request.args.get("plan", type=int)
    if plan_id is None:
        abort(404)
    return plan_id


def _map_or_unmap(set_id: int, plan_id: int, form: MappingForm) -> Response:
    task, indicator = _posted_pair(set_id, plan_id, form)
    back = url_for("assessment.mapping", set_id=set_id, plan=plan_id, _anchor=f"task-{task.id}")
    if form.action.data == "unmap":
        return act(
            lambda: assessment_service.unmap_task(task, indicator, current_user),
            f"已取消任务与指标“{indicator.name}”的对应。",
            back,
        )
    return act(
        lambda: assessment_service.map_task(task, indicator, current_user),
        f"已将任务对应到指标“{indicator.name}”。",
        back,
    )


def _posted_pair(set_id: int, plan_id: int, form: MappingForm) -> tuple[Task, Indicator]:
    """The posted task of the plan and level-3 indicator of the set; 404 for anything
    else (an id that is not a number, of another plan or set, or of nothing)."""
    try:
        task_id, indicator_id = int(form.task_id.data or ""), int(form.indicator_id.data or "")
    except ValueError:
        abort(404)
    task = pages.get_task(task_id)
    indicator = sa_service.get_indicator(set_id, indicator_id)
    if task.plan_id != plan_id:
        abort(404)
    return task, indicator


def _mapping_page(indicator_set: IndicatorSet, plan: Plan) -> dict[str, object]:
    """The plan's tasks with their mapped and suggested indicators, and the set's
    level-3 indicators to choose from."""
    rows = pages.mapping_rows(indicator_set.id, plan.id)
    suggest = suggestions_for
    return {
        "indicator_set": indicator_set,
        "plan": plan,
        "rows": rows,
        "suggestions": {row.task.id: suggest(row.task, indicator_set.id) for row in rows},
        "indicators": pages.level3_of_set(indicator_set.id),
        "form": MappingForm(formdata=None),
    }
