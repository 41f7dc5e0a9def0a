"""The notices of a reminder pass (督办单): the notice step of its intents, the problems'
and the catch-up's, up to 500 per brief chunk, with the reminders that name their numbers
(and the word to the unit head and the office, :mod:`tracker.services.handoffs`).

A chunk of up to 500 notices is issued with a fixed number of statements: its numbers are
taken inside the chunk that stores the notices (one more than the highest, under a unique
constraint, :mod:`tracker.services.notice_numbers`), so a chunk that dies takes its numbers
with it and the next pass issues the same ones; the notices, their audit entries, their
words and reminders are inserted in bulk. The pass writes no documents: a notice's .docx,
like its PDF, is made on its first download (:func:`~tracker.services.notices.
ensure_document`) — at 150 ms or more each, writing them in the pass took 80 % of a first
national pass (3,588 notices at 300 districts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from tracker.domain.periods import period_text
from tracker.domain.reminders import UNIT_HEAD, ReminderIntent, day_text
from tracker.extensions import db
from tracker.models import SupervisionNotice
from tracker.services.calendar import load_calendar
from tracker.services.channels.faults import kill_point
from tracker.services.notice_numbers import NoticeOrder, issue_orders, notice_key
from tracker.services.reminders.recipients import Audiences, insert_reminders, reminder_rows

#: Notices issued per chunk at most (all of them in a fixed number of statements).
NOTICES_PER_CHUNK = 500

#: Where the words of a notice step go (its number) in the intent's message.
_MARK = "已发督办单"


@dataclass(slots=True)
class NoticeStep:
    """One notice to issue and the notice-step intents whose message names its number."""

    order: NoticeOrder
    intents: list[ReminderIntent] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Issuing:
    """How the pass issues: as of which day, into which folder, with which deadline."""

    as_of: date
    notice_dir: Path
    deadline_workdays: int


def numbered(intent: ReminderIntent, number: str) -> ReminderIntent:
    """``intent`` with the notice ``number`` named in its message."""
    return replace(intent, message=intent.message.replace(_MARK, f"{_MARK}（{number}）"))


def split_notice_steps(
    intents: Sequence[ReminderIntent], numbers: dict[str, str]
) -> tuple[list[NoticeStep], list[ReminderIntent]]:
    """The notice-step intents (to the unit head) of ``intents``, once per task, unit and
    period: those whose notice is issued already (``numbers``: number by notice key) name
    it at once and stay with the other intents; the others become :class:`NoticeStep` s,
    in order. Returns (steps, the other intents in order)."""
    steps: dict[str, NoticeStep] = {}
    others: list[ReminderIntent] = []
    for intent in intents:
        if intent.audience != UNIT_HEAD or intent.unit_id is None:
            others.append(intent)
            continue
        key = notice_key(intent.task_id, intent.unit_id, intent.period)
        if key in numbers:
            others.append(numbered(intent, numbers[key]))
            continue
        if key not in steps:
            order = NoticeOrder(intent.task_id, intent.unit_id, intent.period, _overdue(intent))
            steps[key] = NoticeStep(order)
        steps[key].intents.append(intent)
    return list(steps.values()), others


def _overdue(intent: ReminderIntent) -> str:
    """What is overdue, for the notice: "2020年第三季度进度（截止2020年10月14日）"."""
    due = day_text(intent.due) if intent.due else ""
    return f"{period_text(intent.period)}进度（截止{due}）"


def issued_numbers() -> dict[str, str]:
    """Every notice issued: number by key (one query)."""
    query = sa.select(SupervisionNotice.key, SupervisionNotice.number)
    return {key: value for key, value in db.session.execute(query)}


#: A brief write transaction of the pass (a context manager: one chunk of work).
Chunk = Callable[[], AbstractContextManager[object]]


def write_notice_steps(
    steps: Sequence[NoticeStep],
    issuing: Issuing,
    audiences: Audiences,
    seen: set[str],
    chunk: Chunk,
) -> list[int]:
    """Issue the steps' notices (or find those issued) and store their intents' reminders
    naming the numbers, :data:`NOTICES_PER_CHUNK` notices per ``chunk()``, each with a
    fixed number of statements (:func:`~tracker.services.notice_numbers.issue_orders`).
    Returns the ids of the intents' reminders stored; their keys are added to ``seen``."""
    stored: list[int] = []
    if not steps:
        return stored
    deadline = load_calendar().add_workdays(issuing.as_of, issuing.deadline_workdays)
    for start in range(0, len(steps), NOTICES_PER_CHUNK):
        batch = steps[start : start + NOTICES_PER_CHUNK]
        with chunk():
            numbers = issue_orders([step.order for step in batch], issuing.as_of, deadline)
            intents = [
                numbered(intent, numbers[step.order.key])
                for step in batch
                for intent in step.intents
            ]
            stored += insert_reminders(list(reminder_rows(intents, issuing.as_of, audiences, seen)))
            for _ in batch:
                kill_point("notice")
    return stored
