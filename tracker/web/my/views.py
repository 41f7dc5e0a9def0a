"""本单位待办 (/my): the reports a unit owes with due dates, the contributions asked of it,
and its period's reports by Excel — download the template, upload it filled in.

Only unit users have this page; other roles are sent to the ledger (page) or refused
(template and upload, 403).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.policy import Role
from tracker.io.report_workbook import write_template
from tracker.models import Unit
from tracker.services import obligation_groups, obligations, report_upload
from tracker.services.contributions import contributions_page
from tracker.services.errors import ServiceError
from tracker.services.paging import page_of_list
from tracker.unit_of_work import attempt
from tracker.web.my.forms import UploadForm

bp = Blueprint("my", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit_or_403() -> Unit:
    """The current user's unit; 403 unless the user is a unit user with a unit."""
    if current_user.role != Role.UNIT or current_user.unit is None:
        abort(403)
    return current_user.unit


@bp.route("/my")
@login_required
def index() -> str | BaseResponse:
    """The unit's owed reports, contribution requests and the Excel section."""
    if current_user.unit_id is None:
        return redirect(url_for("ledger.index"))
    return _page(UploadForm())


def _page(form: UploadForm, errors: Sequence[str] = ()) -> str:
    """The page; ``?period=CODE&page=N`` opens that period at page N of its rows to act
    on (50 a page; every other period shows its first page); ``?cpage=N`` is page N of the
    contribution requests (50 a page)."""
    unit = current_user.unit
    day = today()
    owed = obligations.owed_reports(unit, day, lag=app_settings.current().lag)
    groups = obligation_groups.group_by_period(owed)
    chosen = request.args.get("period", "")
    page = request.args.get("page", 1, type=int) or 1
    shown = {
        group.period.code: page_of_list(group.to_act, page if group.period.code == chosen else 1)
        for group in groups
    }
    return render_template(
        "my/index.html",
        unit=unit,
        owed=owed,
        groups=groups,
        shown=shown,
        chosen=chosen if chosen in shown else "",
        periods=obligations.owed_periods(owed),
        default_period=obligations.default_period(owed, day),
        contributions=contributions_page(unit.id, day, request.args.get("cpage", 1, type=int) or 1),
        form=form,
        errors=list(errors),
    )


@bp.route("/my/template.xlsx")
@login_required
def template() -> BaseResponse:
    """The unit's template for ``?period=2020Q3`` (default: the period usually being
    reported now), as an attachment "<单位>-<期间>-进度填报.xlsx"; 404 for a bad code."""
    unit = _unit_or_403()
    code = request.args.get("period") or _default_code(unit)
    if code is None:
        flash("本单位目前没有需要填报的期间。", "info")
        return redirect(url_for("my.index"))
    period, rows = report_upload.template_rows(unit, code, today(), lag=app_settings.current().lag)
    return send_file(
        io.BytesIO(write_template(rows, unit.name, period.label)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{unit.name}-{period.label}-进度填报.xlsx",
    )


def _default_code(unit: Unit) -> str | None:
    day = today()
    owed = obligations.owed_reports(unit, day, lag=app_settings.current().lag)
    period = obligations.default_period(owed, day)
    return period.code if period else None


@bp.route("/my/upload", methods=["POST"])
@login_required
def upload() -> str | BaseResponse:
    """Import a filled template: all rows or none. Faults are listed on the page (200)."""
    unit = _unit_or_403()
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form)
    as_draft = form.mode.data == "draft"
    outcome = attempt(lambda: _import(unit, form, as_draft))
    if outcome.value is not None:
        flash(_imported_message(outcome.value.count, as_draft), "success")
        return redirect(url_for("my.index"))
    return _page(form, _upload_errors(outcome.error))


def _import(unit: Unit, form: UploadForm, as_draft: bool) -> report_upload.UploadResult:
    data = form.file.data.read()
    limits = app_settings.container_limits()
    return report_upload.import_workbook(
        unit, current_user, data, today(), submit=not as_draft, limits=limits
    )


def _imported_message(count: int, as_draft: bool) -> str:
    suffix = "，已保存为草稿（尚未提交）" if as_draft else "，已提交审核"
    return f"已导入{count}条填报{suffix}。"


def _upload_errors(error: ServiceError | None) -> list[str]:
    """Every fault of a refused upload, one message each."""
    if isinstance(error, report_upload.UploadError):
        return error.errors
    return [error.message] if error is not None else []
