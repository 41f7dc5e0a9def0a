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
from tracker.jobs.scheduler import describe_jobs
from tracker.models import CalendarDay, Plan
from tracker.services import calendar as calendar_service
from tracker.services import job_runs, plan_settings
from tracker.services.plan_settings import PlanSettings
from tracker.web.access import require
from tracker.web.actions import act, submit
from tracker.web.admin import job_words
from tracker.web.admin.forms import WORKDAY, CalendarDayForm, PlanSettingsForm
from tracker.web.forms import TrackerForm

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


@bp.route("/plans/<int:plan_id>/settings", methods=["GET", "POST"])
@login_required
def plan_settings_page(plan_id: int) -> str | Response:
    """A plan's cadence, due rule, grace, contribution deadline and unit approval."""
    require(Action.MANAGE_PLAN_SETTINGS)
    plan = plan_settings.plan_of(plan_id)
    current = PlanSettings.of(plan)
    form = PlanSettingsForm(data=_form_data(current) if request.method == "GET" else None)
    if form.validate_on_submit() and submit(form, lambda: _update(plan, form)).ok:
        flash("填报规则已保存。", "success")
        return redirect(url_for("admin.plan_settings_page", plan_id=plan.id))
    return render_template(
        "admin/plan_settings.html",
        plan=plan,
        form=form,
        rules=plan_settings.describe_rules(current),
    )


def _update(plan: Plan, form: PlanSettingsForm) -> Plan:
    return plan_settings.update_settings(plan, _settings_of(form), current_user)


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
    return year if year is not None and year in calendar_service.YEARS else today().year


def _year_url(year: int) -> str:
    return url_for("admin.calendar", year=year)


@bp.route("/admin/calendar", methods=["GET", "POST"])
@login_required
def calendar() -> str | Response:
    """A year's holidays and adjusted workdays; the form adds or changes one day."""
    require(Action.MANAGE_CALENDAR)
    form = CalendarDayForm()
    day = form.day.data
    if form.validate_on_submit() and day is not None and submit(form, lambda: _set(day, form)).ok:
        flash(f"已保存 {day.isoformat()}（{form.name.data}）。", "success")
        return redirect(_year_url(day.year))
    return render_template("admin/calendar.html", form=form, **_calendar_page(_year_arg()))


def _set(day: date, form: CalendarDayForm) -> CalendarDay:
    is_workday = form.kind.data == WORKDAY
    return calendar_service.set_day(day, is_workday, form.name.data or "", current_user)


def _calendar_page(year: int) -> dict[str, object]:
    """What the calendar page shows of ``year`` besides the form."""
    return {
        "year": year,
        "days": calendar_service.days_of_year(year),
        "known": calendar_service.is_year_known(year),
        "year_source": calendar_service.year_source(year),
        "in_library": year in calendar_service.library_years(),
        "workdays": calendar_service.workdays_of_year(year),
        "source_labels": calendar_service.SOURCE_LABELS,
    }


def _day_of_url(text: str) -> date:
    """The day of a URL segment "2099-10-01"; 404 for anything else."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


@bp.route("/admin/calendar/days/<day>/delete", methods=["POST"])
@login_required
def remove_day(day: str) -> Response:
    """Remove a day the office entered; the day follows Monday–Friday again. A day with
    nothing stored is a 404."""
    require(Action.MANAGE_CALENDAR)
    parsed = _day_of_url(day)
    calendar_service.get_day(parsed)
    return act(
        lambda: calendar_service.remove_day(parsed, current_user),
        f"已删除 {parsed.isoformat()}。",
        _year_url(parsed.year),
        form=TrackerForm(),
    )


@bp.route("/admin/calendar/<int:year>/import", methods=["POST"])
@login_required
def import_year(year: int) -> Response:
    """Import a year the holiday library knows."""
    require(Action.MANAGE_CALENDAR)
    outcome = submit(TrackerForm(), lambda: calendar_service.import_year(year, current_user))
    if outcome.ok:
        flash(f"已从节假日库导入{year}年，共{outcome.value}天。", "success")
    return redirect(_year_url(year))


@bp.route("/admin/calendar/<int:year>/confirm", methods=["POST"])
@login_required
def confirm_year(year: int) -> Response:
    """Mark a year's holidays as completely entered, so the year counts as known."""
    require(Action.MANAGE_CALENDAR)
    return act(
        lambda: calendar_service.confirm_year(year, current_user),
        f"已确认{year}年节假日录入完整。",
        _year_url(year),
        form=TrackerForm(),
    )


# --- Scheduled jobs -----------------------------------------------------------------------


@bp.route("/admin/jobs")
@login_required
def jobs() -> str:
    """The scheduler's job table (trigger, next run) and the latest 100 job runs."""
    require(Action.VIEW_JOB_RUNS)
    settings = app_settings.current()
    table = job_runs.job_table(describe_jobs(settings), settings.clock.zone)
    return render_template(
        "admin/jobs.html",
        jobs=table,
        runs=job_runs.latest_runs(100),
        job_name=job_words.job_name,
        job_purposes=job_words.JOB_PURPOSES,
        counts_text=job_words.counts_text,
    )


from tracker.web.admin import accounts  # noqa: E402, F401  (its routes join this blueprint)
