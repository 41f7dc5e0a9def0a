"""Leaders' instructions (批示) on a task or a report, and the lead unit's answers
(issue 3 §7): a leader writes one; the lead unit must answer every open instruction in
its next report.

The report service calls :func:`require_answers` before it submits a report and
:func:`answer_instructions` once the report exists; the report view reads the answers
with :func:`answers_from_form`. Services flush; the caller commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Instruction, ProgressReport, ReportStatus, Task, User
from tracker.models._types import utcnow
from tracker.services import audit
from tracker.services.errors import ServiceError

#: Longest instruction a leader may write, in characters.
MAX_TEXT = 1000
#: Longest answer to one instruction, in characters.
MAX_ANSWER = 2000
#: Name of the report form's field holding the answer to instruction ``id``.
ANSWER_FIELD = "instruction-{id}"

_ANSWER_FIELD = re.compile(r"^instruction-(\d+)$")


def excerpt(text: str, length: int = 30) -> str:
    """The start of an instruction, for messages: at most ``length`` characters + "…"."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[:length] + "…"


def write_instruction(
    task: Task, author: User, text: str, report: ProgressReport | None = None
) -> Instruction:
    """Add a leader's instruction on ``task`` (on one of its reports when ``report`` is
    given). The caller has checked that ``author`` may write one.

    Raises :class:`ServiceError` (field "text") for an empty or over-long text and
    (field "report_id") for a report of another task or a draft (a draft is the unit's own
    until submitted).
    """
    clean = text.strip()
    if not clean:
        raise ServiceError("请填写批示内容", field="text")
    if len(clean) > MAX_TEXT:
        raise ServiceError(f"批示内容不能超过{MAX_TEXT}字", field="text")
    if report is not None and report.task_id != task.id:
        raise ServiceError("所选填报不属于此任务", field="report_id")
    if report is not None and report.status is ReportStatus.DRAFT:
        raise ServiceError(
            "这份填报还是草稿，尚未报送，不能针对它作批示；请针对整个任务或已报送的填报作批示",
            field="report_id",
        )
    instruction = Instruction(task=task, author=author, text=clean, report=report, answer="")
    db.session.add(instruction)
    audit.record(
        "create", instruction, user=author, task_id=task.id, summary=f"领导批示：{excerpt(clean)}"
    )
    return instruction


def report_of_task(task: Task, report_id: int) -> ProgressReport:
    """The report ``report_id`` of ``task`` (for an instruction on a report).

    Raises :class:`ServiceError` (field "report_id") when there is none of that task.
    """
    report = db.session.get(ProgressReport, report_id)
    if report is None or report.task_id != task.id:
        raise ServiceError("所选填报不属于此任务", field="report_id")
    return report


def instructions_of_task(task_id: int) -> list[Instruction]:
    """Every instruction on a task, newest first."""
    return list(
        db.session.scalars(
            sa.select(Instruction)
            .where(Instruction.task_id == task_id)
            .order_by(Instruction.created_at.desc(), Instruction.id.desc())
        )
    )


def open_instructions(task_id: int) -> list[Instruction]:
    """Instructions on a task not answered yet, oldest first (the order to answer them)."""
    return list(
        db.session.scalars(
            sa.select(Instruction)
            .where(Instruction.task_id == task_id, Instruction.answer_report_id.is_(None))
            .order_by(Instruction.created_at, Instruction.id)
        )
    )


def instructions_to_answer(task_id: int, period: str | None = None) -> list[Instruction]:
    """What a report form asks to answer: the open instructions and, when the report of
    ``period`` is being rewritten (returned or awaiting review), those it answered
    already, so their answers can be changed. Oldest first."""
    answered = _answered_in_open_report(task_id, period) if period else []
    return sorted([*open_instructions(task_id), *answered], key=lambda i: (i.created_at, i.id))


