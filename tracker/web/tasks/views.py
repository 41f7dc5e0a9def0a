"""Task pages: details and chart, reporting, review, contributions, milestone correction."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.policy import Action
from tracker.models import Contribution, ProgressReport, ReportStatus, Task
from tracker.services import contributions as contribution_service
from tracker.services import reports as report_service
from tracker.services import tasks as task_service
from tracker.services.chart_cache import task_chart_png
from tracker.services.charts import milestone_series
from tracker.services.evidence import StoredUpload
from tracker.services.review_queue import unconfirmed_of
from tracker.services.task_page import task_page
from tracker.unit_of_work import Outcome, writes_late
from tracker.web.access import require
from tracker.web.actions import act, require_valid, submit
from tracker.web.evidence.views import begin_writing_with, discard_files, store_files
from tracker.web.forms import TrackerForm
from tracker.web.tasks import page_helpers, report_form
from tracker.web.tasks.base_value import BaseValueForm, base_form
from tracker.web.tasks.forms import ContributionForm, MilestonesForm, ReportForm, ReviewForm

bp = Blueprint("tasks", __name__)
page_helpers.register(bp)


@bp.route("/tasks/<int:task_id>")
@login_required
def show(task_id: int) -> str:
    """A task's milestones, expected-to-date, reports, contributions and chart."""
    require(Action.VIEW_TASK, task_service.get_task(task_id))
    page = task_page(task_id, today(), lag=app_settings.current().lag)
    chart = milestone_series(page.task, page.reports, today())  # the chart's text alternative
    return render_template("tasks/show.html", page=page, review_form=ReviewForm(), chart=chart)


@bp.route("/tasks/<int:task_id>/chart.png")
@login_required
def chart(task_id: int) -> Response:
    """The milestone chart as a PNG."""
    task = task_service.get_task(task_id)
    require(Action.VIEW_TASK, task)
    png = task_chart_png(task, report_service.reports_of_task(task.id), today())  # cached
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


@bp.route("/tasks/<int:task_id>/report", methods=["GET", "POST"])
@writes_late  # files are read, checked and stored before the write transaction begins
@login_required
def report(task_id: int) -> str | BaseResponse:
    """The lead unit's report form: save a draft or submit (a returned or pending report
    is replaced), with evidence files; an unusual value or texts unchanged from last
    period are asked once more. A stale save shows both texts instead of overwriting.
    The chosen files are read, checked, hashed and stored first, with no write lock held
    (a refused file saves nothing), then the save takes it (:func:`begin_writing_with`)."""
    task = task_service.get_task(task_id)
    require(Action.REPORT, task)
    form = report_form.build(task)
    base = base_form(task)
    conflict: report_service.EditConflict | None = None
    as_draft = request.form.get("action") == "draft"
    if form.validate_on_submit() and (base is None or base.validate()):
        files = report_form.uploads(form)
        kept = submit(form, lambda: store_files(files))  # before the write lock
        outcome: Outcome[ProgressReport] = Outcome(error=kept.error)
        if kept.ok:
            outcome = _save(task, form, as_draft, base, kept.value or [])
        if outcome.value is not None:
            flash(report_form.saved_message(outcome.value, len(files)), "success")
            return redirect(url_for("tasks.show", task_id=task.id))
        if isinstance(outcome.error, report_service.EditConflict):
            conflict = outcome.error
            form.version.data = str(conflict.version)
    return report_form.page(task, form, conflict, base)


def _save(
    task: Task,
    form: ReportForm,
    as_draft: bool,
    base: BaseValueForm | None,
    stored: list[StoredUpload],
) -> Outcome[ProgressReport]:
    """Save the report with the files stored before, in the write transaction begun now
    (:func:`begin_writing_with`); the files are removed again when the save is refused or
    the database is busy."""
    begin_writing_with(stored)
    outcome = submit(form, lambda: report_form.save(task, form, today(), as_draft, base, stored))
    if not outcome.ok:
        discard_files(stored)
    return outcome


@bp.route("/reports/<int:report_id>/approve", methods=["POST"])
@login_required
def approve(report_id: int) -> BaseResponse:
    """The unit's approver passes a report on to the office or returns it."""
    item = report_service.get_report(report_id)
    require(Action.APPROVE_REPORT, item.task)
    form = ReviewForm()
    accept = form.decision.data == "accept"
    return act(
        lambda: report_service.approve(item, current_user, accept, form.reason.data or "", today()),
        "已审批，报送改革办。" if accept else "已退回填报人。",
        url_for("tasks.show", task_id=item.task_id),
        form=form,
    )


