"""The notice step of a reminder pass: a supervision notice (督办单) per task, unit and
period, its number named in the reminder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from tracker.domain.periods import period_text
from tracker.domain.reminders import UNIT_HEAD, ReminderIntent, day_text
from tracker.extensions import db
from tracker.models import Task, Unit
from tracker.services.channels.faults import kill_point
from tracker.services.notices import issue_notice


def issue_notices(
    intents: Sequence[ReminderIntent], as_of: date, *, notice_dir: Path, deadline_workdays: int
) -> list[ReminderIntent]:
    """Issue the supervision notice (督办单) of every notice-step intent — once per task,
    unit and period, since :func:`tracker.services.notices.issue_notice` returns the one
    already issued; files in ``notice_dir``, new deadline ``deadline_workdays`` working days
    on — and name its number in the intent's message. Returns ``intents``
    with the notice intents so rewritten; the others unchanged."""
    numbers: dict[tuple[int, int | None, str | None], str] = {}
    result = []
    for intent in intents:
        if intent.audience == UNIT_HEAD:
            key = (intent.task_id, intent.unit_id, intent.period)
            if key not in numbers:
                numbers[key] = _issue_notice(intent, as_of, notice_dir, deadline_workdays)
                kill_point("notice")
            message = intent.message.replace("已发督办单", f"已发督办单（{numbers[key]}）")
            intent = replace(intent, message=message)
        result.append(intent)
    return result


def _issue_notice(
    intent: ReminderIntent, as_of: date, notice_dir: Path, deadline_workdays: int
) -> str:
    """Hand one escalation to the notices service; the notice's number."""
    task = db.session.get(Task, intent.task_id)
    unit = db.session.get(Unit, intent.unit_id)
    assert task is not None and unit is not None
    notice = issue_notice(
        task,
        unit,
        intent.period,
        _overdue_text(intent),
        as_of,
        notice_dir=notice_dir,
        deadline_workdays=deadline_workdays,
    )
    return notice.number


def _overdue_text(intent: ReminderIntent) -> str:
    """What is overdue, for the notice: "2020年第三季度进度（截止2020年10月14日）"."""
    label = period_text(intent.period)
    due = day_text(intent.due) if intent.due else ""
    return f"{label}进度（截止{due}）"
