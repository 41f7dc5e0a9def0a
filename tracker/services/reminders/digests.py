"""Daily digests: at most one per recipient and day, gathering every reminder not yet in a
digest (see :mod:`tracker.services.reminders`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from tracker.domain.periods import period_text
from tracker.domain.reminders import day_text
from tracker.extensions import db
from tracker.models import Digest, Reminder, User

#: Recipients read per query.
CHUNK = 500

#: Characters of a task's text shown on a digest line.
TASK_TEXT_CHARS = 30


def digest_subject(day: date, count: int) -> str:
    """ "【改革任务台账】2020年10月15日提醒（3项）"."""
    return f"【改革任务台账】{day_text(day)}提醒（{count}项）"


def _short(text: str) -> str:
    return text if len(text) <= TASK_TEXT_CHARS else text[:TASK_TEXT_CHARS] + "…"


def digest_line(number: int, reminder: Reminder) -> str:
    """One line of a digest: task (truncated), period, due date, what to do, link path."""
    parts = [f"{number}. "]
    if reminder.task is not None:
        parts.append(f"【{_short(reminder.task.text)}】")
    if reminder.period:
        parts.append(f"{period_text(reminder.period)}，")
    if reminder.due:
        parts.append(f"截止{day_text(reminder.due)}：")
    parts.append(reminder.message)
    if reminder.task_id is not None:
        parts.append(f"（/tasks/{reminder.task_id}）")
    return "".join(parts)


def digest_body(recipient: User, day: date, reminders: Sequence[Reminder]) -> str:
    """The Chinese body: greeting, one line per reminder, closing line."""
    name = recipient.display_name or recipient.username
    lines = [f"{name}：", f"截至{day_text(day)}，您有以下{len(reminders)}项待办提醒："]
    lines += [digest_line(i, reminder) for i, reminder in enumerate(reminders, start=1)]
    lines.append("请登录改革任务台账系统办理。")
    return "\n".join(lines)


def _undigested(recipient_id: int, as_of: date) -> list[Reminder]:
    return list(
        db.session.scalars(
            sa.select(Reminder)
            .where(
                Reminder.recipient_id == recipient_id,
                Reminder.digest_id.is_(None),
                Reminder.read_at.is_(None),
                Reminder.as_of <= as_of,
            )
            .order_by(Reminder.as_of, Reminder.id)
        )
    )


def _has_digest(recipient_id: int, day: date) -> bool:
    query = sa.select(Digest.id).where(Digest.recipient_id == recipient_id, Digest.day == day)
    return db.session.scalar(query) is not None


def make_digest(recipient: User, as_of: date) -> Digest | None:
    """The recipient's digest of ``as_of`` with every reminder not yet in a digest, or
    None when the recipient already has that day's digest or nothing to read."""
    if _has_digest(recipient.id, as_of):
        return None
    reminders = _undigested(recipient.id, as_of)
    if not reminders:
        return None
    return _add_digest(recipient, as_of, reminders)


def _add_digest(recipient: User, as_of: date, reminders: Sequence[Reminder]) -> Digest | None:
    """The digest of ``reminders`` in a savepoint; None when a concurrent pass made the
    recipient's digest of the day first."""
    digest = Digest(
        recipient_id=recipient.id,
        day=as_of,
        subject=digest_subject(as_of, len(reminders)),
        body=digest_body(recipient, as_of, reminders),
    )
    try:
        with db.session.begin_nested():
            db.session.add(digest)
            for reminder in reminders:
                reminder.digest = digest
    except IntegrityError:  # a concurrent pass made today's digest first
        return None
    return digest


def make_digests(recipient_ids: Iterable[int], as_of: date) -> list[Digest]:
    """One digest per recipient with reminders to read (see the module docstring). Reads
    in bulk — the recipients, who has that day's digest already, every waiting reminder
    with its task — a fixed number of queries per :data:`CHUNK` recipients; then one
    savepoint and insert per digest made."""
    ids = sorted(set(recipient_ids))
    digests = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(chunk)))}
        has = set(
            db.session.scalars(
                sa.select(Digest.recipient_id).where(
                    Digest.recipient_id.in_(chunk), Digest.day == as_of
                )
            )
        )
        waiting: dict[int, list[Reminder]] = defaultdict(list)
        query = (
            sa.select(Reminder)
            .where(
                Reminder.recipient_id.in_(chunk),
                Reminder.digest_id.is_(None),
                Reminder.as_of <= as_of,
            )
            .order_by(Reminder.as_of, Reminder.id)
            .options(selectinload(Reminder.task))
        )
        for reminder in db.session.scalars(query):
            waiting[reminder.recipient_id].append(reminder)
        for recipient_id in chunk:
            recipient = users.get(recipient_id)
            if recipient is None or recipient_id in has or not waiting[recipient_id]:
                continue
            digest = _add_digest(recipient, as_of, waiting[recipient_id])
            if digest is not None:
                digests.append(digest)
    return digests


def pending_recipients(as_of: date) -> set[int]:
    """Recipients with reminders not yet in a digest (new now, or left by a rerun) nor
    read in the app already."""
    query = sa.select(Reminder.recipient_id).where(
        Reminder.digest_id.is_(None), Reminder.read_at.is_(None), Reminder.as_of <= as_of
    )
    return set(db.session.scalars(query))
