"""Leaders write instructions on the task page; the page and the report form read them
through the template globals this module registers (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Blueprint, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.domain.policy import Action
from tracker.models import Instruction, Task
from tracker.services import instructions as instruction_service
from tracker.services import tasks as task_service
from tracker.web.access import require
from tracker.web.actions import act
from tracker.web.instructions.forms import InstructionForm

bp = Blueprint("instructions", __name__)


@dataclass(frozen=True, slots=True)
class InstructionView:
    """An instruction with its dates in the office's time zone, for templates."""

    instruction: Instruction
    written_on: date
    answered_on: date | None


def _local_date(moment: datetime) -> date:
    """The date of a stored instant in ``TRACKER_TIMEZONE`` (SQLite drops the zone: UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(app_settings.current().clock.zone).date()


def _view(instruction: Instruction) -> InstructionView:
    answered = instruction.answered_at
    return InstructionView(
        instruction,
        _local_date(instruction.created_at),
        _local_date(answered) if answered else None,
    )


def task_instructions(task_id: int) -> list[InstructionView]:
    """Template global: a task's instructions, newest first."""
    return [_view(i) for i in instruction_service.instructions_of_task(task_id)]


def instructions_to_answer(task_id: int, period: str | None = None) -> list[InstructionView]:
    """Template global: what the report form of ``period`` asks the lead unit to answer."""
    return [_view(i) for i in instruction_service.instructions_to_answer(task_id, period)]


@bp.record_once
def _register_globals(state: BlueprintSetupState) -> None:
    state.app.jinja_env.globals.update(
        instructions_of_task=task_instructions,
        instructions_to_answer=instructions_to_answer,
        instruction_form=InstructionForm,
    )


@bp.route("/tasks/<int:task_id>/instructions", methods=["POST"])
@login_required
def create(task_id: int) -> Response:
    """A leader writes an instruction on the task (or one of its reports)."""
    task = task_service.get_task(task_id)
    require(Action.WRITE_INSTRUCTION, task)
    form = InstructionForm()
    return act(
        lambda: _write(task, form),
        "批示已发送，牵头单位将在下次填报时答复。",
        url_for("tasks.show", task_id=task.id, _anchor="instructions"),
        form=form,
    )


def _write(task: Task, form: InstructionForm) -> Instruction:
    """The instruction of ``form`` on ``task``; raises ServiceError (field "report_id") for a
    report of another task."""
    report = (
        instruction_service.report_of_task(task, int(form.report_id.data))
        if form.report_id.data
        else None
    )
    return instruction_service.write_instruction(task, current_user, form.text.data or "", report)
