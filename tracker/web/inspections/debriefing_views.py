"""Duty debriefings (述职评议): the office sets rounds up; units hand in written reports
(text and file); leaders and the assessment group score each unit per criterion; the
office, leaders and assessors read the (trimmed) averages. A unit sees its own report."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.domain.supervision import SupervisionAction as A
from tracker.models import Debriefing, DebriefingReport, Unit
from tracker.services.inspections import debriefings, rounds
from tracker.services.inspections import files as file_service
from tracker.web.actions import act, submit
from tracker.web.inspections.access import (
    attach_upload,
    may_do,
    me,
    own_unit_id,
    require_may,
    sees_all,
)
from tracker.web.inspections.forms import DebriefingForm, DebriefingReportForm, RateForm

bp = Blueprint("debriefings", __name__)


def _readable(debriefing_id: int) -> Debriefing:
    require_may(A.VIEW)
    round_ = debriefings.get_debriefing(debriefing_id)
    if not sees_all() and not debriefings.takes_part(round_, own_unit_id()):
        abort(403)
    return round_


def _form() -> DebriefingForm:
    form = DebriefingForm()
    form.unit_ids.choices = [(u.id, u.name) for u in rounds.all_units()]
    return form


@bp.route("/debriefings", methods=["GET", "POST"])
@login_required
def index() -> str | Response:
    """The rounds (a unit: those it takes part in); the office sets a new one up."""
    require_may(A.VIEW)
    form = _form() if may_do(A.MANAGE) else None
    if form is None and request.method == "POST":
        abort(403)
    if form is not None and form.validate_on_submit():
        outcome = submit(form, lambda: debriefings.create_debriefing(_input(form), me()))
        if outcome.ok and outcome.value is not None:
            flash("已新建述职评议。", "success")
            return redirect(url_for("debriefings.show", debriefing_id=outcome.value.id))
    shown = debriefings.list_debriefings(None if sees_all() else own_unit_id() or -1)
    return render_template("inspections/debriefings.html", rounds=shown, form=form)


def _input(form: DebriefingForm) -> debriefings.DebriefingInput:
    assert form.held_on.data is not None
    return debriefings.DebriefingInput(
        name=form.name.data or "",
        held_on=form.held_on.data,
        unit_ids=list(form.unit_ids.data or []),
        criteria=form.criteria.data or "",
        trim=bool(form.trim.data),
        plan_id=form.plan_id.data,
        indicator_id=form.indicator_id.data,
    )


@bp.route("/debriefings/<int:debriefing_id>")
@login_required
def show(debriefing_id: int) -> str:
    """The round: results (overseers), the unit's report form, the raters' score forms."""
    round_ = _readable(debriefing_id)
    unit_id = own_unit_id()
    own = debriefings.report_of(round_, unit_id) if unit_id is not None else None
    reports = {unit.id: debriefings.report_of(round_, unit.id) for unit in round_.units}
    return render_template(
        "inspections/debriefing.html",
        round=round_,
        criteria=debriefings.criteria_of(round_),
        results=debriefings.results(round_) if sees_all() else [],
        reports=reports if sees_all() else {},
        report_files=_files(reports.values() if sees_all() else [own]),
        own=own,
        may_hand_in=unit_id is not None and debriefings.takes_part(round_, unit_id),
        may_rate=may_do(A.RATE),
        mine=debriefings.my_scores(round_, me().id) if may_do(A.RATE) else {},
        report_form=DebriefingReportForm(formdata=None, text=own.text if own else ""),
        rate_form=RateForm(formdata=None),
    )


def _files(reports: object) -> dict[int, list[object]]:
    found: dict[int, list[object]] = {}
    for report in reports:  # type: ignore[attr-defined]
        if report is not None:
            found[report.id] = list(file_service.files_of(report))
    return found


@bp.route("/debriefings/<int:debriefing_id>/report", methods=["POST"])
@login_required
def hand_in(debriefing_id: int) -> Response:
    """The unit hands in (or rewrites) its written report, with an optional file."""
    round_ = _readable(debriefing_id)
    unit = me().unit
    if unit is None or not may_do(A.RECTIFY, unit.id):
        abort(403)
    form = DebriefingReportForm()

    def save() -> DebriefingReport:
        report = debriefings.hand_in(round_, unit, form.text.data or "", me())
        attach_upload(report, form.file.data)
        return report

    back = url_for("debriefings.show", debriefing_id=round_.id)
    return act(save, "已提交述职报告。", back, form=form)


@bp.route("/debriefings/<int:debriefing_id>/units/<int:unit_id>/rate", methods=["POST"])
@login_required
def rate(debriefing_id: int, unit_id: int) -> Response:
    """A rater scores one unit on every criterion."""
    round_ = _readable(debriefing_id)
    require_may(A.RATE)
    unit = next((u for u in round_.units if u.id == unit_id), None)
    if unit is None:
        abort(404)
    form = RateForm()
    back = url_for("debriefings.show", debriefing_id=round_.id) + f"#unit-{unit.id}"
    return act(lambda: _rate(round_, unit, form), f"已为{unit.name}评分。", back, form=form)


def _rate(round_: Debriefing, unit: Unit, form: RateForm) -> object:
    scores = [float(entry.data or 0) for entry in form.scores.entries]
    return debriefings.rate(round_, unit, me(), scores)
