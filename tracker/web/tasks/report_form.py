"""The report form of a lead unit (issue 12 §5): prefilled for editing, honest about
what is carried over from last period, asking once more for an unusual value or an
unchanged text, and taking evidence files on the same form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask import render_template, request
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from tracker import settings as app_settings
from tracker.clock import today
from tracker.models import ProgressReport, ReportStatus, Task
from tracker.services import evidence as evidence_service
from tracker.services import instructions as instruction_service
from tracker.services import report_checks
from tracker.services import reports as report_service
from tracker.services.errors import ServiceError
from tracker.services.evidence import StoredUpload
from tracker.web.evidence.views import max_upload_mb, storage_dir
from tracker.web.forms import choices
from tracker.web.tasks.base_value import BaseValueForm, store_base
from tracker.web.tasks.forms import ReportForm


def build(task: Task) -> ReportForm:
    """The report form offering the task's open periods; on a GET, prefilled for
    ``?period=`` (or the default period)."""
    form = ReportForm()
    periods = report_service.open_periods(task, today())
    form.period.choices = choices((p.code, p.label) for p in periods)
    if request.method == "GET":
        _prefill(form, task, request.args.get("period"), [p.code for p in periods])
    return form


def _prefill(form: ReportForm, task: Task, period: str | None, open_codes: list[str]) -> None:
    """Start from the period's own report if there is one, else from the last accepted
    report (values and texts to edit, not retype; marked as carried over)."""
    if period not in open_codes:
        default = report_service.default_period(task, today())
        period = default.code if default else None
    if period is None:
        return
    form.period.data = period
    existing = report_service.find_report(task.id, period)
    form.version.data = str(existing.version) if existing else "0"
    source = existing or report_service.last_accepted(task.id)
    if source is None:
        return
    form.value.data = source.value
    form.progress.data = source.progress
    form.problems.data = source.problems
    form.next_steps.data = source.next_steps


def _input(form: ReportForm) -> report_service.ReportInput:
    """The form's content. A negative value passes the report service: this form asks
    the writer to confirm it on submission (:func:`_unconfirmed`)."""
    return report_service.ReportInput(
        period=form.period.data or "",
        value=form.value.data,
        progress=form.progress.data or "",
        problems=form.problems.data or "",
        next_steps=form.next_steps.data or "",
        value_confirmed=True,
    )


class Unconfirmed(ServiceError):
    """The writer must confirm something first; the reasons stand beside the confirm
    boxes (``field`` names the first)."""


def _unconfirmed(task: Task, form: ReportForm, as_draft: bool) -> Unconfirmed | None:
    """What the writer must confirm on submission (the reason beside each confirm box):
    an unusual value, texts identical to last period's. Drafts may hold anything; they
    are asked when submitted."""
    if as_draft:
        return None
    data = _input(form)
    asked: list[str] = []
    carried = report_checks.carried_over(task, data)
    if carried is not None and not form.confirm_carryover.data:
        form.confirm_carryover.errors = [
            f"{carried.labels}与{carried.period_label}的填报一字不差。请改写为本期的实际情况；"
            "如果本期确实没有变化，请勾选此项后再提交。"
        ]
        asked.append("confirm_carryover")
    factor = app_settings.current().report_form.report_outlier_factor
    unusual = report_checks.unusual_value(task, data.value, factor)
    if unusual is not None and not form.confirm_value.data:
        form.confirm_value.errors = [f"{unusual}。如确认无误，请勾选此项后再提交。"]
        asked.append("confirm_value")
    if not asked:
        return None
    field = getattr(form, asked[0])
    return Unconfirmed(field.errors.pop(), field=asked[0])


def save(
    task: Task,
    form: ReportForm,
    day: date,
    as_draft: bool,
    base: BaseValueForm | None = None,
    stored: Sequence[StoredUpload] = (),
) -> ProgressReport:
    """Save the draft or submit it, then attach the files stored before
    (:func:`tracker.web.evidence.views.store_files`), all in the caller's savepoint: a
    value or text still to confirm saves nothing. The report service's own checks (period,
    value, texts) come first. ``base`` is the base-year field of a relative target still
    missing its base (stored with the report)."""
    store_base(task, base, current_user)
    data = _input(form)
    unconfirmed = _unconfirmed(task, form, as_draft)  # before this save changes the report
    version = int(form.version.data) if form.version.data else None
    unit = current_user.unit
    if as_draft:
        report = report_service.save_draft(
            task, unit, current_user, data, day, expected_version=version
        )
    else:
        answers = instruction_service.answers_from_form(request.form)
        report = report_service.submit_report(
            task, unit, current_user, data, day, expected_version=version, answers=answers
        )
    if unconfirmed is not None:
        raise unconfirmed
    for upload in stored:
        evidence_service.attach(
            report,
            upload,
            current_user,
            storage_dir=storage_dir(),
            max_bytes=max_upload_mb() * evidence_service.MIB,
            limits=app_settings.container_limits(),
        )
    return report


def uploads(form: ReportForm) -> list[FileStorage]:
    """The files chosen on the form (an empty file input sends none)."""
    return [f for f in form.file.data or [] if isinstance(f, FileStorage) and f.filename]


def saved_message(report: ProgressReport, files: int) -> str:
    """What the writer is told after saving."""
    text = {
        ReportStatus.DRAFT: "草稿已保存，尚未提交。",
        ReportStatus.PENDING_APPROVAL: "已提交，等待本单位审批。",
    }.get(report.status, "已提交，等待改革办审核。")
    return f"{text}已上传佐证材料 {files} 个。" if files else text


def page(
    task: Task,
    form: ReportForm,
    conflict: report_service.EditConflict | None,
    base: BaseValueForm | None = None,
) -> str:
    """The form page: the return reason and open instructions first, then the fields
    with carried-over texts marked, and the report's files."""
    period = form.period.data if form.period.data and not form.period.errors else None
    existing = report_service.find_report(task.id, period) if period else None
    carried = report_checks.carried_over(task, _input(form)) if period else None
    return render_template(
        "tasks/report.html",
        task=task,
        form=form,
        conflict=conflict,
        base_form=base,
        unit_label=report_service.value_unit(task),
        cumulative=report_service.is_cumulative(task),
        existing=existing,
        carried=carried,
        evidence_rows=evidence_service.describe(evidence_service.evidence_of_report(existing.id))
        if existing
        else [],
    )
