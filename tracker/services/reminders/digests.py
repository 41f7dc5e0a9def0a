"""Daily digests: at most one per recipient and day, gathering every reminder not yet in a
digest (see :mod:`tracker.services.reminders`), built from plain rows.

:func:`digest_groups` reads (no write open) the recipients waiting for a digest of the
day in groups of at most :data:`GROUP_RECIPIENTS` recipients or :data:`GROUP_LINES`
reminders, and composes each group's digests; :func:`write_group` then writes one group
in a brief transaction of the caller's: the digests inserted with ``ON CONFLICT DO
NOTHING`` on (recipient, day), their reminders linked (only those still in no digest) and
one pending delivery per digest and channel — whole, or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa

from config.settings import ChannelSettings
from tracker.domain.periods import period_text
from tracker.domain.reminders import day_text
from tracker.extensions import db
from tracker.models import Delivery, Digest, Reminder, Task, User
from tracker.models._types import utcnow
from tracker.services.bulk import insert_rows
from tracker.services.channels import delivery_rows
from tracker.services.channels.faults import kill_point

#: Recipients composed and written per group (one brief transaction each).
GROUP_RECIPIENTS = 200

#: Reminder lines per group (a recipient with more gets a group of their own).
GROUP_LINES = 5000

#: Ids per ``IN (…)`` list.
_IDS = 500

#: Characters of a task's text shown on a digest line.
TASK_TEXT_CHARS = 30

_DIGESTS = cast(sa.Table, Digest.__table__)
_DELIVERIES = cast(sa.Table, Delivery.__table__)


@dataclass(frozen=True, slots=True)
class Line:
    """One reminder as a digest lists it: plain values."""

    id: int
    task_id: int | None
    task_text: str | None
    period: str | None
    due: date | None
    message: str


@dataclass(slots=True)
class Group:
    """Digests composed for a few recipients, to be written in one chunk: the digest
    rows by recipient id, and the ids of the reminders each lists."""

    day: date
    digests: dict[int, dict[str, Any]] = field(default_factory=dict)
    lines: dict[int, list[int]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Reminders listed in the group's digests."""
        return sum(len(ids) for ids in self.lines.values())


def digest_subject(day: date, count: int) -> str:
    """ "【改革任务台账】2020年10月15日提醒（3项）"."""
    return f"【改革任务台账】{day_text(day)}提醒（{count}项）"


def _short(text: str) -> str:
    return text if len(text) <= TASK_TEXT_CHARS else text[:TASK_TEXT_CHARS] + "…"


def digest_line(number: int, line: Line) -> str:
    """One line of a digest: task (truncated), period, due date, what to do, link path."""
    parts = [f"{number}. "]
    if line.task_text is not None:
        parts.append(f"【{_short(line.task_text)}】")
    if line.period:
        parts.append(f"{period_text(line.period)}，")
    if line.due:
        parts.append(f"截止{day_text(line.due)}：")
    parts.append(line.message)
    if line.task_id is not None:
        parts.append(f"（/tasks/{line.task_id}）")
    return "".join(parts)


def digest_body(name: str, day: date, lines: Sequence[Line]) -> str:
    """The Chinese body for the recipient called ``name``: greeting, one line per
    reminder, closing line."""
    head = [f"{name}：", f"截至{day_text(day)}，您有以下{len(lines)}项待办提醒："]
    body = [digest_line(i, line) for i, line in enumerate(lines, start=1)]
    return "\n".join([*head, *body, "请登录改革任务台账系统办理。"])


def pending_recipients(as_of: date) -> set[int]:
    """Recipients with reminders not yet in a digest (new now, or left by an earlier or
    interrupted pass) nor read in the app already."""
    query = sa.select(Reminder.recipient_id).where(
        Reminder.digest_id.is_(None), Reminder.read_at.is_(None), Reminder.as_of <= as_of
    )
    return set(db.session.scalars(query.distinct()))


def _waiting(recipient_ids: list[int], as_of: date) -> dict[int, list[Line]]:
    """Every reminder of ``recipient_ids`` in no digest yet, oldest first: one query."""
    query = (
        sa.select(
            Reminder.recipient_id, Reminder.id, Reminder.task_id, Task.text, Reminder.period,
            Reminder.due, Reminder.message,
        )
        .outerjoin(Task, Task.id == Reminder.task_id)
        .where(
            Reminder.recipient_id.in_(recipient_ids),
            Reminder.digest_id.is_(None),
            Reminder.as_of <= as_of,
        )
        .order_by(Reminder.as_of, Reminder.id)
    )  # fmt: skip
    found: dict[int, list[Line]] = defaultdict(list)
    for recipient_id, rid, task_id, text, period, due, message in db.session.execute(query):
        found[recipient_id].append(Line(rid, task_id, text, period, due, message))
    return found


