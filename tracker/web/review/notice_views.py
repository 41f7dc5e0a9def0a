"""Supervision notices issued by hand (issue 12 §3): the office picks a task's lead unit
and the period from the task page or the review queue; and a plan's escalation steps, on
its settings page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.periods import parse_period
from tracker.domain.policy import Action
from tracker.models import Plan, SupervisionNotice, Task
from tracker.services import escalation_settings as escalation
from tracker.services import notice_issuing, plan_settings
from tracker.services import reports as report_service
from tracker.services import tasks as task_service
from tracker.services.escalation_settings import EscalationSettings
from tracker.web.access import require
from tracker.web.actions import flash_form_errors, submit
from tracker.web.forms import choices
from tracker.web.review.forms import EscalationForm, NoticeForm
from tracker.web.review.views import bp

WHOLE_TASK = ""


@bp.route("/tasks/<int:task_id>/notice", methods=["GET", "POST"])
@login_required
def issue_notice(task_id: int) -> str | Response:
    """The office issues a notice on the task to one of its lead units (``?unit=&period=``
    prefill the form, as the review queue's link does)."""
    require(Action.ISSUE_NOTICE)
    task = task_service.get_task(task_id)
    form = _notice_form(task)
    if form.validate_on_submit():
        outcome = submit(form, lambda: _issue(task, form))
        if outcome.value is not None:
            flash(f"已发出督办单{outcome.value.number}，已通知该单位负责人。", "success")
            return redirect(url_for("notices.show", notice_id=outcome.value.id))
    return render_template("review/notice.html", task=task, form=form)


def _notice_form(task: Task) -> NoticeForm:
    form = NoticeForm()
    form.unit.choices = choices((str(unit.id), unit.name) for unit in task.lead_units)
    periods = list(reversed(report_service.reportable_periods(task, today())))
    form.period.choices = choices(
        [(WHOLE_TASK, "不针对某一期（整项任务）")] + [(p.code, p.label) for p in periods]
    )
    if request.method == "GET":
        first = str(task.lead_units[0].id) if task.lead_units else ""
        form.unit.data = request.args.get("unit") or first
        period = request.args.get("period", WHOLE_TASK)
        form.period.data = period if period in {p.code for p in periods} else WHOLE_TASK
        label = parse_period(form.period.data).label if form.period.data else "任务"
        form.overdue_text.data = f"{label}进度未按要求报送"
    return form


def _issue(task: Task, form: NoticeForm) -> SupervisionNotice:
    unit = next(u for u in task.lead_units if str(u.id) == form.unit.data)
    current = app_settings.current()
    return notice_issuing.issue_by_hand(
        task,
        unit,
        form.period.data or None,
        form.overdue_text.data or "",
        today(),
        current_user,
        notice_dir=current.uploads.notice_dir,
        deadline_workdays=current.reminders.notice_deadline_workdays,
    )


@bp.app_template_global()
def escalation_form(plan: Plan) -> EscalationForm:
    """The plan's escalation steps as a form, for the plan settings page."""
    steps = EscalationSettings.of(plan)
    return EscalationForm(formdata=None, data=steps_data(steps))


@bp.app_template_global()
def escalation_rules(plan: Plan) -> str:
    """The plan's escalation steps in plain Chinese."""
    return escalation.describe(EscalationSettings.of(plan))


def steps_data(steps: EscalationSettings) -> dict[str, object]:
    """The form's fields of ``steps``."""
    return {
        "before": steps.before,
        "notice_after_workdays": steps.notice_after_workdays,
        "leader_after_workdays": steps.leader_after_workdays,
        "notice_prefix": steps.notice_prefix,
    }


@bp.route("/plans/<int:plan_id>/escalation", methods=["POST"])
@login_required
def escalation_page(plan_id: int) -> Response:
    """Save a plan's escalation steps; back to its settings page."""
    require(Action.MANAGE_PLAN_SETTINGS)
    plan = plan_settings.plan_of(plan_id)
    form = EscalationForm()
    back = url_for("admin.plan_settings_page", plan_id=plan.id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    steps = EscalationSettings(
        form.before.data or "",
        form.notice_after_workdays.data or 0,
        form.leader_after_workdays.data or 0,
        form.notice_prefix.data or "",
    )
    if submit(form, lambda: escalation.update_escalation(plan, steps, current_user)).ok:
        flash("催办与督办规则已保存。", "success")
    else:
        flash_form_errors(form)
    return redirect(back)
