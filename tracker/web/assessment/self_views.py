"""A unit's self-assessment (自评, issue 5 §4): the form with a text, a proposed score and
evidence per indicator; its .docx export and printable view; the evidence downloads."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.domain.policy import Action
from tracker.io.self_assessment_document import self_assessment_docx
from tracker.models import Evidence, Indicator, SelfAssessment, Unit
from tracker.services import evidence as evidence_service
from tracker.services import self_assessment as sa_service
from tracker.services import self_assessment_forms as form_service
from tracker.web.access import allowed
from tracker.web.actions import submit
from tracker.web.assessment.blueprint import (
    bp,
    max_chars,
    max_upload_mb,
    own_unit,
    submit_rows,
    unit_for_reading,
    upload_dir,
)
from tracker.web.assessment.forms import EvidenceForm, SelfAssessmentForm
from tracker.web.files import private_download, sandboxed

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/<int:set_id>/self", methods=["GET", "POST"])
@login_required
def self_form(set_id: int) -> str | Response:
    """A unit fills its self-assessment: per indicator a text, a proposed score and
    evidence. Saved all or nothing; a refused row is shown beside its field."""
    unit = own_unit()
    indicator_set = sa_service.get_set(set_id)
    rows = sa_service.self_assessment_form(set_id, unit.id)
    form = SelfAssessmentForm()
    if request.method == "GET":
        form.fill(rows)
    elif form.validate_on_submit() and _save(form, set_id, unit):
        flash("自评已保存。", "success")
        return redirect(url_for("assessment.self_form", set_id=set_id))
    return render_template(
        "assessment/self.html",
        indicator_set=indicator_set,
        unit=unit,
        rows=list(zip(rows, form.rows, strict=False)),
        form=form,
        max_chars=max_chars(),
    )


def _save(form: SelfAssessmentForm, set_id: int, unit: Unit) -> bool:
    """Save the posted rows; a row of an indicator the unit does not fill is a 400."""
    allowed_ids = {i.id for i in sa_service.indicators_of_unit(set_id, unit.id)}
    if not set(form.indicator_ids()) <= allowed_ids:
        abort(400)
    inputs = form.inputs()
    return submit_rows(
        form,
        lambda: form_service.save_self_assessment_form(
            set_id, unit, current_user, inputs, max_chars=max_chars()
        ),
    ).ok


@bp.route("/<int:set_id>/self.docx")
@login_required
def self_docx(set_id: int) -> Response:
    """The form as .docx in the layout of the source table."""
    unit = unit_for_reading()
    indicator_set = sa_service.get_set(set_id)
    rows = sa_service.self_assessment_form(set_id, unit.id)
    data = self_assessment_docx(rows, indicator_set.name, unit.name)
    response = send_file(
        io.BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=f"{unit.name}自评表.docx"
    )
    return response


@bp.route("/<int:set_id>/self/print")
@login_required
def self_print(set_id: int) -> str:
    """The form as a printable page."""
    unit = unit_for_reading()
    indicator_set = sa_service.get_set(set_id)
    rows = sa_service.self_assessment_form(set_id, unit.id)
    return render_template(
        "assessment/print.html", indicator_set=indicator_set, unit=unit, rows=rows
    )


@bp.route("/<int:set_id>/self/<int:indicator_id>/evidence", methods=["GET", "POST"])
@login_required
def self_evidence(set_id: int, indicator_id: int) -> str | Response:
    """Upload evidence for one indicator of the unit's self-assessment (403 for an
    indicator the unit does not fill)."""
    unit = own_unit()
    sa_service.get_set(set_id)
    indicator = sa_service.get_indicator(set_id, indicator_id)
    if indicator.id not in {i.id for i in sa_service.indicators_of_unit(set_id, unit.id)}:
        abort(403)
    form = EvidenceForm()
    if form.validate_on_submit() and submit(form, lambda: _attach(unit, indicator, form)).ok:
        flash("佐证材料已上传。", "success")
        return redirect(url_for("assessment.self_form", set_id=set_id))
    entry = sa_service.get_entry(set_id, unit.id, indicator.id)
    return render_template(
        "assessment/evidence.html", form=form, **_evidence_page(indicator, entry)
    )


def _attach(unit: Unit, indicator: Indicator, form: EvidenceForm) -> Evidence:
    return form_service.attach_evidence(
        indicator.set_id,
        unit,
        indicator,
        current_user,
        form.file.data,
        storage_dir=upload_dir(),
        max_bytes=max_upload_mb() * evidence_service.MIB,
        max_chars=max_chars(),
        limits=app_settings.container_limits(),
    )


def _evidence_page(indicator: Indicator, entry: SelfAssessment | None) -> dict[str, object]:
    """What the upload page shows besides the form: the files so far and the limits."""
    return {
        "set_id": indicator.set_id,
        "indicator": indicator,
        "files": sa_service.evidence_of(entry) if entry else [],
        "accept": evidence_service.ACCEPT_ATTRIBUTE,
        "accept_label": evidence_service.ACCEPTED_LABEL,
        "max_mb": max_upload_mb(),
    }


@bp.route("/evidence/<int:evidence_id>")
@login_required
@sandboxed
def evidence_download(evidence_id: int) -> Response:
    """A self-assessment evidence file: for its unit, the reviewers and the office (404
    for a report's evidence, a removed or missing file)."""
    evidence = evidence_service.get_evidence(evidence_id)
    if evidence.self_assessment_id is None:
        abort(404)
    entry = sa_service.get_self_assessment(evidence.self_assessment_id)
    own = allowed(Action.FILL_SELF_ASSESSMENT) and current_user.unit_id == entry.unit_id
    if not (own or allowed(Action.VIEW_ALL_SCORECARDS)):
        abort(403)
    path = evidence_service.open_evidence(evidence, upload_dir())
    return private_download(path, evidence.content_type, evidence.original_name)