def _names(recipient_ids: list[int]) -> dict[int, str]:
    query = sa.select(User.id, User.display_name, User.username).where(User.id.in_(recipient_ids))
    return {uid: shown or username for uid, shown, username in db.session.execute(query)}


def _without_digest(recipient_ids: list[int], day: date) -> list[int]:
    """Those of ``recipient_ids`` (sorted) that have no digest of ``day``."""
    has: set[int] = set()
    for start in range(0, len(recipient_ids), _IDS):
        chunk = recipient_ids[start : start + _IDS]
        query = sa.select(Digest.recipient_id).where(
            Digest.recipient_id.in_(chunk), Digest.day == day
        )
        has.update(db.session.scalars(query))
    return [rid for rid in recipient_ids if rid not in has]


def digest_groups(as_of: date) -> Iterator[Group]:
    """The digests of ``as_of`` still to make, composed group by group (reads only; a
    fixed number of queries per :data:`GROUP_RECIPIENTS` recipients): one per recipient
    with a reminder waiting and no digest of the day yet, listing every reminder of
    theirs in no digest, oldest first."""
    todo = _without_digest(sorted(pending_recipients(as_of)), as_of)
    for start in range(0, len(todo), GROUP_RECIPIENTS):
        chunk = todo[start : start + GROUP_RECIPIENTS]
        names, waiting = _names(chunk), _waiting(chunk, as_of)
        group = Group(as_of)
        for recipient_id in chunk:
            lines = waiting.get(recipient_id)
            if not lines or recipient_id not in names:
                continue
            if group.digests and group.size + len(lines) > GROUP_LINES:
                yield group
                group = Group(as_of)
            group.digests[recipient_id] = {
                "recipient_id": recipient_id,
                "day": as_of,
                "subject": digest_subject(as_of, len(lines)),
                "body": digest_body(names[recipient_id], as_of, lines),
                "created_at": utcnow(),
            }
            group.lines[recipient_id] = [line.id for line in lines]
        if group.digests:
            yield group


def write_group(group: Group, channels: ChannelSettings, now: datetime) -> list[int]:
    """Write ``group`` inside the caller's transaction: its digests (a recipient whose
    digest of the day a concurrent pass made first is left out), each one's reminders
    linked unless already in a digest, and its pending deliveries, due at ``now``, on
    the enabled ``channels``. Returns the ids of the digests made, by recipient."""
    rows = list(group.digests.values())
    made = set(
        insert_rows(_DIGESTS, rows, conflict=("recipient_id", "day"), returning="recipient_id")
    )
    if not made:
        return []
    query = sa.select(Digest.recipient_id, Digest.id).where(
        Digest.day == group.day, Digest.recipient_id.in_(sorted(made))
    )
    ids = {key: value for key, value in db.session.execute(query)}
    for recipient_id in sorted(made):
        _link(group.lines[recipient_id], ids[recipient_id])
        kill_point("digest")
    digest_ids = [ids[recipient_id] for recipient_id in sorted(made)]
    deliveries = delivery_rows(digest_ids, channels, now)
    insert_rows(_DELIVERIES, deliveries, conflict=("digest_id", "channel"))
    return digest_ids


#: PostgreSQL: the reminders to link joined to one array of their ids. A join, whatever
#: the planner believes of the table: during a first pass every reminder of the day is in
#: no digest while the statistics may still count none, and ``id = ANY(…) AND digest_id IS
#: NULL`` was then planned as a walk through all of them per statement (minutes at 3,000
#: districts).
_LINK = sa.text(
    "UPDATE reminders SET digest_id = :digest_id "
    "FROM unnest(CAST(:ids AS INTEGER[])) AS listed(id) "
    "WHERE reminders.id = listed.id AND reminders.digest_id IS NULL"
)


def _link(reminder_ids: list[int], digest_id: int) -> None:
    """Put the reminders in the digest, those still in none."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(reminder_ids), _IDS * 10):
        chunk = reminder_ids[start : start + _IDS * 10]
        if postgres:
            db.session.execute(_LINK, {"digest_id": digest_id, "ids": chunk})
            continue
        db.session.execute(
            sa.update(Reminder)
            .where(Reminder.id.in_(chunk), Reminder.digest_id.is_(None))
            .values(digest_id=digest_id)
            .execution_options(synchronize_session=False)
        )
