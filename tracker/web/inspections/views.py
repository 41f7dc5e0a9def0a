"""Inspection rounds (督查): the office sets rounds up and records the team's findings
(on a phone as well); inspected units fill their self-checks; leaders and the assessment
group read. A unit sees only the rounds that inspect it, and its own records."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.clock import today
from tracker.domain.supervision import SupervisionAction as A
from tracker.models import Inspection, Problem, SelfCheck
from tracker.services.inspections import files as file_service
from tracker.services.inspections import rounds
from tracker.services.inspections.problems import ProblemInput
from tracker.web.actions import submit
from tracker.web.inspections.access import (
    attach_upload,
    may_do,
    me,
    own_unit_id,
    require_may,
    sees_all,
)
from tracker.web.inspections.forms import FindingForm, InspectionForm, SelfCheckForm

bp = Blueprint("inspections", __name__)


def _readable(inspection_id: int) -> Inspection:
    """The round, if the current user may read it (404 / 403)."""
    require_may(A.VIEW)
    inspection = rounds.get_inspection(inspection_id)
    if not sees_all() and not rounds.inspects(inspection, own_unit_id()):
        abort(403)
    return inspection


def _inspection_form() -> InspectionForm:
    form = InspectionForm()
    form.unit_ids.choices = [(u.id, u.name) for u in rounds.all_units()]
    tasks = rounds.tasks_for_choice(rounds.first_plan_id())
    form.task_ids.choices = [(t.id, t.text[:60]) for t in tasks]
    return form


def _finding_form(inspection: Inspection) -> FindingForm:
    form = FindingForm()
    form.unit_id.choices = [(u.id, u.name) for u in inspection.units]
    tasks = [item.task for item in inspection.items if item.task is not None]
    form.task_id.choices = [(0, "（不关联任务）")] + [(t.id, t.text[:60]) for t in tasks]
    return form


@bp.route("/inspections", methods=["GET", "POST"])
@login_required
def index() -> str | Response:
    """The rounds (a unit: those inspecting it); the office sets a new one up."""
    require_may(A.VIEW)
    form = _inspection_form() if may_do(A.MANAGE) else None
    if form is not None and form.validate_on_submit():
        outcome = submit(form, lambda: rounds.create_inspection(_round_input(form), me()))
        if outcome.ok and outcome.value is not None:
            flash("已新建督查。", "success")
            return redirect(url_for("inspections.show", inspection_id=outcome.value.id))
    elif form is None and request.method == "POST":
        abort(403)
    shown = rounds.list_inspections(None if sees_all() else own_unit_id() or -1)
    return render_template("inspections/index.html", inspections=shown, form=form)


def _round_input(form: InspectionForm) -> rounds.InspectionInput:
    assert form.starts_on.data is not None and form.ends_on.data is not None
    return rounds.InspectionInput(
        name=form.name.data or "",
        kind=form.kind.data or "",
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        unit_ids=list(form.unit_ids.data or []),
        team=form.team.data or "",
        items=(form.items.data or "").splitlines(),
        task_ids=list(form.task_ids.data or []),
        plan_id=rounds.first_plan_id() if form.task_ids.data else None,
    )


@bp.route("/inspections/<int:inspection_id>")
@login_required
def show(inspection_id: int) -> str:
    """The round: units, team, items with self-checks, findings per unit."""
    inspection = _readable(inspection_id)
    return _show(inspection, finding_form=None, check_form=None)


def _show(
    inspection: Inspection, finding_form: FindingForm | None, check_form: SelfCheckForm | None
) -> str:
    unit_id = own_unit_id()
    units = inspection.units if sees_all() else [u for u in inspection.units if u.id == unit_id]
    checks = {unit.id: rounds.self_checks(inspection, unit.id) for unit in units}
    findings = rounds.findings_by_unit(inspection)
    return render_template(
        "inspections/show.html",
        inspection=inspection,
        units=units,
        checks=checks,
        check_files=_check_files(checks),
        findings=findings,
        today=today(),
        may_record=may_do(A.RECORD_FINDINGS),
        may_check=unit_id is not None and rounds.inspects(inspection, unit_id),
        finding_form=finding_form or _finding_form(inspection),
        check_form=check_form or SelfCheckForm(formdata=None),
        form=finding_form or check_form,
    )


def _check_files(checks: dict[int, dict[int, SelfCheck]]) -> dict[int, list[object]]:
    return {
        check.id: list(file_service.files_of(check))
        for by_item in checks.values()
        for check in by_item.values()
    }


@bp.route("/inspections/<int:inspection_id>/findings", methods=["POST"])
@login_required
def record_finding(inspection_id: int) -> str | Response:
    """The team records a finding about one of the round's units (a problem)."""
    inspection = _readable(inspection_id)
    require_may(A.RECORD_FINDINGS)
    form = _finding_form(inspection)
    if form.validate_on_submit():
        outcome = submit(form, lambda: _record(inspection, form))
        if outcome.ok:
            flash("已记录督查发现的问题，已进入问题清单。", "success")
            return redirect(url_for("inspections.show", inspection_id=inspection.id))
    return _show(inspection, finding_form=form, check_form=None)


def _record(inspection: Inspection, form: FindingForm) -> Problem:
    data = ProblemInput(
        unit_id=form.unit_id.data or 0,
        source="inspection",
        description=form.description.data or "",
        found_on=min(today(), inspection.ends_on),
        deadline_workdays=form.deadline_workdays.data or 0,
        category=form.category.data or "",
        requirement=form.requirement.data or "",
        responsible=form.responsible.data or "",
        task_id=form.task_id.data or None,
    )
    return rounds.record_finding(inspection, data, me())


@bp.route("/inspections/<int:inspection_id>/items/<int:item_id>/self-check", methods=["POST"])
@login_required
def self_check(inspection_id: int, item_id: int) -> str | Response:
    """An inspected unit writes its self-check of one item, with an optional file."""
    inspection = _readable(inspection_id)
    item = rounds.get_item(inspection, item_id)
    unit_id = own_unit_id()
    if unit_id is None or not rounds.inspects(inspection, unit_id):
        abort(403)
    form = SelfCheckForm()
    if form.validate_on_submit():
        unit = me().unit
        assert unit is not None

        def save() -> SelfCheck:
            check = rounds.save_self_check(item, unit, form.text.data or "", me())
            attach_upload(check, form.file.data)
            return check

        if submit(form, save).ok:
            flash("已保存自查情况。", "success")
            return redirect(url_for("inspections.show", inspection_id=inspection.id))
    return _show(inspection, finding_form=None, check_form=form)
