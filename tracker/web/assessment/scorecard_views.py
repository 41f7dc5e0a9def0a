"""Scorecards (评分表, issue 5 §5): per indicator the points, score and deductions; the
assessors' decisions on proposed adjustments, the unit's appeal and the answer to it; the
.xlsx download."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from tracker.domain.policy import Action
from tracker.io.scorecard_workbook import scorecard_xlsx
from tracker.models import ScoreAdjustment, Unit
from tracker.services import assessment as assessment_service
from tracker.services import assessment_pages as pages
from tracker.services import self_assessment as sa_service
from tracker.services.scorecard_sheet import scorecard_sheet
from tracker.web.access import allowed, require
from tracker.web.actions import flash_form_errors, submit
from tracker.web.assessment.blueprint import bp, card_unit, grades
from tracker.web.assessment.forms import AnswerForm, AppealForm, DecisionForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/<int:set_id>/plans/<int:plan_id>")
@login_required
def scorecard(set_id: int, plan_id: int) -> str:
    """The scorecard of the plan (or of ``?unit=``): per indicator points, score and the
    deductions with rule, event and decision; per level; total and grade; the decision
    forms (assessors), appeal forms (the unit) and answer forms (assessors)."""
    return _render_scorecard(set_id, plan_id, card_unit())


def _render_scorecard(set_id: int, plan_id: int, unit: Unit | None, **forms: object) -> str:
    """The scorecard page; ``forms`` are a refused form to show again (``decision_form``,
    ``appeal_form`` or ``answer_form``) and ``failed_id``, the adjustment it was for."""
    indicator_set = sa_service.get_set(set_id)
    plan = pages.get_plan(plan_id)
    unit_id = unit.id if unit else None
    return render_template(
        "assessment/scorecard.html",
        indicator_set=indicator_set,
        plan=plan,
        unit=unit,
        card=assessment_service.scorecard(set_id, plan_id, unit_id, grades=grades()),
        adjustments=pages.adjustments_of(set_id, plan_id, unit_id),
        units=sa_service.assessed_units(set_id),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        appeal_form=forms.get("appeal_form") or AppealForm(formdata=None),
        answer_form=forms.get("answer_form") or AnswerForm(formdata=None),
        failed_id=forms.get("failed_id"),
        may_appeal=allowed(Action.FILL_SELF_ASSESSMENT),
        may_decide=allowed(Action.REVIEW_ASSESSMENT),
        status_labels=pages.STATUS_LABELS,
    )


@bp.route("/<int:set_id>/plans/<int:plan_id>/scorecard.xlsx")
@login_required
def scorecard_download(set_id: int, plan_id: int) -> Response:
    """The scorecard as .xlsx in the rubric's layout."""
    unit = card_unit()
    indicator_set = sa_service.get_set(set_id)
    pages.get_plan(plan_id)
    card = assessment_service.scorecard(set_id, plan_id, unit.id if unit else None, grades=grades())
    name = f"{indicator_set.name}{unit.name if unit else ''}评分表.xlsx"
    response = send_file(
        io.BytesIO(scorecard_xlsx(scorecard_sheet(card))),
        mimetype=XLSX,
        as_attachment=True,
        download_name=name,
    )
    return response


@bp.route("/adjustments/<int:adjustment_id>/decide", methods=["POST"])
@login_required
def decide(adjustment_id: int) -> str | Response:
    """An assessor confirms, changes or rejects a proposed adjustment, with a reason."""
    require(Action.REVIEW_ASSESSMENT)
    adjustment = pages.get_adjustment(adjustment_id)
    form = DecisionForm()
    if form.validate_on_submit() and submit(form, lambda: _decide(adjustment, form)).ok:
        flash("认定已保存。", "success")
        return _back_to_card(adjustment)
    return _rerender(adjustment, decision_form=form)


def _decide(adjustment: ScoreAdjustment, form: DecisionForm) -> ScoreAdjustment:
    return assessment_service.decide(
        adjustment, current_user, form.decision.data, form.points.data, form.reason.data or ""
    )


@bp.route("/adjustments/<int:adjustment_id>/appeal", methods=["POST"])
@login_required
def appeal(adjustment_id: int) -> str | Response:
    """The unit of a decided adjustment appeals it once, with a reason."""
    require(Action.FILL_SELF_ASSESSMENT)
    adjustment = pages.get_adjustment(adjustment_id)
    if adjustment.unit_id is None or adjustment.unit_id != current_user.unit_id:
        abort(403)
    form = AppealForm()
    if form.validate_on_submit() and submit(form, lambda: _appeal(adjustment, form)).ok:
        flash("申诉已提交。", "success")
        return _back_to_card(adjustment)
    return _rerender(adjustment, appeal_form=form)


def _appeal(adjustment: ScoreAdjustment, form: AppealForm) -> ScoreAdjustment:
    return assessment_service.appeal(adjustment, current_user, form.reason.data or "")


@bp.route("/adjustments/<int:adjustment_id>/answer", methods=["POST"])
@login_required
def answer_appeal(adjustment_id: int) -> str | Response:
    """An assessor answers an appeal, optionally with new points."""
    require(Action.REVIEW_ASSESSMENT)
    adjustment = pages.get_adjustment(adjustment_id)
    form = AnswerForm()
    if form.validate_on_submit() and submit(form, lambda: _answer(adjustment, form)).ok:
        flash("申诉答复已保存。", "success")
        return _back_to_card(adjustment)
    return _rerender(adjustment, answer_form=form)


def _answer(adjustment: ScoreAdjustment, form: AnswerForm) -> ScoreAdjustment:
    return assessment_service.answer_appeal(
        adjustment, current_user, form.answer.data or "", form.points.data
    )


def _back_to_card(adjustment: ScoreAdjustment) -> Response:
    query = f"?unit={adjustment.unit_id}" if adjustment.unit_id else ""
    target = url_for("assessment.scorecard", set_id=adjustment.set_id, plan_id=adjustment.plan_id)
    return redirect(target + query + f"#adjustment-{adjustment.id}")


def _rerender(adjustment: ScoreAdjustment, **forms: FlaskForm) -> str:
    """The scorecard again (200) with the refused form's messages flashed and beside its
    fields."""
    for form in forms.values():
        flash_form_errors(form)
    unit = pages.get_unit(adjustment.unit_id) if adjustment.unit_id else None
    return _render_scorecard(
        adjustment.set_id, adjustment.plan_id, unit, failed_id=adjustment.id, **forms
    )
