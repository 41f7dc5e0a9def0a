"""Plan import pages (issue 11 §1-2), office and admin: upload a responsibility table (a
new plan, or a revision of one), see the preview — rows, units matched, milestones,
review reasons, period and name, or the diff by task — choose columns the reader did not
know, and confirm. Nothing is stored until the confirmation; the upload waits in a
staging row (:class:`tracker.models.PlanImport`), not in the session cookie."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.domain.policy import Action
from tracker.io.responsibility_header import known_role
from tracker.models import Plan, PlanImport
from tracker.models._types import utcnow
from tracker.services import plan_import, plan_revision, plans
from tracker.services.errors import ServiceError
from tracker.services.plan_import import Confirmation
from tracker.unit_of_work import writes_late
from tracker.web.access import require
from tracker.web.actions import submit
from tracker.web.forms import show_service_error
from tracker.web.plans.forms import ColumnsForm, ConfirmForm, PlanUploadForm

bp = Blueprint("plans", __name__)


@bp.route("/plans/import", methods=["GET", "POST"])
@login_required
def import_new() -> str | Response:
    """Upload a table for a new plan."""
    require(Action.IMPORT_PLAN)
    return _upload(None)


@bp.route("/plans/<int:plan_id>/import", methods=["GET", "POST"])
@login_required
def import_into(plan_id: int) -> str | Response:
    """Upload a revised table of plan ``plan_id``."""
    require(Action.IMPORT_PLAN)
    return _upload(plans.get_plan(plan_id))


def _upload(plan: Plan | None) -> str | Response:
    form = PlanUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        outcome = submit(
            form,
            lambda: plan_import.stage_upload(
                upload.filename or "", upload.read(), current_user, plan=plan
            ),
        )
        if outcome.ok and outcome.value is not None:
            return redirect(url_for("plans.preview", import_id=outcome.value.id))
    return render_template("plans/import.html", form=form, plan=plan)


@bp.route("/plans/imports/<int:import_id>")
@login_required
def preview(import_id: int) -> str | Response:
    """What confirming the upload would store."""
    require(Action.IMPORT_PLAN)
    staged = plan_import.get_import(import_id)
    if staged.confirmed_at is not None and staged.result_plan_id is not None:
        flash("此文件已经导入。", "info")
        return redirect(url_for("ledger.plan_ledger", plan_id=staged.result_plan_id))
    return _preview_page(staged, ConfirmForm(), ColumnsForm())


@bp.route("/plans/imports/<int:import_id>/columns", methods=["POST"])
@login_required
def choose_columns(import_id: int) -> str | Response:
    """Say which column is which (remembered for the next import), then preview again."""
    require(Action.IMPORT_PLAN)
    staged = plan_import.get_import(import_id)
    form = ColumnsForm()
    headers = plan_import.preview(staged, app_settings.container_limits()).headers
    if form.validate_on_submit():
        chosen = dict(zip(headers, (entry.data for entry in form.columns), strict=False))
        if submit(form, lambda: plan_import.choose_columns(staged, chosen)).ok:
            return redirect(url_for("plans.preview", import_id=staged.id))
    return _preview_page(staged, ConfirmForm(), form)


@bp.route("/plans/imports/<int:import_id>/confirm", methods=["POST"])
@writes_late  # the table is read and computed before the write lock is taken (issue 18 §1)
@login_required
def confirm(import_id: int) -> str | Response:
    """Store the previewed plan (or apply the revision), all or nothing."""
    require(Action.IMPORT_PLAN)
    staged = plan_import.get_import(import_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        answer = Confirmation(name=form.name.data or None, period=form.period_value())
        try:  # not in a savepoint (submit): confirm ends its reads' transaction itself
            done = _confirm(staged, answer)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_done(done), "success")
            return redirect(url_for("ledger.plan_ledger", plan_id=staged.result_plan_id))
    return _preview_page(staged, form, ColumnsForm())


def _confirm(
    staged: PlanImport, answer: Confirmation
) -> plans.ImportSummary | plan_revision.PlanDiff:
    return plan_import.confirm(
        staged,
        answer,
        defaults=app_settings.current().reporting,
        limits=app_settings.container_limits(),
        user=current_user,
        now=utcnow(),
    )


def _done(result: plans.ImportSummary | plan_revision.PlanDiff | None) -> str:
    if isinstance(result, plan_revision.PlanDiff):
        counts = result.counts()
        return (
            f"方案已修订：新增 {counts['added']} 项、修改 {counts['changed']} 项、"
            f"归档 {counts['removed']} 项任务，其余 {counts['unchanged']} 项未变。"
        )
    if result is None:
        return "已导入。"
    return (
        f"已导入方案：{result.tasks} 项任务、{result.units} 个单位、{result.milestones} 个节点，"
        f"{result.needs_review} 项进度需人工核对。"
    )


def _preview_page(staged: PlanImport, form: ConfirmForm, columns: ColumnsForm) -> str:
    shown = plan_import.preview(staged, app_settings.container_limits())
    if not form.is_submitted():
        form.name.data = shown.name
        form.period.data = f"{shown.period[0]}-{shown.period[1]}" if shown.period else ""
    if not columns.is_submitted():
        for header in shown.headers:
            columns.columns.append_entry(shown.choice.get(header) or known_role(header) or "ignore")
    return render_template(
        "plans/preview.html", preview=shown, form=form, columns=columns, staged=staged
    )
