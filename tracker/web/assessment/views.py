"""Assessment pages (考核, issue 5 §3–§5): the list of indicator sets and plans; a unit's
self-assessment form (自评) with evidence, its .docx export and printable view; the
reviewer's opinions and final scores; the scorecard with the decisions on proposed
adjustments and the appeals; the office's mapping of tasks to indicators.

Who may do what is decided by :mod:`tracker.domain.policy`; views check the unit
concerned (a unit user sees and fills only its own unit's pages)."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.domain.policy import Action
from tracker.extensions import db
from tracker.io.scorecard_workbook import scorecard_xlsx
from tracker.io.self_assessment_document import self_assessment_docx
from tracker.models import (
    Evidence,
    Indicator,
    IndicatorSet,
    Plan,
    ScoreAdjustment,
    SelfAssessment,
    Unit,
)
from tracker.services import assessment as assessment_service
from tracker.services import assessment_pages as pages
from tracker.services import evidence as evidence_service
from tracker.services import self_assessment as sa_service
from tracker.services.errors import NotFound, ServiceError
from tracker.web.access import allowed, require
from tracker.web.assessment.forms import (
    AnswerForm,
    AppealForm,
    DecisionForm,
    EvidenceForm,
    MappingForm,
    ReviewForm,
    SelfAssessmentForm,
)
from tracker.web.files import private_download
from tracker.web.forms import show_service_error

bp = Blueprint("assessment", __name__, url_prefix="/assessment")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------- lookups


def _set_or_404(set_id: int) -> IndicatorSet:
    try:
        return sa_service.get_set(set_id)
    except NotFound:
        abort(404)


def _unit_or_404(unit_id: int) -> Unit:
    try:
        return pages.get_unit(unit_id)
    except NotFound:
        abort(404)


def _own_unit() -> Unit:
    """The current unit user's unit (403 for a user without one)."""
    require(Action.FILL_SELF_ASSESSMENT)
    if current_user.unit is None:
        abort(403)
    return current_user.unit


def _adjustment_or_404(adjustment_id: int) -> ScoreAdjustment:
    try:
        return pages.get_adjustment(adjustment_id)
    except NotFound:
        abort(404)


def _unit_for_reading(set_id: int) -> Unit:
    """The unit whose form is read: a unit user's own; for reviewers and the office the
    unit of ``?unit=`` (404 when missing)."""
    if allowed(Action.FILL_SELF_ASSESSMENT):
        return _own_unit()
    require(Action.VIEW_ALL_SCORECARDS)
    unit_id = request.args.get("unit", type=int)
    if unit_id is None:
        abort(404)
    return _unit_or_404(unit_id)


# ---------------------------------------------------------------------------- list


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


# ---------------------------------------------------------------------------- self-assessment


@bp.route("/<int:set_id>/self", methods=["GET", "POST"])
@login_required
def self_form(set_id: int) -> str | Response:
    """A unit fills its self-assessment: per indicator a text, a proposed score and
    evidence. Saved all or nothing."""
    unit = _own_unit()
    indicator_set = _set_or_404(set_id)
    rows = sa_service.self_assessment_form(set_id, unit.id)
    form = SelfAssessmentForm()
    if request.method == "GET":
        _fill_self_form(form, rows)
    elif form.validate_on_submit() and _save_self(form, set_id, unit):
        flash("自评已保存。", "success")
        return redirect(url_for("assessment.self_form", set_id=set_id))
    return render_template(
        "assessment/self.html",
        indicator_set=indicator_set,
        unit=unit,
        rows=list(zip(rows, form.rows, strict=False)),
        form=form,
        max_chars=_max_chars(),
    )


def _fill_self_form(form: SelfAssessmentForm, rows: list[sa_service.FormRow]) -> None:
    while len(form.rows):
        form.rows.pop_entry()
    for row in rows:
        form.rows.append_entry(
            {
                "indicator_id": str(row.indicator.id),
                "text": row.entry.text if row.entry else "",
                "proposed_score": row.entry.proposed_score if row.entry else None,
            }
        )


def _grades() -> dict[str, float]:
    return app_settings.current().assessment.grade_thresholds()


def _max_chars() -> int:
    return app_settings.current().assessment.self_assessment_max_chars


