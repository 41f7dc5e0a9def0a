"""Word on every hand-off (issue 12 §2, DESIGN.md §6a): whoever must act next is told at
once, in their notifications (我的提醒), and in the next daily digest of the reminder pass.

Every hand-off is a change the services already write to the audit trail, so
:func:`tracker.services.audit.record_change` hands each entry to :func:`after_audit`,
which knows which (table, action) passes work to whom:

=======================================  =================================================
report submitted / passed by approver    the office (待审核), or the unit's approver (待审批)
report returned (office or approver)     the lead unit's reporters, with the reason
批示 written                              the lead units' reporters
批示 answered                             the leader who wrote it
contribution requested                   the cooperating unit's reporters
notice issued                            the unit head and the office
notice answered                          the office
appeal filed / answered                  the assessment group / the unit
=======================================  =================================================

Each word is a :class:`tracker.models.Reminder` keyed by the event's audit entry and the
recipient ("handoff:returned:report12:a345:user5"), so it is stored exactly once. The
unit head's word of a notice about a period shares its key with the reminder pass's
notice step, so the head hears of that notice once whichever writes first. Once a report
is decided, the words that it waits for review or approval are marked read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from tracker.domain.periods import period_text
from tracker.domain.policy import Role
from tracker.domain.reminders import day_text
from tracker.extensions import db
from tracker.models import (
    AuditEntry,
    Contribution,
    Instruction,
    ProgressReport,
    ReportStatus,
    ScoreAdjustment,
    SupervisionNotice,
    User,
)
from tracker.services.handoffs.store import (
    Word,
    approvers,
    heads_of_units,
    office_users,
    role_users,
    settle,
    store_rows,
    tell,
    unit_heads,
    unit_users,
    word_rows,
)

__all__ = ["Word", "after_audit", "tell", "tell_notices_issued"]

QUEUE_LINK = "/review/reports"
#: Characters of a 批示 or reason quoted in a word.
QUOTE_CHARS = 40


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[:QUOTE_CHARS] + "…"


def _day(moment: date | datetime | None) -> date:
    """The day of an event: its own date where the record keeps one, else today (UTC)."""
    if isinstance(moment, datetime):
        return moment.date()
    if isinstance(moment, date):
        return moment
    return datetime.now(UTC).date()


# ------------------------------------------------------------------------------ reports


def _report_word(report: ProgressReport, entry: AuditEntry, kind: str, text: str) -> Word:
    day = {
        "review_waiting": report.approved_on or report.submitted_on,
        "approval_waiting": report.submitted_on,
    }.get(kind, report.reviewed_on or report.submitted_on)
    link = QUEUE_LINK if kind.endswith("waiting") else f"/tasks/{report.task_id}"
    return Word(
        kind, f"report{report.id}:a{entry.id}", text, link, _day(day), report.task_id, report.period
    )


def _on_report(report: ProgressReport, entry: AuditEntry) -> None:
    unit, label = report.unit.name, period_text(report.period)
    action = entry.action
    if action in ("submit", "unit_approve") and report.status is ReportStatus.SUBMITTED:
        text = f"{unit}报送了{label}进度，等待改革办审核"
        tell(_report_word(report, entry, "review_waiting", text), office_users())
    elif action == "submit" and report.status is ReportStatus.PENDING_APPROVAL:
        text = f"{label}进度已填报，等待本单位审批后报送改革办"
        tell(_report_word(report, entry, "approval_waiting", text), approvers(report.unit_id))
    elif action in ("return", "unit_return"):
        who = "改革办" if action == "return" else "本单位审批人"
        text = f"{label}进度被{who}退回，理由：{_quote(report.return_reason)}。请修改后重新报送"
        tell(_report_word(report, entry, "returned", text), unit_users(report.unit_id))
    if action in ("accept", "return", "unit_approve", "unit_return"):
        waiting = ("approval_waiting",) if action.startswith("unit_") else ("review_waiting",)
        settle(f"handoff:{kind}:report{report.id}:" for kind in waiting)


# ----------------------------------------------------------------- contributions, 批示


def _on_contribution(item: Contribution, entry: AuditEntry) -> None:
    if entry.action != "request":
        return
    report = item.report
    due = f"，请于{day_text(item.due_on)}前确认" if item.due_on else "，请确认"
    text = f"{report.unit.name}报送了{period_text(report.period)}进度，请确认本单位的配合情况{due}"
    word = Word(
        "contribution", f"contribution{item.id}:a{entry.id}", text,
        f"/contributions/{item.id}", item.requested_on, report.task_id, report.period,
        item.due_on,
    )  # fmt: skip
    tell(word, unit_users(item.unit_id))


def _on_instruction(item: Instruction, entry: AuditEntry) -> None:
    link = f"/tasks/{item.task_id}"
    event = f"instruction{item.id}:a{entry.id}"
    if entry.action == "create":
        author = item.author.display_name or item.author.username
        text = f"{author}作出批示：「{_quote(item.text)}」，请在下次填报时答复落实情况"
        word = Word("instruction", event, text, link, _day(item.created_at), item.task_id)
        lead_users = [user for unit in item.task.lead_units for user in unit_users(unit.id)]
        tell(word, lead_users)
    elif entry.action == "answer" and item.answer_report is not None:
        unit = item.answer_report.unit.name
        text = f"{unit}答复了您的批示「{_quote(item.text)}」：{_quote(item.answer)}"
        word = Word("instruction_answered", event, text, link, _day(item.answered_at), item.task_id)
        tell(word, [item.author])


# ---------------------------------------------------------------------- notices, appeals


def _on_notice(notice: SupervisionNotice, entry: AuditEntry) -> None:
    if entry.action == "issue":
        rows = issued_rows(notice, entry.id, unit_heads(notice.unit_id))
        store_rows(rows + office_rows(notice, entry.id, notice.unit.name, office_users()))
    elif entry.action == "answer":
        link, event = _notice_event(notice, entry.id)
        text = f"{notice.unit.name}答复了督办单{notice.number}：{_quote(notice.answer)}"
        word = Word("notice_answered", event, text, link, _day(notice.answered_at), notice.task_id)
        tell(word, office_users())


def tell_notices_issued(
    issued: Sequence[tuple[SupervisionNotice, int]], units: dict[int, str]
) -> int:
    """The words of many notices issued at once (the reminder pass's chunk): for each
    (notice, id of its "issue" audit entry), in order, what :func:`after_audit` tells of
    one — the unit head's word, then the office's; ``units``: unit name by id. A fixed
    number of statements for all. Returns how many were stored."""
    heads = heads_of_units(notice.unit_id for notice, _ in issued)
    office = office_users()
    rows: list[dict[str, Any]] = []
    for notice, entry_id in issued:
        rows += issued_rows(notice, entry_id, heads[notice.unit_id])
        rows += office_rows(notice, entry_id, units[notice.unit_id], office)
    return store_rows(rows)


def _notice_event(notice: SupervisionNotice, entry_id: int) -> tuple[str, str]:
    """(the notice's page, the event key part "notice7:a345")."""
    return f"/notices/{notice.id}", f"notice{notice.id}:a{entry_id}"


def issued_rows(
    notice: SupervisionNotice, entry_id: int, heads: list[User]
) -> list[dict[str, Any]]:
    """The unit heads' word of a notice issued (keyed as the pass's notice step when it is
    about a period, so a head hears of it once)."""
    link, event = _notice_event(notice, entry_id)
    text = (
        f"已发督办单（{notice.number}）：{notice.overdue_text}，请签收并于"
        f"{day_text(notice.new_deadline)}前报送"
    )
    word = Word("notice", event, text, link, notice.issued_on, notice.task_id, notice.period)
    keys = (
        {u.id: f"notice:report:task{notice.task_id}:{notice.period}:user{u.id}" for u in heads}
        if notice.period
        else None
    )
    return word_rows(word, heads, keys=keys, kind="notice" if keys else None)


def office_rows(
    notice: SupervisionNotice, entry_id: int, unit_name: str, office: list[User]
) -> list[dict[str, Any]]:
    """The office's word of a notice issued to ``unit_name``."""
    link, event = _notice_event(notice, entry_id)
    text = f"已向{unit_name}发出督办单（{notice.number}）：{notice.overdue_text}"
    word = Word("notice_issued", event, text, link, notice.issued_on, notice.task_id, notice.period)
    return word_rows(word, office)


def _on_adjustment(item: ScoreAdjustment, entry: AuditEntry) -> None:
    link = "/assessment"
    event = f"adjustment{item.id}:a{entry.id}"
    if entry.action == "appeal":
        text = f"有单位对扣分（{_quote(item.event)}）提出申诉：{_quote(item.appeal)}"
        tell(Word("appeal", event, text, link, _day(item.appealed_at), item.task_id),
             role_users(Role.ASSESSOR))  # fmt: skip
    elif entry.action == "answer_appeal":
        text = f"考核组答复了您的申诉（{_quote(item.event)}）：{_quote(item.appeal_answer)}"
        word = Word("appeal_answered", event, text, link, _day(item.appeal_answered_at),
                    item.task_id)  # fmt: skip
        tell(word, unit_users(item.unit_id))


_HANDLERS: dict[type, Callable[[object, AuditEntry], None]] = {
    ProgressReport: _on_report,  # type: ignore[dict-item]
    Contribution: _on_contribution,  # type: ignore[dict-item]
    Instruction: _on_instruction,  # type: ignore[dict-item]
    SupervisionNotice: _on_notice,  # type: ignore[dict-item]
    ScoreAdjustment: _on_adjustment,  # type: ignore[dict-item]
}
#: (record type, action) pairs that pass work on; others are not looked at.
_ACTIONS = frozenset(
    {
        "submit", "unit_approve", "unit_return", "accept", "return", "request", "create",
        "answer", "issue", "appeal", "answer_appeal",
    }
)  # fmt: skip


def after_audit(record: object, entry: AuditEntry, user: User | None) -> None:
    """Tell whoever must act next of the change ``entry`` recorded on ``record`` (see the
    module docstring); nothing for other changes. Flushes."""
    handler = _HANDLERS.get(type(record))
    if handler is None or entry.action not in _ACTIONS:
        return
    db.session.flush()  # the entry's id keys the word
    handler(record, entry)