def _answered_in_open_report(task_id: int, period: str) -> list[Instruction]:
    editable = (
        ReportStatus.DRAFT,
        ReportStatus.PENDING_APPROVAL,
        ReportStatus.SUBMITTED,
        ReportStatus.RETURNED,
    )
    return list(
        db.session.scalars(
            sa.select(Instruction)
            .join(ProgressReport, ProgressReport.id == Instruction.answer_report_id)
            .where(
                Instruction.task_id == task_id,
                ProgressReport.period == period,
                ProgressReport.status.in_(editable),
            )
        )
    )


def answers_from_form(form_data: Mapping[str, str]) -> dict[int, str]:
    """The answers in a submitted report form: ``{instruction id: text}`` from its
    ``instruction-<id>`` fields (other fields are ignored; texts are not stripped)."""
    answers: dict[int, str] = {}
    for name, value in form_data.items():
        match = _ANSWER_FIELD.match(name)
        if match:
            answers[int(match.group(1))] = value
    return answers


def missing_answers(task: Task, answers: Mapping[int, str]) -> list[Instruction]:
    """The open instructions of ``task`` that ``answers`` leaves unanswered (or blank)."""
    return [i for i in open_instructions(task.id) if not answers.get(i.id, "").strip()]


def require_answers(task: Task, answers: Mapping[int, str]) -> None:
    """Refuse a report of ``task`` that does not answer every open instruction.

    Raises :class:`ServiceError` (field "instructions") naming the first instruction
    without an answer ("请答复领导批示：「…」"), or an answer that is too long.
    """
    missing = missing_answers(task, answers)
    if missing:
        raise ServiceError(f"请答复领导批示：「{excerpt(missing[0].text)}」", field="instructions")
    _check_lengths(open_instructions(task.id), answers)


def _check_lengths(instructions: Iterable[Instruction], answers: Mapping[int, str]) -> None:
    for instruction in instructions:
        if len(answers.get(instruction.id, "").strip()) > MAX_ANSWER:
            raise ServiceError(
                f"对批示「{excerpt(instruction.text)}」的答复不能超过{MAX_ANSWER}字",
                field="instructions",
            )


def answer_instructions(
    report: ProgressReport,
    answers: Mapping[int, str],
    user: User,
    now: datetime | None = None,
) -> list[Instruction]:
    """Record in ``report`` the non-blank answers to its task's open instructions (and
    new wording of those this report answered already). Answers to other ids are
    ignored. Each answer notes the report, ``now`` (default: the current instant) and
    gets an audit entry. Returns the instructions answered, oldest first.

    Raises :class:`ServiceError` (field "instructions") for an over-long answer.
    """
    candidates = _answerable(report)
    _check_lengths(candidates, answers)
    moment = now or utcnow()
    answered = []
    for instruction in candidates:
        text = answers.get(instruction.id, "").strip()
        if not text or (instruction.answer_report_id == report.id and instruction.answer == text):
            continue
        _record_answer(instruction, report, text, user, moment)
        answered.append(instruction)
    return answered


def _answerable(report: ProgressReport) -> list[Instruction]:
    """The open instructions of the report's task and those this report answered."""
    return list(
        db.session.scalars(
            sa.select(Instruction)
            .where(
                Instruction.task_id == report.task_id,
                sa.or_(
                    Instruction.answer_report_id.is_(None),
                    Instruction.answer_report_id == report.id,
                ),
            )
            .order_by(Instruction.created_at, Instruction.id)
        )
    )


def _record_answer(
    instruction: Instruction, report: ProgressReport, text: str, user: User, moment: datetime
) -> None:
    before = audit.snapshot(instruction)
    instruction.answer = text
    instruction.answer_report = report
    instruction.answered_at = moment
    audit.record(
        "answer",
        instruction,
        user=user,
        task_id=instruction.task_id,
        before=before,
        summary=f"答复批示「{excerpt(instruction.text)}」",
    )
