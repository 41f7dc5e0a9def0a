"""Supervision notices (督办单): issued on escalation, signed for (签收) and answered by the
unit, watched by the office (issue 4 §4).

A notice is numbered in a yearly sequence per plan prefix ("慈产改督〔2020〕3号"), names
the task, the unit, what is overdue and a new deadline some working days after it is
issued (``ReminderSettings.notice_deadline_workdays``), and is stored as .docx and PDF
under generated names in the notice folder the caller passes (``UploadLimits.notice_dir``,
outside the web root): the .docx when issued by hand, the PDF — and the .docx of a notice
the reminder pass issued — on first download (:func:`ensure_document`). Functions here
flush; the caller commits.

Numbers are never skipped or doubled (issue 9 §2): see :mod:`tracker.services.notice_numbers`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.domain.periods import parse_period
from tracker.extensions import db
from tracker.io.files import store_new_file
from tracker.io.notice_documents import NoticeData, notice_docx, notice_pdf
from tracker.models import SupervisionNotice, Task, Unit, User
from tracker.models._types import utcnow
from tracker.services import audit
from tracker.services.calendar import load_calendar
from tracker.services.errors import Conflict, NotFound, ServiceError
from tracker.services.notice_numbers import (
    NoticeOrder,
    Numbering,
    by_key,
    checked_text,
    insert_numbered,
    issue_summary,
    notice_key,
)

UNSIGNED = "未签收"
SIGNED = "已签收"
ANSWERED = "已答复"
STATUSES = (UNSIGNED, SIGNED, ANSWERED)
ANSWER_MAX = 2000
DocumentKind = Literal["docx", "pdf"]


# ---------------------------------------------------------------------------- issuing


def issue_order(
    order: NoticeOrder,
    as_of: date,
    *,
    notice_dir: Path,
    deadline_workdays: int,
    documents: bool = True,
) -> SupervisionNotice:
    """:func:`issue_notice` of ``order`` by the reminder pass (no user): the one already
    issued for its key, or a new one (its .docx written unless ``documents`` is False).
    Flushes; raises as :func:`issue_notice`."""
    task = db.session.get(Task, order.task_id)
    unit = db.session.get(Unit, order.unit_id)
    if task is None or unit is None:
        raise NotFound("督办事项的任务或单位不存在。")
    return issue_notice(
        task, unit, order.period_code, order.overdue_text, as_of,
        notice_dir=notice_dir, deadline_workdays=deadline_workdays, documents=documents,
    )  # fmt: skip


def issue_notice(
    task: Task,
    unit: Unit,
    period_code: str | None,
    overdue_text: str,
    as_of: date,
    *,
    notice_dir: Path,
    deadline_workdays: int,
    user: User | None = None,
    documents: bool = True,
) -> SupervisionNotice:
    """Issue the notice about ``task`` to ``unit`` for ``period_code`` (None: not about a
    period), or return the one already issued for that (task, unit, period). ``user``:
    the office user issuing it by hand (None: the reminder pass).

    Numbered with the next sequence of the plan's prefix in ``as_of``'s year; new
    deadline ``deadline_workdays`` working days after ``as_of``; the .docx written to
    ``notice_dir`` (unless ``documents`` is False: the reminder pass writes them after
    its commit); audited with the task's id.
    A number taken meanwhile by a concurrent issuer is retried inside a SAVEPOINT.
    Flushes; the caller commits.

    Raises ServiceError (field "overdue_text") when ``overdue_text`` is empty; Conflict
    when no free number is found after a few attempts.
    """
    existing = by_key(notice_key(task.id, unit.id, period_code))
    if existing is not None:
        return existing
    order = NoticeOrder(task.id, unit.id, period_code, checked_text(overdue_text))
    deadline = load_calendar().add_workdays(as_of, deadline_workdays)
    numbering = Numbering(task.plan_id, task.plan.notice_prefix, as_of, deadline)
    notice, created = insert_numbered(order, numbering)
    if not created:  # a concurrent issuer made it first
        return notice
    if documents:
        _write_documents(notice, notice_dir)
    audit.record("issue", notice, user=user, task_id=task.id, summary=issue_summary(notice))
    return notice


def find_notice(task_id: int, unit_id: int, period_code: str | None) -> SupervisionNotice | None:
    """The notice already issued about (task, unit, period), if any."""
    return by_key(notice_key(task_id, unit_id, period_code))


def notice_data(notice: SupervisionNotice) -> NoticeData:
    """What the notice's documents say."""
    return NoticeData(
        number=notice.number,
        unit=notice.unit.name,
        task=notice.task.text,
        period=period_label(notice.period),
        overdue_text=notice.overdue_text,
        new_deadline=notice.new_deadline,
        issued_on=notice.issued_on,
    )


def period_label(code: str | None) -> str | None:
    """ "2020Q3" → "2020年第三季度"; an unknown code as it is; None stays None."""
    if not code:
        return None
    try:
        return parse_period(code).label
    except ValueError:
        return code


def _write_documents(notice: SupervisionNotice, notice_dir: Path) -> None:
    """Write the .docx and record its generated name. The PDF is made the first time it is
    needed (:func:`ensure_pdf`): embedding the CJK font takes about 2 s, too slow for a
    reminder pass that escalates many reports at once."""
    notice.docx_name = store_new_file(notice_docx(notice_data(notice)), notice_dir, "docx")


