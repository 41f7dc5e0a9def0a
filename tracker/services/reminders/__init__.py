"""The reminder pass (催办), issue 4 §2 and §5 (`remind run`): reminders due today for
every plan, stored once per thing, step and recipient, gathered into one daily digest per
recipient, and one pending delivery per digest and enabled channel — the outbox (issue 9
§2). The pass sends nothing: the delivery step (``tracker.jobs.deliver``) sends them.

Digest rule: a recipient gets at most one digest a day (``Digest`` is unique per recipient
and day). A pass puts a recipient's new reminders — and any left without a digest by an
earlier pass — into that day's digest when the recipient has none yet that day. When the
day's digest already exists (a second pass the same day found something new), the new
reminders stay without a digest and go out with the next day's digest. A recipient with
nothing new gets no digest at all.

Compute first, then write in brief chunks (issue 18 §1, issue 14 §2): the pass works out
everything it will write with no transaction writing (:mod:`.planning`), then writes it in
chunks, each its own short transaction (:class:`~.writer.Writer`) and each idempotent —
the notices up to 500 at a time in bulk, with the reminders that name their numbers
(:mod:`.notice_steps`); the other reminders in bulk, ``ON CONFLICT DO NOTHING`` on their
key; then the digests a group of recipients at a time, each digest with its reminders
linked and its pending deliveries in the same chunk (:mod:`.digests`). A pass killed at
any point leaves only whole chunks, and the next pass completes it: a reminder stored is
not stored again (its key), and one left without a digest joins that recipient's next
digest (the rule above), so every reminder ends in exactly one digest and every digest
has its deliveries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

import sqlalchemy as sa

from config.settings import Settings
from tracker.domain.reminders import ReminderIntent
from tracker.extensions import db
from tracker.models import Delivery, Digest, Reminder, User
from tracker.services.calendar import load_calendar
from tracker.services.reminders.digests import (
    TASK_TEXT_CHARS,
    digest_body,
    digest_groups,
    digest_line,
    digest_subject,
    pending_recipients,
    write_group,
)
from tracker.services.reminders.facts import (
    contribution_facts,
    milestone_facts,
    plan_intents,
    plan_rules,
    report_facts,
)
from tracker.services.reminders.notice_steps import Issuing, write_notice_steps
from tracker.services.reminders.planning import plan_pass
from tracker.services.reminders.recipients import Audiences, reminder_rows, store_reminders
from tracker.services.reminders.writer import Writer
from tracker.unit_of_work import end_reads

__all__ = [
    "TASK_TEXT_CHARS",
    "Audiences",
    "RunResult",
    "contribution_facts",
    "digest_body",
    "digest_line",
    "digest_subject",
    "milestone_facts",
    "pending_recipients",
    "plan_intents",
    "plan_rules",
    "report_facts",
    "run_reminders",
    "sent_count",
    "store_reminders",
]


T = TypeVar("T", Reminder, Digest)

#: Ids per ``IN (…)`` list when a result is read back.
_IDS = 500


@dataclass(slots=True)
class RunResult:
    """One reminder pass: the ids of the reminders stored (new) and of the digests made,
    deliveries sent (of this pass's digests; 0 until the caller's delivery step sets it
    with :func:`sent_count`), intents skipped because their key was already stored, and
    the pass's write transactions: how many, the longest (s, lock held to commit), in all
    and by kind of chunk."""

    as_of: date
    reminder_ids: list[int] = field(default_factory=list)
    digest_ids: list[int] = field(default_factory=list)
    sent: int = 0
    skipped_duplicates: int = 0
    chunks: int = 0
    longest_write_s: float = 0.0
    longest_writes: dict[str, float] = field(default_factory=dict)

    @property
    def reminders(self) -> list[Reminder]:
        """The new reminders, by id (loaded now)."""
        return _load(Reminder, self.reminder_ids)

    @property
    def digests(self) -> list[Digest]:
        """The digests made, by id (loaded now)."""
        return _load(Digest, self.digest_ids)

    def to_json(self) -> dict[str, object]:
        """``{"as_of", "reminders": [{"recipient", "channel", "kind", "task_id"}], "sent",
        "skipped_duplicates"}``: one entry per reminder of this pass's digests and channel
        it went out on (read as plain rows)."""
        entries: list[dict[str, object]] = []
        for start in range(0, len(self.digest_ids), _IDS):
            entries += _entries(sorted(self.digest_ids)[start : start + _IDS])
        return {
            "as_of": self.as_of.isoformat(),
            "reminders": entries,
            "sent": self.sent,
            "skipped_duplicates": self.skipped_duplicates,
        }


def _load(model: type[T], ids: list[int]) -> list[T]:
    found: list[T] = []
    for start in range(0, len(ids), _IDS):
        column = model.id
        found += db.session.scalars(sa.select(model).where(column.in_(ids[start : start + _IDS])))
    return sorted(found, key=lambda row: row.id)


def _entries(digest_ids: list[int]) -> list[dict[str, object]]:
    sent: dict[int | None, list[str]] = {}
    query = sa.select(Delivery.digest_id, Delivery.channel).where(
        Delivery.digest_id.in_(digest_ids), Delivery.status == "sent"
    )
    for digest_id, channel in db.session.execute(query.order_by(Delivery.channel)):
        sent.setdefault(digest_id, []).append(channel)
    rows = db.session.execute(
        sa.select(User.username, Reminder.kind, Reminder.task_id, Reminder.digest_id)
        .join(Digest, Digest.id == Reminder.digest_id)
        .join(User, User.id == Digest.recipient_id)
        .where(Reminder.digest_id.in_(digest_ids))
        .order_by(Reminder.digest_id, Reminder.id)
    )
    return [
        {"recipient": username, "channel": channel, "kind": kind, "task_id": task_id}
        for username, kind, task_id, digest_id in rows
        for channel in sent.get(digest_id, [])
    ]


def run_reminders(as_of: date, settings: Settings, now: datetime | None = None) -> RunResult:
    """One reminder pass as of ``as_of`` over every plan (issue 4 §2, §5 `remind run`).

    Stores the new reminders (a key already stored is skipped and counted), issues the
    supervision notices of new notice steps (and of the catch-up, issue 12 §3, and of
    problems, issue 15), makes at most one digest per recipient for ``as_of`` and records
    their pending deliveries, due at ``now`` (default: the current instant). Sends
    nothing. Safe to run twice: a rerun for the same date stores and digests nothing new.
    ``settings``: lag thresholds, the reminder and notice settings, the notice folder and
    the channels.

    Commits what the caller wrote before, computes with no write open, then writes in
    brief chunks of its own that it commits (see the module docstring); a pass that
    dies midway is completed by the next.
    """
    end_reads()
    calendar = load_calendar()
    planned = plan_pass(as_of, calendar, settings)
    end_reads()
    writer, audiences, seen = Writer(), Audiences(), set[str]()
    issuing = Issuing(
        as_of, settings.uploads.notice_dir, settings.reminders.notice_deadline_workdays
    )
    ids = write_notice_steps(planned.notices, issuing, audiences, seen, writer.chunk)
    ids += writer.store(reminder_rows(planned.intents, as_of, audiences, seen))
    intent_keys = len(seen)
    write_notice_steps(planned.owed, issuing, audiences, seen, writer.chunk)
    writer.store(reminder_rows(planned.words, as_of, audiences, seen, link=_task_link))
    due = now or datetime.now(UTC)
    digests: list[int] = []
    for group in digest_groups(as_of):
        with writer.chunk("digests"):
            digests += write_group(group, settings.channels, due)
    end_reads()
    return RunResult(
        as_of,
        reminder_ids=sorted(ids),
        digest_ids=digests,
        skipped_duplicates=intent_keys - len(ids),
        chunks=writer.chunks,
        longest_write_s=round(writer.longest_s, 4),
        longest_writes=writer.longest_by,
    )


def _task_link(intent: ReminderIntent) -> str:
    return f"/tasks/{intent.task_id}"


def sent_count(digests: Sequence[int] | Sequence[Digest]) -> int:
    """How many deliveries of ``digests`` (ids, or digests) are "sent" (as stored now)."""
    ids = [d if isinstance(d, int) else d.id for d in digests]
    total = 0
    for start in range(0, len(ids), _IDS):
        query = sa.select(sa.func.count(Delivery.id)).where(
            Delivery.digest_id.in_(ids[start : start + _IDS]), Delivery.status == "sent"
        )
        total += db.session.scalar(query) or 0
    return total
