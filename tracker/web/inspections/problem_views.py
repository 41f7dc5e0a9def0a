"""The problem ledger (问题清单): filters by unit, status and overdue; the office adds
problems, verifies rectifications and closes them (销号) or sends them back; a unit sees
and rectifies only its own; leaders and the assessment group read; .xlsx export."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.clock import today
from tracker.domain.supervision import SupervisionAction as A
from tracker.models import Problem
from tracker.models._types import MAX_ID
from tracker.models.inspection import PROBLEM_STATUS_LABELS
from tracker.services.inspections import export, problems, rounds
from tracker.services.inspections import files as file_service
from tracker.web.actions import act, submit
from tracker.web.files import private_download, sandboxed
from tracker.web.inspections.access import (
    attach_upload,
    may_do,
    me,
    own_unit_id,
    require_may,
    sees_all,
    storage_dir,
)
from tracker.web.inspections.forms import CloseForm, ProblemForm, RectifyForm, ReturnForm

bp = Blueprint("problems", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _readable(problem_id: int) -> Problem:
    """The problem, if the current user may read it (404 / 403)."""
    require_may(A.VIEW)
    problem = problems.get_problem(problem_id)
    if not sees_all() and problem.unit_id != own_unit_id():
        abort(403)
    return problem


def _filters() -> problems.ProblemFilter:
    """The ledger's filters from the query; a unit user always sees only their unit."""
    unit = request.args.get("unit", type=int)
    status = request.args.get("status") or None
    return problems.ProblemFilter(
        unit_id=unit if sees_all() and unit and 0 < unit <= MAX_ID else own_unit_id(),
        status=status if status in PROBLEM_STATUS_LABELS else None,
        overdue=request.args.get("overdue") == "1",
    )


def _problem_form() -> ProblemForm:
    form = ProblemForm()
    form.unit_id.choices = [(u.id, u.name) for u in rounds.all_units()]
    tasks = rounds.tasks_for_choice(rounds.first_plan_id())
    form.task_id.choices = [(0, "（不关联任务）")] + [(t.id, t.text[:60]) for t in tasks]
    return form


@bp.route("/problems", methods=["GET", "POST"])
@login_required
def index() -> str | Response:
    """The ledger with its filters and counts; the office adds a problem."""
    require_may(A.VIEW)
    form = _problem_form() if may_do(A.MANAGE) else None
    if form is None and request.method == "POST":
        abort(403)
    if form is not None and form.validate_on_submit():
        outcome = submit(form, lambda: problems.create_problem(_input(form), me()))
        if outcome.ok and outcome.value is not None:
            flash("已登记问题。", "success")
            return redirect(url_for("problems.show", problem_id=outcome.value.id))
    filters = _filters()
    shown = problems.list_problems(filters, today())
    return render_template(
        "inspections/problems.html",
        problems=shown,
        counts=problems.counts_by_status(shown, today()),
        filters=filters,
        units=rounds.all_units() if sees_all() else [],
        statuses=PROBLEM_STATUS_LABELS,
        today=today(),
        form=form,
    )


def _input(form: ProblemForm) -> problems.ProblemInput:
    assert form.found_on.data is not None
    return problems.ProblemInput(
        unit_id=form.unit_id.data or 0,
        source=form.source.data or "",
        description=form.description.data or "",
        found_on=form.found_on.data,
        deadline_workdays=form.deadline_workdays.data or 0,
        category=form.category.data or "",
        requirement=form.requirement.data or "",
        responsible=form.responsible.data or "",
        task_id=form.task_id.data or None,
        indicator_id=form.indicator_id.data,
    )


@bp.route("/problems.xlsx")
@login_required
@sandboxed
def download() -> Response:
    """The ledger as shown (same filters) as .xlsx, status cells coloured."""
    require_may(A.VIEW)
    data = export.ledger_xlsx(problems.list_problems(_filters(), today()), today())
    response = send_file(
        io.BytesIO(data),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"问题清单{today().isoformat()}.xlsx",
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/problems/<int:problem_id>")
@login_required
def show(problem_id: int) -> str:
    """The problem: what was found, the requirement and deadline, the rectification and
    its files; the unit's rectify form, the office's close and return forms."""
    problem = _readable(problem_id)
    return render_template(
        "inspections/problem.html",
        problem=problem,
        files=file_service.files_of(problem),
        today=today(),
        may_rectify=may_do(A.RECTIFY, problem.unit_id),
        may_manage=may_do(A.MANAGE),
        rectify_form=RectifyForm(formdata=None, rectification=problem.rectification),
        close_form=CloseForm(formdata=None),
        return_form=ReturnForm(formdata=None),
    )


@bp.route("/problems/<int:problem_id>/rectify", methods=["POST"])
@login_required
def rectify(problem_id: int) -> Response:
    """The unit submits its rectification (整改情况) with an optional file."""
    problem = _readable(problem_id)
    require_may(A.RECTIFY, problem.unit_id)
    form = RectifyForm()

    def save() -> Problem:
        problems.rectify(problem, me(), form.rectification.data or "", today())
        attach_upload(problem, form.file.data)
        return problem

    return act(save, "已提交整改情况，等待改革办核验。", _back(problem), form=form)


@bp.route("/problems/<int:problem_id>/close", methods=["POST"])
@login_required
def close(problem_id: int) -> Response:
    """The office verifies and closes the problem (销号)."""
    problem = _readable(problem_id)
    require_may(A.MANAGE)
    form = CloseForm()
    return act(
        lambda: problems.close(problem, me(), form.verification.data or "", today()),
        "已核验销号。",
        _back(problem),
        form=form,
    )


@bp.route("/problems/<int:problem_id>/return", methods=["POST"])
@login_required
def send_back(problem_id: int) -> Response:
    """The office sends the rectification back with a reason (退回)."""
    problem = _readable(problem_id)
    require_may(A.MANAGE)
    form = ReturnForm()
    return act(
        lambda: problems.return_problem(problem, me(), form.reason.data or ""),
        "已退回整改。",
        _back(problem),
        form=form,
    )


def _back(problem: Problem) -> str:
    return url_for("problems.show", problem_id=problem.id)


@bp.route("/inspection-files/<int:file_id>")
@login_required
@sandboxed
def file(file_id: int) -> Response:
    """A kept file, as an attachment, to those who may read its unit's records."""
    require_may(A.VIEW)
    item = file_service.get_file(file_id)
    if not sees_all() and file_service.owner_unit_id(item) != own_unit_id():
        abort(403)
    path = file_service.open_file(item, storage_dir())
    return private_download(path, item.content_type, item.original_name, etag=item.sha256)