@bp.route("/reports/<int:report_id>/correct", methods=["POST"])
@login_required
def correct(report_id: int) -> BaseResponse:
    """Start a correction of an accepted report: a new draft revision to edit."""
    item = report_service.get_report(report_id)
    require(Action.REPORT, item.task)
    form = TrackerForm()
    require_valid(form)
    outcome = submit(form, lambda: report_service.start_correction(item, current_user))
    if outcome.value is None:
        return redirect(url_for("tasks.show", task_id=item.task_id))
    flash("已创建更正稿；原已审核的填报在更正稿审核通过前继续有效。", "info")
    return redirect(url_for("tasks.report", task_id=item.task_id, period=outcome.value.period))


@bp.route("/reports/<int:report_id>/review", methods=["POST"])
@login_required
def review(report_id: int) -> BaseResponse:
    """The office accepts or returns a report."""
    require(Action.REVIEW_REPORT)
    report = report_service.get_report(report_id)
    form = ReviewForm()
    accept = form.decision.data == "accept"
    if accept and report.status is ReportStatus.SUBMITTED and unconfirmed_of(report):
        back = url_for("tasks.show", task_id=report.task_id)  # warn first (issue 12 §6)
        return redirect(url_for("review.confirm", report_id=report.id, back=back))
    return act(
        lambda: report_service.review_report(
            report, current_user, accept, form.reason.data or "", today()
        ),
        "已审核通过。" if accept else "已退回。",
        url_for("tasks.show", task_id=report.task_id),
        form=form,
    )


@bp.route("/contributions/<int:contribution_id>", methods=["GET", "POST"])
@login_required
def contribution(contribution_id: int) -> str | BaseResponse:
    """A cooperating unit confirms or disputes its part in a report."""
    item = contribution_service.get_contribution(contribution_id)
    task = item.report.task
    require(Action.CONFIRM_CONTRIBUTION, task)
    if item.unit_id != current_user.unit_id:
        abort(403)
    form = ContributionForm(obj=None)
    if request.method == "GET" and item.answered_on is not None:
        form.decision.data = "confirm" if item.status == "confirmed" else "dispute"
        form.text.data, form.reason.data = item.text, item.reason
    if form.validate_on_submit() and submit(form, lambda: _answer(item, form)).ok:
        flash("已提交配合确认。", "success")
        return redirect(url_for("tasks.show", task_id=task.id))
    return render_template("tasks/contribution.html", item=item, task=task, form=form)


def _answer(item: Contribution, form: ContributionForm) -> Contribution:
    return contribution_service.answer_contribution(
        item,
        current_user,
        form.decision.data == "confirm",
        form.text.data or "",
        form.reason.data or "",
        today(),
    )


@bp.route("/tasks/<int:task_id>/milestones", methods=["GET", "POST"])
@login_required
def milestones(task_id: int) -> str | BaseResponse:
    """The office corrects a task's milestones and clears it from the review list."""
    task = task_service.get_task(task_id)
    require(Action.EDIT_MILESTONES, task)
    form = MilestonesForm()
    if request.method == "GET":
        _fill_milestone_rows(form, task)
    if form.validate_on_submit() and submit(form, lambda: _correct(task, form)).ok:
        flash("节点已保存。", "success")
        return redirect(url_for("tasks.show", task_id=task.id))
    return render_template("tasks/milestones.html", task=task, form=form)


def _correct(task: Task, form: MilestonesForm) -> None:
    entries = [
        task_service.MilestoneEntry(
            kind=row.kind.data or "",
            due=row.due.data,
            start=row.start.data,
            comparator=row.comparator.data or "",
            target=row.target.data or "",
            unit=row.unit.data or "",
            upper=row.upper.data,
        )
        for row in form.rows
        if not row.remove.data
    ]
    specs = task_service.specs_from_entries(entries)
    correction = task_service.MilestoneCorrection(
        specs, bool(form.reviewed.data), form.baseline.data, form.reason.data or ""
    )
    task_service.correct_milestones(task, correction, current_user, datetime.now(UTC))


def _fill_milestone_rows(form: MilestonesForm, task: Task) -> None:
    for milestone in task.milestones:
        target = (
            milestone.target_text
            if milestone.target_value is None
            else f"{milestone.target_value:g}"
        )
        form.rows.append_entry(
            {
                "kind": milestone.kind.value,
                "due": milestone.due,
                "start": milestone.start,
                "comparator": milestone.comparator or "",
                "target": target or "",
                "unit": milestone.unit or "",
                "upper": milestone.upper,
            }
        )
    for _ in range(3):
        form.rows.append_entry()
    form.baseline.data = task.baseline_value


@bp.route("/review")
@login_required
def review_list() -> str:
    """Tasks whose schedules the grammar could not read with confidence."""
    require(Action.EDIT_MILESTONES)
    return render_template("tasks/review_list.html", tasks=task_service.tasks_needing_review())
