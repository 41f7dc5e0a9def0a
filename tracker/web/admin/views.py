"""Settings pages: a plan's reporting rules (office) and the holiday calendar (office and
admin). Views validate a form, call one service, then redirect or render."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.periods import Cadence
from tracker.domain.policy import Action
from tracker.extensions import db
from tracker.jobs.scheduler import describe_jobs
from tracker.models import Plan
from tracker.services import calendar as calendar_service
from tracker.services import job_runs, plan_settings
from tracker.services.errors import NotFound, ServiceError
from tracker.services.plan_settings import PlanSettings
from tracker.web.access import require
from tracker.web.admin.forms import WORKDAY, CalendarDayForm, PlanSettingsForm
from tracker.web.forms import show_service_error

bp = Blueprint("admin", __name__)


@bp.app_template_global()
def calendar_year_known(year: int) -> bool:
    """For templates: whether ``year`` has holiday data (see the calendar warning)."""
    return calendar_service.is_year_known(year)


@bp.app_template_global()
def current_year() -> int:
    """For templates: the year of the tracker's clock (``TRACKER_TODAY`` in demos)."""
    return today().year


# --- Plan settings ------------------------------------------------------------------------


@bp.route("/admin/plans")
@login_required
def plans() -> str:
    """Every plan with its reporting rules in plain Chinese and a link to change them."""
    require(Action.MANAGE_PLAN_SETTINGS)
    return render_template("admin/plans.html", plans=plan_settings.plans_with_rules())


def _plan_or_404(plan_id: int) -> Plan:
    try:
        return plan_settings.plan_of(plan_id)
    except NotFound:
        abort(404)


@bp.route("/plans/<int:plan_id>/settings", methods=["GET", "POST"])
@login_required
def plan_settings_page(plan_id: int) -> str | Response:
    """A plan's cadence, due rule, grace, contribution deadline and unit approval."""
    require(Action.MANAGE_PLAN_SETTINGS)
    plan = _plan_or_404(plan_id)
    current = PlanSettings.of(plan)
    form = PlanSettingsForm(data=_form_data(current) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            plan_settings.update_settings(plan, _settings_of(form), current_user)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            db.session.commit()
            flash("填报规则已保存。", "success")
            return redirect(url_for("admin.plan_settings_page", plan_id=plan.id))
    return render_template(
        "admin/plan_settings.html",
        plan=plan,
        form=form,
        rules=plan_settings.describe_rules(current),
    )


def _form_data(settings: PlanSettings) -> dict[str, object]:
    return {
        "cadence": settings.cadence.value,
        "report_due_workdays": settings.report_due_workdays,
        "overdue_grace_workdays": settings.overdue_grace_workdays,
        "contribution_due_workdays": settings.contribution_due_workdays,
        "unit_approval": settings.unit_approval,
    }


def _settings_of(form: PlanSettingsForm) -> PlanSettings:
    return PlanSettings(
        cadence=Cadence(form.cadence.data),
        report_due_workdays=form.report_due_workdays.data or 0,
        overdue_grace_workdays=form.overdue_grace_workdays.data or 0,
        contribution_due_workdays=form.contribution_due_workdays.data or 0,
        unit_approval=bool(form.unit_approval.data),
    )


# --- Holiday calendar ---------------------------------------------------------------------


def _year_arg() -> int:
    """``?year=`` when it is a year the calendar accepts, else the clock's year."""
    year = request.args.get("year", type=int)
    return year if year in calendar_service.YEARS else today().year


def _to_year(year: int) -> Response:
    return redirect(url_for("admin.calendar", year=year))


@bp.route("/admin/calendar", methods=["GET", "POST"])
@login_required
def calendar() -> str | Response:
    """A year's holidays and adjusted workdays; the form adds or changes one day."""
    require(Action.MANAGE_CALENDAR)
    year = _year_arg()
    form = CalendarDayForm()
    if form.validate_on_submit() and form.day.data is not None:
        day = form.day.data
        try:
            calendar_service.set_day(
                day, form.kind.data == WORKDAY, form.name.data or "", current_user
            )
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            db.session.commit()
            flash(f"已保存 {day.isoformat()}（{form.name.data}）。", "success")
            return _to_year(day.year)
    return render_template(
        "admin/calendar.html",
        year=year,
        form=form,
        days=calendar_service.days_of_year(year),
        known=calendar_service.is_year_known(year),
        year_source=calendar_service.year_source(year),
        in_library=year in calendar_service.library_years(),
        workdays=calendar_service.workdays_of_year(year),
        source_labels=calendar_service.SOURCE_LABELS,
    )


@bp.route("/admin/calendar/days/<day>/delete", methods=["POST"])
@login_required
def remove_day(day: str) -> Response:
    """Remove a day the office entered; the day follows Monday–Friday again."""
    require(Action.MANAGE_CALENDAR)
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    try:
        calendar_service.remove_day(parsed, current_user)
    except NotFound:
        abort(404)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"已删除 {parsed.isoformat()}。", "success")
    return _to_year(parsed.year)


@bp.route("/admin/calendar/<int:year>/import", methods=["POST"])
@login_required
def import_year(year: int) -> Response:
    """Import a year the holiday library knows."""
    require(Action.MANAGE_CALENDAR)
    try:
        added = calendar_service.import_year(year, current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"已从节假日库导入{year}年，共{added}天。", "success")
    return _to_year(year)


@bp.route("/admin/calendar/<int:year>/confirm", methods=["POST"])
@login_required
def confirm_year(year: int) -> Response:
    """Mark a year's holidays as completely entered, so the year counts as known."""
    require(Action.MANAGE_CALENDAR)
    try:
        calendar_service.confirm_year(year, current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"已确认{year}年节假日录入完整。", "success")
    return _to_year(year)


# --- Scheduled jobs -----------------------------------------------------------------------


@bp.route("/admin/jobs")
@login_required
def jobs() -> str:
    """The scheduler's job table (trigger, next run) and the latest 100 job runs."""
    require(Action.VIEW_JOB_RUNS)
    settings = app_settings.current()
    table = job_runs.job_table(describe_jobs(settings), settings.clock.zone)
    return render_template("admin/jobs.html", jobs=table, runs=job_runs.latest_runs(100))
