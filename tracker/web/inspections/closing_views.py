"""Closing tasks (销号): the office's page per task says whether the final milestone is
verified (met, with an accepted report carrying evidence) and closes it, or reopens a
closed task with a reason; the list of closed tasks (已销号)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.supervision import SupervisionAction as A
from tracker.services import tasks as task_service
from tracker.services.inspections import closing
from tracker.web.actions import act
from tracker.web.inspections.access import me, require_may
from tracker.web.inspections.forms import ReopenForm, TaskCloseForm

bp = Blueprint("closing", __name__)


@bp.route("/closed-tasks")
@login_required
def index() -> str:
    """Every closed task (已销号), latest first."""
    require_may(A.VIEW_ALL)
    return render_template("inspections/closed_tasks.html", tasks=closing.closed_tasks())


@bp.route("/tasks/<int:task_id>/closing")
@login_required
def page(task_id: int) -> str:
    """Whether the task can be closed, and the close or reopen form."""
    task = task_service.get_task(task_id)
    require_may(A.MANAGE)
    refusal = closing.closing_refusal(task, today(), lag=app_settings.current().lag)
    return render_template(
        "inspections/closing.html",
        task=task,
        refusal=None if task.closed_at else refusal,
        close_form=TaskCloseForm(formdata=None),
        reopen_form=ReopenForm(formdata=None),
    )


@bp.route("/tasks/<int:task_id>/close", methods=["POST"])
@login_required
def close(task_id: int) -> Response:
    """Close the task (销号); refused with the reason when its final milestone is not
    verified."""
    task = task_service.get_task(task_id)
    require_may(A.MANAGE)
    form = TaskCloseForm()
    lag = app_settings.current().lag
    return act(
        lambda: closing.close_task(task, me(), form.note.data or "", today(), lag=lag),
        "任务已销号，不再扫描和催办。",
        url_for("closing.page", task_id=task.id),
        form=form,
    )


@bp.route("/tasks/<int:task_id>/reopen", methods=["POST"])
@login_required
def reopen(task_id: int) -> Response:
    """Reopen a closed task with a reason."""
    task = task_service.get_task(task_id)
    require_may(A.MANAGE)
    form = ReopenForm()
    return act(
        lambda: closing.reopen_task(task, me(), form.reason.data or ""),
        "任务已重新打开。",
        url_for("closing.page", task_id=task.id),
        form=form,
    )
