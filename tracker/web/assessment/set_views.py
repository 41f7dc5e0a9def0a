"""Indicator tables in the web (issue 11 §4–§6): importing a table with a preview, the
units a set assesses (resolved from its 考核对象 text against a plan, or assigned to a list
of units), and running the deduction proposals from the assessment page."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from pydantic import TypeAdapter, ValidationError
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.policy import Action
from tracker.io.indicator_tables import IndicatorTable
from tracker.services import assessed_units, indicators, unit_admin
from tracker.services import assessment as assessment_service
from tracker.services import assessment_pages as pages
from tracker.services import self_assessment as sa_service
from tracker.services.errors import ServiceError
from tracker.services.indicator_preview import preview_table
from tracker.unit_of_work import attempt
from tracker.web.access import require
from tracker.web.actions import act
from tracker.web.assessment.blueprint import bp
from tracker.web.assessment.set_forms import AssignForm, ConfirmTableForm, TableForm
from tracker.web.forms import TrackerForm, choices
from tracker.web.people.import_views import read_upload, require_storable

_TABLE = TypeAdapter(IndicatorTable)


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_table() -> str | Response:
    """Upload an indicator table → preview (items, points, differences) → confirm."""
    require(Action.IMPORT_PLAN)
    upload, confirm = TableForm(), _plans(ConfirmTableForm())
    if confirm.payload.data and confirm.validate_on_submit():
        outcome = attempt(lambda: _store(confirm))
        if outcome.value is not None:
            flash("指标体系已导入。", "success")
            return redirect(outcome.value)
        flash(outcome.error.message if outcome.error else "导入失败", "error")
    elif upload.validate_on_submit():
        read = attempt(lambda: read_upload(upload.file.data, _read))
        if read.value is not None:
            [table] = read.value
            confirm.payload.data = json.dumps(dataclasses.asdict(table), ensure_ascii=False)
            confirm.name.data = table.title
            return render_template(
                "assessment/import.html", form=upload, confirm=confirm, preview=preview_table(table)
            )
        if read.error is not None:
            upload.file.errors = [*upload.file.errors, read.error.message]
    return render_template("assessment/import.html", form=upload, confirm=None, preview=None)


def _read(path: Any, limits: Any) -> list[IndicatorTable]:
    return [indicators.read_table(path, limits=limits)]


def _plans(form: ConfirmTableForm) -> ConfirmTableForm:
    form.plan_id.choices = choices(
        [("", "（暂不对应）"), *((str(p.id), p.name) for p in pages.all_plans())]
    )
    return form


def _store(form: ConfirmTableForm) -> str:
    try:
        table = _TABLE.validate_json(form.payload.data or "")
    except ValidationError:
        raise ServiceError("导入内容无法识别，请重新上传。", field="file") from None
    require_storable(table)
    summary = indicators.import_indicators(table, form.name.data or None, create_units=False)
    plan = form.plan_id.data or ""
    if plan.isdigit():
        assessed_units.resolve_set(summary.set_id, int(plan), current_user)
        return url_for("assessment.set_units", set_id=summary.set_id, plan=plan)
    return url_for("assessment.set_units", set_id=summary.set_id)


@bp.route("/<int:set_id>/units", methods=["GET", "POST"])
@login_required
def set_units(set_id: int) -> str | Response:
    """The units a set assesses; with ``?plan=`` what its text resolves to and the review
    list. Posts resolve the text against the plan or assign the set to units."""
    require(Action.MAP_INDICATORS)
    indicator_set = sa_service.get_set(set_id)
    plan_id = request.args.get("plan", type=int)
    plan = pages.get_plan(plan_id) if plan_id is not None else None
    form = _assign_choices(AssignForm())
    if form.validate_on_submit():
        return _assign(set_id, plan_id, form)
    return render_template(
        "assessment/set_units.html",
        indicator_set=indicator_set,
        plan=plan,
        plans=pages.all_plans(),
        units=sa_service.assessed_units(set_id),
        resolution=assessed_units.preview_resolution(set_id, plan.id) if plan else None,
        form=form,
        kinds=unit_admin.KIND_LABELS,
    )


def _assign_choices(form: AssignForm) -> AssignForm:
    form.kind.choices = choices([("", "（不按类型）"), *unit_admin.KIND_LABELS.items()])
    return form


def _assign(set_id: int, plan_id: int | None, form: AssignForm) -> Response:
    back = url_for("assessment.set_units", set_id=set_id, plan=plan_id)
    if form.action.data == "resolve" and plan_id is not None:
        return act(
            lambda: assessed_units.resolve_set(set_id, plan_id, current_user),
            "已按考核对象对应到方案的单位。",
            back,
        )
    units = _chosen_units(form)
    return act(
        lambda: assessed_units.assign_set(set_id, units, current_user),
        f"已指定 {len(units)} 个单位为考核对象（各自按全部指标自评）。",
        back,
    )


def _chosen_units(form: AssignForm) -> list[Any]:
    names = {n.strip() for n in (form.names.data or "").replace("、", "\n").splitlines()}
    kind = form.kind.data or ""
    return [
        unit
        for unit in unit_admin.list_units()
        if unit.active and (unit.name in names or (kind and unit.kind == kind))
    ]


@bp.route("/<int:set_id>/plans/<int:plan_id>/propose", methods=["POST"])
@login_required
def propose(set_id: int, plan_id: int) -> Response:
    """Propose deductions from the plan's lag events as of today (as the daily scan does)."""
    require(Action.MAP_INDICATORS)
    sa_service.get_set(set_id)
    pages.get_plan(plan_id)
    current = app_settings.current()
    return act(
        lambda: assessment_service.propose_from_lags(
            set_id, plan_id, today(), settings=current.assessment, lag=current.lag
        ),
        "已根据滞后事项生成扣分建议（已有的不重复生成）。",
        url_for("assessment.scorecard", set_id=set_id, plan_id=plan_id),
        form=TrackerForm(),
    )
