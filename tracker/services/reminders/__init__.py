"""The reminder pass (催办), issue 4 §2 and §5 (`remind run`): reminders due today for
every plan, stored once per thing, step and recipient, gathered into one daily digest per
recipient, and one pending delivery per digest and enabled channel — the outbox (issue 9
§2). The pass sends nothing: the reminders, notices, digests and deliveries are committed
together by the caller, and the delivery step (``tracker.jobs.deliver``) sends them.

Digest rule: a recipient gets at most one digest a day (``Digest`` is unique per recipient
and day). A pass puts a recipient's new reminders — and any left without a digest by an
earlier pass — into that day's digest when the recipient has none yet that day. When the
day's digest already exists (a second pass the same day found something new), the new
reminders stay without a digest and go out with the next day's digest. A recipient with
nothing new gets no digest at all.

Services flush; the caller (command or job) commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa

from config.settings import ChannelSettings, Settings
from tracker.domain.calendar import WorkdayCalendar
from tracker.extensions import db
from tracker.models import Delivery, Digest, Reminder
from tracker.services import channels
from tracker.services.calendar import load_calendar
from tracker.services.channels.faults import kill_point
from tracker.services.inspections import reminders as inspection_reminders
from tracker.services.notice_issuing import catch_up_escalations
from tracker.services.reminders.digests import (
    TASK_TEXT_CHARS,
    digest_body,
    digest_line,
    digest_subject,
    make_digest,
    make_digests,
    pending_recipients,
)
from tracker.services.reminders.escalation import issue_notices
from tracker.services.reminders.facts import (
    contribution_facts,
    milestone_facts,
    plan_intents,
    plan_rules,
    report_facts,
)
from tracker.services.reminders.intents import all_intents
from tracker.services.reminders.recipients import Audiences, store_reminders
from tracker.unit_of_work import JOB_WAIT_MS, end_reads, will_write

__all__ = [
    "TASK_TEXT_CHARS",
    "Audiences",
    "RunResult",
    "contribution_facts",
    "digest_body",
    "digest_line",
    "digest_subject",
    "issue_notices",
    "make_digest",
    "make_digests",
    "milestone_facts",
    "plan_intents",
    "plan_rules",
    "record_deliveries",
    "report_facts",
    "run_reminders",
    "sent_count",
    "store_reminders",
]


@dataclass(slots=True)
class RunResult:
    """One reminder pass: the reminders stored (new), the digests made, deliveries sent
    (of this pass's digests; 0 until the caller's delivery step sets it with
    :func:`sent_count`) and intents skipped because their key was already stored."""

    as_of: date
    reminders: list[Reminder] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    sent: int = 0
    skipped_duplicates: int = 0

    def to_json(self) -> dict[str, object]:
        """``{"as_of", "reminders": [{"recipient", "channel", "kind", "task_id"}], "sent",
        "skipped_duplicates"}``: one entry per new reminder and channel it went out on."""
        entries: list[dict[str, object]] = []
        for digest in self.digests:
            sent = sorted(d.channel for d in _deliveries(digest) if d.status == "sent")
            for reminder in digest.reminders:
                entries.extend(
                    {
                        "recipient": digest.recipient.username,
                        "channel": channel,
                        "kind": reminder.kind,
                        "task_id": reminder.task_id,
                    }
                    for channel in sent
                )
        return {
            "as_of": self.as_of.isoformat(),
            "reminders": entries,
            "sent": self.sent,
            "skipped_duplicates": self.skipped_duplicates,
        }


def _deliveries(digest: Digest) -> list[Delivery]:
    return list(db.session.scalars(sa.select(Delivery).where(Delivery.digest_id == digest.id)))


def run_reminders(as_of: date, settings: Settings, now: datetime | None = None) -> RunResult:
    """One reminder pass as of ``as_of`` over every plan (issue 4 §2, §5 `remind run`).

    Stores the new reminders (a key already stored is skipped and counted), issues the
    supervision notices of new notice steps, makes at most one digest per recipient for
    ``as_of`` and records their pending deliveries, due at ``now`` (default: the current
    instant). Sends nothing: the caller commits all of it in one transaction, then runs
    the delivery step. Safe to run twice: a rerun for the same date stores and digests
    nothing new. ``settings``: lag thresholds, the reminder and notice settings, the
    notice folder and the channels. Flushes; the caller commits.

    Computes first, writes after: what the caller wrote before is committed, the intents
    are worked out set-based (:func:`~tracker.services.reminders.intents.all_intents`)
    with no transaction writing, and only then does the write transaction begin (on
    SQLite it takes the write lock, :func:`~tracker.unit_of_work.will_write`) for the
    notices, reminders (in bulk), digests and deliveries, which stay one transaction so
    that a pass killed midway leaves nothing half recorded (the outbox, issue 9).
    """
    end_reads()
    calendar = load_calendar()
    result = RunResult(as_of=as_of)
    intents = all_intents(
        as_of,
        calendar,
        lag=settings.lag,
        catchup_workdays=settings.reminders.catchup_workdays,
    )
    end_reads()
    will_write(JOB_WAIT_MS)
    intents = issue_notices(
        intents,
        as_of,
        notice_dir=settings.uploads.notice_dir,
        deadline_workdays=settings.reminders.notice_deadline_workdays,
    )
    intents += inspection_reminders.remind_problems(as_of, calendar, settings)  # issue 15
    result.reminders, result.skipped_duplicates = store_reminders(intents, as_of)
    _catch_up(as_of, calendar, settings)
    db.session.flush()
    result.digests = make_digests(pending_recipients(as_of), as_of)
    record_deliveries(result.digests, settings.channels, now or datetime.now(UTC))
    return result


def _catch_up(as_of: date, calendar: WorkdayCalendar, settings: Settings) -> None:
    """Notices and leaders' words owed by reports overdue past their steps' days (issue 12
    §3, :mod:`tracker.services.notice_issuing`); they join this pass's digests."""
    catch_up_escalations(
        as_of,
        calendar,
        notice_dir=settings.uploads.notice_dir,
        deadline_workdays=settings.reminders.notice_deadline_workdays,
    )


def record_deliveries(digests: list[Digest], settings: ChannelSettings, now: datetime) -> None:
    """One pending delivery of each digest per channel of ``settings``, due at ``now``;
    sends nothing. Flushes."""
    for digest in digests:
        channels.create_deliveries(digest, settings, now=now)
        kill_point("digest")


def sent_count(digests: list[Digest]) -> int:
    """How many deliveries of ``digests`` are "sent" (as stored now)."""
    ids = [digest.id for digest in digests]
    if not ids:
        return 0
    query = sa.select(sa.func.count(Delivery.id)).where(
        Delivery.digest_id.in_(ids), Delivery.status == "sent"
    )
    return db.session.scalar(query) or 0