def _save_self(form: SelfAssessmentForm, set_id: int, unit: Unit) -> bool:
    """Save every filled row; on a refusal roll back, show it beside the row, False."""
    allowed_ids = {i.id for i in sa_service.indicators_of_unit(set_id, unit.id)}
    for sub in form.rows:
        indicator_id = int(sub.indicator_id.data or 0)
        if indicator_id not in allowed_ids:
            abort(400)
        text, score = sub.text.data or "", sub.proposed_score.data
        if (
            not text.strip()
            and score is None
            and not sa_service.get_entry(set_id, unit.id, indicator_id)
        ):
            continue
        indicator = sa_service.get_indicator(set_id, indicator_id)
        try:
            sa_service.save_self_assessment(
                set_id, unit, indicator, current_user, text, score, max_chars=_max_chars()
            )
        except ServiceError as error:
            db.session.rollback()
            show_service_error(sub, error)
            flash(error.message, "error")
            return False
    db.session.commit()
    return True


@bp.route("/<int:set_id>/self.docx")
@login_required
def self_docx(set_id: int) -> Response:
    """The form as .docx in the layout of the source table."""
    unit = _unit_for_reading(set_id)
    indicator_set = _set_or_404(set_id)
    rows = sa_service.self_assessment_form(set_id, unit.id)
    data = self_assessment_docx(rows, indicator_set.name, unit.name)
    response = send_file(
        io.BytesIO(data),
        mimetype=DOCX,
        as_attachment=True,
        download_name=f"{unit.name}自评表.docx",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/<int:set_id>/self/print")
@login_required
def self_print(set_id: int) -> str:
    """The form as a printable page."""
    unit = _unit_for_reading(set_id)
    indicator_set = _set_or_404(set_id)
    return render_template(
        "assessment/print.html",
        indicator_set=indicator_set,
        unit=unit,
        rows=sa_service.self_assessment_form(set_id, unit.id),
    )


@bp.route("/<int:set_id>/self/<int:indicator_id>/evidence", methods=["GET", "POST"])
@login_required
def self_evidence(set_id: int, indicator_id: int) -> str | Response:
    """Upload evidence for one indicator of the unit's self-assessment."""
    unit = _own_unit()
    _set_or_404(set_id)
    try:
        indicator = sa_service.get_indicator(set_id, indicator_id)
    except NotFound:
        abort(404)
    if indicator.id not in {i.id for i in sa_service.indicators_of_unit(set_id, unit.id)}:
        abort(403)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            _attach(set_id, unit, indicator, form)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            flash("佐证材料已上传。", "success")
            return redirect(url_for("assessment.self_form", set_id=set_id))
    entry = sa_service.get_entry(set_id, unit.id, indicator.id)
    return render_template(
        "assessment/evidence.html",
        set_id=set_id,
        indicator=indicator,
        form=form,
        files=sa_service.evidence_of(entry) if entry else [],
        accept=evidence_service.ACCEPT_ATTRIBUTE,
        accept_label=evidence_service.ACCEPTED_LABEL,
        max_mb=app_settings.current().uploads.max_upload_mb,
    )


def _attach(set_id: int, unit: Unit, indicator: Indicator, form: EvidenceForm) -> None:
    """Attach the file to the unit's entry (created empty if missing) and commit."""
    entry = sa_service.get_entry(set_id, unit.id, indicator.id)
    if entry is None:
        entry = sa_service.save_self_assessment(
            set_id, unit, indicator, current_user, "", None, max_chars=_max_chars()
        )
    evidence_service.attach(
        entry,
        form.file.data,
        current_user,
        storage_dir=app_settings.current().uploads.folder,
        max_bytes=app_settings.current().uploads.max_bytes,
    )
    db.session.commit()


@bp.route("/evidence/<int:evidence_id>")
@login_required
def evidence_download(evidence_id: int) -> Response:
    """A self-assessment evidence file: for its unit, the reviewers and the office."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.self_assessment_id is None:
        abort(404)
    entry = db.session.get(SelfAssessment, evidence.self_assessment_id)
    own = (
        allowed(Action.FILL_SELF_ASSESSMENT)
        and entry is not None
        and current_user.unit_id == entry.unit_id
    )
    if not (own or allowed(Action.VIEW_ALL_SCORECARDS)):
        abort(403)
    try:
        path = evidence_service.open_evidence(evidence, app_settings.current().uploads.folder)
    except NotFound:
        abort(404)
    return private_download(path, evidence.content_type, evidence.original_name)


# ---------------------------------------------------------------------------- review


@bp.route("/<int:set_id>/units/<int:unit_id>/review", methods=["GET", "POST"])
@login_required
def review(set_id: int, unit_id: int) -> str | Response:
    """The reviewer writes an opinion (审核意见) and a final score per filed entry."""
    require(Action.REVIEW_ASSESSMENT)
    indicator_set = _set_or_404(set_id)
    unit = _unit_or_404(unit_id)
    rows = [row for row in sa_service.self_assessment_form(set_id, unit.id) if row.entry]
    form = ReviewForm()
    if request.method == "GET":
        _fill_review_form(form, rows)
    elif form.validate_on_submit() and _save_review(form, {r.entry.id for r in rows if r.entry}):
        flash("审核意见已保存。", "success")
        return redirect(url_for("assessment.review", set_id=set_id, unit_id=unit_id))
    return render_template(
        "assessment/review.html",
        indicator_set=indicator_set,
        unit=unit,
        rows=list(zip(rows, form.rows, strict=False)),
        form=form,
    )


def _fill_review_form(form: ReviewForm, rows: list[sa_service.FormRow]) -> None:
    while len(form.rows):
        form.rows.pop_entry()
    for row in rows:
        assert row.entry is not None
        form.rows.append_entry(
            {
                "entry_id": str(row.entry.id),
                "opinion": row.entry.opinion,
                "final_score": row.entry.final_score,
            }
        )


def _save_review(form: ReviewForm, entry_ids: set[int]) -> bool:
    """Save every row with an opinion or a score; on a refusal roll back, False."""
    for sub in form.rows:
        entry_id = int(sub.entry_id.data or 0)
        if entry_id not in entry_ids:
            abort(400)
        opinion, score = sub.opinion.data or "", sub.final_score.data
        if not opinion.strip() and score is None:
            continue
        entry = sa_service.get_self_assessment(entry_id)
        try:
            sa_service.review_self_assessment(entry, current_user, opinion, score)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(sub, error)
            flash(error.message, "error")
            return False
    db.session.commit()
    return True


# ---------------------------------------------------------------------------- scorecards


def _card_unit(plan_id: int) -> Unit | None:
    """The unit of the scorecard: a unit user's own (403 for another's ``?unit=``);
    for overseers ``?unit=`` or None for the whole plan."""
    require(Action.VIEW_SCORECARD)
    unit_id = request.args.get("unit", type=int)
    if not allowed(Action.VIEW_ALL_SCORECARDS):
        if current_user.unit_id is None or unit_id not in (None, current_user.unit_id):
            abort(403)
        return current_user.unit
    return _unit_or_404(unit_id) if unit_id is not None else None


def _plan_or_404(plan_id: int) -> Plan:
    try:
        return pages.get_plan(plan_id)
    except NotFound:
        abort(404)


@bp.route("/<int:set_id>/plans/<int:plan_id>")
@login_required
def scorecard(set_id: int, plan_id: int) -> str:
    """The scorecard of the plan (or of ``?unit=``): per indicator points, score and the
    deductions with rule, event and decision; per level; total and grade; the decision
    forms (assessors), appeal forms (the unit) and answer forms (assessors)."""
    unit = _card_unit(plan_id)
    return _render_scorecard(set_id, plan_id, unit)


def _render_scorecard(set_id: int, plan_id: int, unit: Unit | None, **forms: object) -> str:
    indicator_set = _set_or_404(set_id)
    plan = _plan_or_404(plan_id)
    unit_id = unit.id if unit else None
    card = assessment_service.scorecard(set_id, plan_id, unit_id, grades=_grades())
    return render_template(
        "assessment/scorecard.html",
        indicator_set=indicator_set,
        plan=plan,
        unit=unit,
        card=card,
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
    unit = _card_unit(plan_id)
    indicator_set = _set_or_404(set_id)
    _plan_or_404(plan_id)
    card = assessment_service.scorecard(
        set_id, plan_id, unit.id if unit else None, grades=_grades()
    )
    name = f"{indicator_set.name}{unit.name if unit else ''}评分表.xlsx"
    response = send_file(
        io.BytesIO(scorecard_xlsx(card)), mimetype=XLSX, as_attachment=True, download_name=name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _back_to_card(adjustment: ScoreAdjustment) -> Response:
    query = f"?unit={adjustment.unit_id}" if adjustment.unit_id else ""
    target = url_for("assessment.scorecard", set_id=adjustment.set_id, plan_id=adjustment.plan_id)
    return redirect(target + query + f"#adjustment-{adjustment.id}")


def _card_unit_of(adjustment: ScoreAdjustment) -> Unit | None:
    return db.session.get(Unit, adjustment.unit_id) if adjustment.unit_id else None


@bp.route("/adjustments/<int:adjustment_id>/decide", methods=["POST"])
@login_required
def decide(adjustment_id: int) -> str | Response:
    """An assessor confirms, changes or rejects a proposed adjustment, with a reason."""
    require(Action.REVIEW_ASSESSMENT)
    adjustment = _adjustment_or_404(adjustment_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            assessment_service.decide(
                adjustment, current_user, form.decision.data, form.points.data, form.reason.data
            )
            db.session.commit()
            flash("认定已保存。", "success")
            return _back_to_card(adjustment)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
    return _rerender(adjustment, decision_form=form)


@bp.route("/adjustments/<int:adjustment_id>/appeal", methods=["POST"])
@login_required
def appeal(adjustment_id: int) -> str | Response:
    """The unit of a decided adjustment appeals it once, with a reason."""
    require(Action.FILL_SELF_ASSESSMENT)
    adjustment = _adjustment_or_404(adjustment_id)
    if adjustment.unit_id is None or adjustment.unit_id != current_user.unit_id:
        abort(403)
    form = AppealForm()
    if form.validate_on_submit():
        try:
            assessment_service.appeal(adjustment, current_user, form.reason.data or "")
            db.session.commit()
            flash("申诉已提交。", "success")
            return _back_to_card(adjustment)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
    return _rerender(adjustment, appeal_form=form)


@bp.route("/adjustments/<int:adjustment_id>/answer", methods=["POST"])
@login_required
def answer_appeal(adjustment_id: int) -> str | Response:
    """An assessor answers an appeal, optionally with new points."""
    require(Action.REVIEW_ASSESSMENT)
    adjustment = _adjustment_or_404(adjustment_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            assessment_service.answer_appeal(
                adjustment, current_user, form.answer.data or "", form.points.data
            )
            db.session.commit()
            flash("申诉答复已保存。", "success")
            return _back_to_card(adjustment)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
    return _rerender(adjustment, answer_form=form)


def _rerender(adjustment: ScoreAdjustment, **forms: object) -> str:
    """The scorecard again (200) with the refused form's messages."""
    adjustment = _adjustment_or_404(adjustment.id)
    for form in forms.values():
        for messages in form.errors.values():  # type: ignore[attr-defined]
            for message in messages:
                flash(message, "error")
    return _render_scorecard(
        adjustment.set_id,
        adjustment.plan_id,
        _card_unit_of(adjustment),
        failed_id=adjustment.id,
        **forms,
    )


