"""The reviewer's page (审核, issue 5 §4): an opinion (审核意见) and a final score on each
entry a unit filed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.domain.policy import Action
from tracker.services import assessment_pages as pages
from tracker.services import self_assessment as sa_service
from tracker.services import self_assessment_forms as form_service
from tracker.web.access import require
from tracker.web.assessment.blueprint import bp, submit_rows
from tracker.web.assessment.forms import ReviewForm


@bp.route("/<int:set_id>/units/<int:unit_id>/review", methods=["GET", "POST"])
@login_required
def review(set_id: int, unit_id: int) -> str | Response:
    """The reviewer writes an opinion (审核意见) and a final score per filed entry. Saved
    all or nothing; a refused row is shown beside its field."""
    require(Action.REVIEW_ASSESSMENT)
    indicator_set = sa_service.get_set(set_id)
    unit = pages.get_unit(unit_id)
    rows = [row for row in sa_service.self_assessment_form(set_id, unit.id) if row.entry]
    form = ReviewForm()
    if request.method == "GET":
        form.fill(rows)
    elif form.validate_on_submit() and _save(form, {r.entry.id for r in rows if r.entry}):
        flash("审核意见已保存。", "success")
        return redirect(url_for("assessment.review", set_id=set_id, unit_id=unit_id))
    return render_template(
        "assessment/review.html",
        indicator_set=indicator_set,
        unit=unit,
        rows=list(zip(rows, form.rows, strict=False)),
        form=form,
    )


def _save(form: ReviewForm, entry_ids: set[int]) -> bool:
    """Save the posted rows; a row of an entry not on the page is a 400."""
    if not set(form.entry_ids()) <= entry_ids:
        abort(400)
    inputs = form.inputs()
    return submit_rows(
        form, lambda: form_service.review_self_assessment_form(current_user, inputs)
    ).ok