def ensure_document(notice: SupervisionNotice, kind: DocumentKind, notice_dir: Path) -> Path:
    """The notice's stored .docx or PDF in ``notice_dir``, written now if it has none yet
    (the PDF is made on first download; a .docx is missing only after a reminder pass
    died between its commit and writing it). Flushes; the caller commits. Raises
    FileNotFoundError when the mplfonts font file is missing (PDF)."""
    if kind == "pdf" and not notice.pdf_name:
        notice.pdf_name = store_new_file(notice_pdf(notice_data(notice)), notice_dir, "pdf")
        db.session.flush()
    if kind == "docx" and not notice.docx_name:
        _write_documents(notice, notice_dir)
        db.session.flush()
    return document_path(notice, kind, notice_dir)


def ensure_pdf(notice: SupervisionNotice, notice_dir: Path) -> Path:
    """The notice's stored PDF (:func:`ensure_document`)."""
    return ensure_document(notice, "pdf", notice_dir)


# ---------------------------------------------------------------------------- the unit


def acknowledge(notice: SupervisionNotice, user: User) -> SupervisionNotice:
    """The unit signs for the notice (签收): time and user recorded, audited. Signing again
    changes nothing. Flushes; the caller commits.

    Raises ServiceError when ``user`` is not of the notice's unit.
    """
    _check_unit(notice, user)
    if notice.acknowledged_at is None:
        before = audit.snapshot(notice)
        _sign(notice, user)
        audit.record(
            "acknowledge",
            notice,
            user=user,
            task_id=notice.task_id,
            before=before,
            summary=f"签收督办单{notice.number}",
        )
    return notice


def answer(notice: SupervisionNotice, user: User, text: str) -> SupervisionNotice:
    """The unit answers the notice (signing for it too if not yet signed); audited.
    Flushes; the caller commits.

    Raises ServiceError (field "answer") when ``text`` is empty or longer than 2000
    characters, or when ``user`` is not of the notice's unit; Conflict when the notice is
    already answered.
    """
    _check_unit(notice, user)
    cleaned = (text or "").strip()
    if not cleaned:
        raise ServiceError("请填写答复内容。", "answer")
    if len(cleaned) > ANSWER_MAX:
        raise ServiceError(f"答复内容不能超过{ANSWER_MAX}字（现为{len(cleaned)}字）。", "answer")
    if notice.answered_at is not None:
        raise Conflict(f"督办单{notice.number}已答复。")
    before = audit.snapshot(notice)
    if notice.acknowledged_at is None:
        _sign(notice, user)
    notice.answer = cleaned
    notice.answered_at = utcnow()
    audit.record(
        "answer",
        notice,
        user=user,
        task_id=notice.task_id,
        before=before,
        summary=f"答复督办单{notice.number}",
    )
    return notice


def _sign(notice: SupervisionNotice, user: User) -> None:
    notice.acknowledged_at = utcnow()
    notice.acknowledged_by_id = user.id


def _check_unit(notice: SupervisionNotice, user: User) -> None:
    if user.unit_id != notice.unit_id:
        raise ServiceError(f"只有{notice.unit.name}的用户可以签收和答复此督办单。")


# ---------------------------------------------------------------------------- reading


def get_notice(notice_id: int) -> SupervisionNotice:
    """The notice with this id. Raises NotFound."""
    notice = db.session.get(SupervisionNotice, notice_id)
    if notice is None:
        raise NotFound("督办单不存在。")
    return notice


def _listing() -> sa.Select[SupervisionNotice]:
    return (
        sa.select(SupervisionNotice)
        .options(joinedload(SupervisionNotice.unit), joinedload(SupervisionNotice.task))
        .order_by(SupervisionNotice.issued_on.desc(), SupervisionNotice.id.desc())
    )


def notices_of_unit(unit_id: int) -> list[SupervisionNotice]:
    """The notices sent to one unit, newest first."""
    return list(db.session.scalars(_listing().where(SupervisionNotice.unit_id == unit_id)))


def all_notices(unsigned_only: bool = False) -> list[SupervisionNotice]:
    """Every notice, newest first; only those not yet signed for when ``unsigned_only``."""
    query = _listing()
    if unsigned_only:
        query = query.where(SupervisionNotice.acknowledged_at.is_(None))
    return list(db.session.scalars(query))


def status_of(notice: SupervisionNotice) -> str:
    """未签收, 已签收 or 已答复."""
    if notice.answered_at is not None:
        return ANSWERED
    if notice.acknowledged_at is not None:
        return SIGNED
    return UNSIGNED


def notice_to_json(notice: SupervisionNotice) -> dict[str, Any]:
    """{"number", "unit", "task", "task_id", "period", "issued_on", "new_deadline",
    "status"}; dates as ISO text, period as its code or None."""
    return {
        "number": notice.number,
        "unit": notice.unit.name,
        "task": notice.task.text,
        "task_id": notice.task_id,
        "period": notice.period,
        "issued_on": notice.issued_on.isoformat(),
        "new_deadline": notice.new_deadline.isoformat(),
        "status": status_of(notice),
    }


def document_path(notice: SupervisionNotice, kind: DocumentKind, notice_dir: Path) -> Path:
    """The stored .docx or PDF of the notice in ``notice_dir``.

    Raises NotFound when the file is missing.
    """
    name = notice.docx_name if kind == "docx" else notice.pdf_name
    path = notice_dir / name
    if not name or not path.is_file():
        raise NotFound("督办单文件不存在。")
    return path