# ---------------------------------------------------------------------------- mapping


@bp.route("/<int:set_id>/mapping", methods=["GET", "POST"])
@login_required
def mapping(set_id: int) -> str | Response:
    """The office maps the plan's (``?plan=``) tasks to level-3 indicators, with the
    suggestions from the text of both shown per task."""
    require(Action.MAP_INDICATORS)
    indicator_set = _set_or_404(set_id)
    plan_id = request.args.get("plan", type=int)
    if plan_id is None:
        abort(404)
    plan = _plan_or_404(plan_id)
    form = MappingForm()
    if request.method == "POST":
        if form.validate_on_submit():
            _apply_mapping(set_id, plan_id, form)
            return redirect(url_for("assessment.mapping", set_id=set_id, plan=plan_id))
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
    rows = pages.mapping_rows(set_id, plan_id)
    return render_template(
        "assessment/mapping.html",
        indicator_set=indicator_set,
        plan=plan,
        rows=rows,
        suggestions={
            row.task.id: assessment_service.suggest_indicators(row.task, set_id) for row in rows
        },
        indicators=pages.level3_of_set(set_id),
        form=MappingForm(formdata=None),
    )


def _apply_mapping(set_id: int, plan_id: int, form: MappingForm) -> None:
    """Map or unmap, commit and flash; a task or indicator of another plan or set is 404."""
    try:
        task = pages.get_task(int(form.task_id.data))
        indicator = sa_service.get_indicator(set_id, int(form.indicator_id.data))
    except (NotFound, ValueError):
        abort(404)
    if task.plan_id != plan_id:
        abort(404)
    try:
        if form.action.data == "unmap":
            assessment_service.unmap_task(task, indicator, current_user)
            message = f"已取消任务与指标“{indicator.name}”的对应。"
        else:
            assessment_service.map_task(task, indicator, current_user)
            message = f"已将任务对应到指标“{indicator.name}”。"
        db.session.commit()
        flash(message, "success")
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
