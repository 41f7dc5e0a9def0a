"""The reminder pass (催办), issue 4 §2 and §5 (`remind run`): reminders due today for
every plan, stored once per thing, step and recipient, gathered into one daily digest per
recipient and handed to the channels.

Digest rule: a recipient gets at most one digest a day (``Digest`` is unique per recipient
and day). A pass puts a recipient's new reminders — and any left without a digest by an
earlier pass — into that day's digest when the recipient has none yet that day. When the
day's digest already exists (a second pass the same day found something new), the new
reminders stay without a digest and go out with the next day's digest. A recipient with
nothing new gets no digest at all.

Services flush; the caller (command or job) commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.periods import parse_period
from tracker.domain.policy import Role
from tracker.domain.reminders import (
    LEADER,
    OFFICE,
    UNIT_HEAD,
    ContributionReminderFact,
    MilestoneReminderFact,
    ReminderIntent,
    ReminderRules,
    ReportReminderFact,
    day_text,
    reminders_due,
)
from tracker.extensions import db
from tracker.models import Delivery, Digest, Plan, ProgressReport, Reminder, Task, Unit, User
from tracker.services import channels
from tracker.services.calendar import load_calendar
from tracker.services.contributions import unanswered_after_deadline
from tracker.services.notices import issue_notice
from tracker.services.scan import assess_plan, report_dues

#: Characters of a task's text shown on a digest line.
TASK_TEXT_CHARS = 30
#: Keys looked up per query.
_CHUNK = 500


@dataclass(slots=True)
class RunResult:
    """One reminder pass: the reminders stored (new), the digests made, deliveries sent
    (of this pass's digests) and intents skipped because their key was already stored."""

    as_of: date
    reminders: list[Reminder] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    sent: int = 0
    skipped_duplicates: int = 0

    def to_json(self) -> dict[str, object]:
        """``{"as_of", "reminders": [{"recipient", "channel", "kind", "task_id"}], "sent",
        "skipped_duplicates"}``: one entry per new reminder and channel it went out on."""
        entries = []
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


# ------------------------------------------------------------------------ facts


def plan_rules(plan: Plan) -> ReminderRules:
    """The plan's reminder rules (working days); the catch-up window from the setting
    ``TRACKER_REMINDER_CATCHUP_WORKDAYS`` (default 5)."""
    return ReminderRules(
        before_workdays=ReminderRules.parse_before(plan.remind_before_workdays or ""),
        notice_after_workdays=plan.notice_after_workdays,
        leader_after_workdays=plan.leader_after_workdays,
        overdue_grace_workdays=plan.overdue_grace_workdays,
        catchup_workdays=int(current_app.config.get("TRACKER_REMINDER_CATCHUP_WORKDAYS", 5)),
    )


def _open_tasks(plan: Plan) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task)
            .where(Task.plan_id == plan.id, Task.closed_at.is_(None))
            .order_by(Task.position)
            .options(selectinload(Task.milestones), selectinload(Task.unit_links))
        )
    )


def _reports_of(task_ids: list[int]) -> dict[int, list[ProgressReport]]:
    grouped: dict[int, list[ProgressReport]] = defaultdict(list)
    for start in range(0, len(task_ids), _CHUNK):
        chunk = task_ids[start : start + _CHUNK]
        query = sa.select(ProgressReport).where(ProgressReport.task_id.in_(chunk))
        for report in db.session.scalars(query):
            grouped[report.task_id].append(report)
    return grouped


def report_facts(plan: Plan, as_of: date, calendar: WorkdayCalendar) -> list[ReportReminderFact]:
    """One fact per open task of ``plan``, required report (up to ``as_of``'s period) and
    lead unit."""
    tasks = _open_tasks(plan)
    reports = _reports_of([task.id for task in tasks])
    return [
        ReportReminderFact(
            task_id=task.id,
            unit_id=unit.id,
            unit_name=unit.name,
            period_code=due.period.code,
            period_label=due.period.label,
            due=due.due,
            submitted=due.submitted_on is not None and due.submitted_on <= as_of,
        )
        for task in tasks
        for due in report_dues(task, reports.get(task.id, []), as_of, calendar)
        for unit in task.lead_units
    ]


def milestone_facts(
    plan: Plan, as_of: date, calendar: WorkdayCalendar
) -> list[MilestoneReminderFact]:
    """One fact per behind/missed milestone event of an open task and lead unit."""
    facts = []
    for status in assess_plan(plan, as_of, calendar):
        if status.task.closed_at is not None:
            continue
        for event in status.assessment.events:
            if event.milestone_index is None or str(event.kind) not in ("behind", "missed"):
                continue
            milestone = status.task.milestones[event.milestone_index]
            facts.extend(
                MilestoneReminderFact(
                    status.task.id,
                    unit.id,
                    milestone.id,
                    str(event.kind),
                    event.due,
                    event.message,
                )
                for unit in status.task.lead_units
            )
    return facts


def contribution_facts(plan: Plan, as_of: date) -> list[ContributionReminderFact]:
    """Open contribution requests of ``plan``'s tasks whose deadline passed before ``as_of``."""
    return [
        ContributionReminderFact(
            contribution_id=contribution.id,
            task_id=contribution.report.task_id,
            unit_id=contribution.unit_id,
            period_label=parse_period(contribution.report.period).label,
            due_on=contribution.due_on,
        )
        for contribution in unanswered_after_deadline(as_of)
        if contribution.report.task.plan_id == plan.id and contribution.due_on is not None
    ]


def plan_intents(plan: Plan, as_of: date, calendar: WorkdayCalendar) -> list[ReminderIntent]:
    """Every reminder intent of ``plan`` due on ``as_of`` (none on a day off)."""
    if not calendar.is_workday(as_of):
        return []
    return reminders_due(
        report_facts(plan, as_of, calendar),
        contribution_facts(plan, as_of),
        milestone_facts(plan, as_of, calendar),
        plan_rules(plan),
        calendar,
        as_of,
    )


# -------------------------------------------------------------------- audiences


class Audiences:
    """Resolves an intent's audience to active users, caching per pass:
    unit → the unit's users of role unit; office → office users; unit head → the unit's
    heads, else its users; leader → the unit's leader in charge, else every leader."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int | None], list[User]] = {}

    def users(self, intent: ReminderIntent) -> list[User]:
        """The recipients of ``intent``, by id."""
        key = (intent.audience, intent.unit_id if intent.audience != OFFICE else None)
        if key not in self._cache:
            self._cache[key] = sorted(self._resolve(*key), key=lambda user: user.id)
        return self._cache[key]

    def _resolve(self, audience: str, unit_id: int | None) -> list[User]:
        if audience == OFFICE:
            return _active(User.role == Role.OFFICE)
        if audience == LEADER:
            return _leaders(unit_id)
        unit_users = _active(User.role == Role.UNIT, User.unit_id == unit_id)
        if audience == UNIT_HEAD:
            return [user for user in unit_users if user.is_unit_head] or unit_users
        return unit_users


def _active(*conditions: sa.ColumnElement[bool]) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.active.is_(True), *conditions)))


def _leaders(unit_id: int | None) -> list[User]:
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit is not None and unit.leader_id is not None:
        leader = db.session.get(User, unit.leader_id)
        if leader is not None and leader.active:
            return [leader]
    return _active(User.role == Role.LEADER)


# ---------------------------------------------------------------------- storing


def _existing_keys(keys: Iterable[str]) -> set[str]:
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.update(db.session.scalars(sa.select(Reminder.key).where(Reminder.key.in_(chunk))))
    return found


def _insert(reminder: Reminder) -> bool:
    """Add ``reminder`` inside a savepoint; False when its key is already stored (a
    concurrent pass won the race)."""
    try:
        with db.session.begin_nested():
            db.session.add(reminder)
    except IntegrityError:
        return False
    return True


def _new_reminder(intent: ReminderIntent, user: User, as_of: date) -> Reminder:
    return Reminder(
        key=intent.key(user.id),
        recipient_id=user.id,
        kind=intent.kind,
        task_id=intent.task_id,
        period=intent.period,
        due=intent.due,
        message=intent.message,
        as_of=as_of,
    )


def store_reminders(intents: Sequence[ReminderIntent], as_of: date, result: RunResult) -> None:
    """Store one reminder per intent and recipient whose key is new (appended to
    ``result.reminders``); count the others in ``result.skipped_duplicates``. An intent
    repeated within the pass (the office hears of a task once, however many lead units
    it has) is stored once and not counted."""
    audiences = Audiences()
    pairs = [(intent, user) for intent in intents for user in audiences.users(intent)]
    existing = _existing_keys(intent.key(user.id) for intent, user in pairs)
    seen: set[str] = set()
    for intent, user in pairs:
        key = intent.key(user.id)
        if key in seen:
            continue
        seen.add(key)
        reminder = _new_reminder(intent, user, as_of)
        if key not in existing and _insert(reminder):
            result.reminders.append(reminder)
        else:
            result.skipped_duplicates += 1


# ---------------------------------------------------------------------- notices


def issue_notices(intents: Sequence[ReminderIntent], as_of: date) -> list[ReminderIntent]:
    """Issue the supervision notice (督办单) of every notice-step intent — once per task,
    unit and period, since :func:`tracker.services.notices.issue_notice` returns the one
    already issued — and name its number in the intent's message. Returns ``intents``
    with the notice intents so rewritten; the others unchanged."""
    numbers: dict[tuple[int, int | None, str | None], str] = {}
    result = []
    for intent in intents:
        if intent.audience == UNIT_HEAD:
            key = (intent.task_id, intent.unit_id, intent.period)
            if key not in numbers:
                numbers[key] = _issue_notice(intent, as_of)
            message = intent.message.replace("已发督办单", f"已发督办单（{numbers[key]}）")
            intent = replace(intent, message=message)
        result.append(intent)
    return result


def _issue_notice(intent: ReminderIntent, as_of: date) -> str:
    """Hand one escalation to the notices service; the notice's number."""
    task = db.session.get(Task, intent.task_id)
    unit = db.session.get(Unit, intent.unit_id)
    assert task is not None and unit is not None
    return issue_notice(task, unit, intent.period, _overdue_text(intent), as_of).number


def _overdue_text(intent: ReminderIntent) -> str:
    """What is overdue, for the notice: "2020年第三季度进度（截止2020年10月14日）"."""
    label = parse_period(intent.period).label if intent.period else ""
    due = day_text(intent.due) if intent.due else ""
    return f"{label}进度（截止{due}）"


# ---------------------------------------------------------------------- digests


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
        parts.append(f"{parse_period(reminder.period).label}，")
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
    """One digest per recipient with reminders to read (see the module docstring)."""
    digests = []
    for recipient_id in sorted(set(recipient_ids)):
        recipient = db.session.get(User, recipient_id)
        if recipient is None:
            continue
        digest = make_digest(recipient, as_of)
        if digest is not None:
            digests.append(digest)
    return digests


def _pending_recipients(as_of: date) -> set[int]:
    """Recipients with reminders not yet in a digest (new now, or left by a rerun)."""
    query = sa.select(Reminder.recipient_id).where(
        Reminder.digest_id.is_(None), Reminder.as_of <= as_of
    )
    return set(db.session.scalars(query))


# ------------------------------------------------------------------------ pass


def run_reminders(as_of: date, now: datetime | None = None) -> RunResult:
    """One reminder pass as of ``as_of`` over every plan (issue 4 §2, §5 `remind run`).

    Stores the new reminders (a key already stored is skipped and counted), issues the
    supervision notices of new notice steps, makes at most one digest per recipient for
    ``as_of``, creates their deliveries and sends what is pending at ``now`` (default:
    the current instant). Safe to run twice: a rerun for the same date stores, digests
    and sends nothing new. Flushes; the caller commits.
    """
    calendar = load_calendar()
    result = RunResult(as_of=as_of)
    intents: list[ReminderIntent] = []
    for plan in db.session.scalars(sa.select(Plan).order_by(Plan.id)):
        intents.extend(plan_intents(plan, as_of, calendar))
    store_reminders(issue_notices(intents, as_of), as_of, result)
    db.session.flush()
    result.digests = make_digests(_pending_recipients(as_of), as_of)
    send_digests(result, now or datetime.now(UTC))
    return result


def send_digests(result: RunResult, now: datetime) -> None:
    """Create the deliveries of the pass's digests, then send every pending delivery due at
    ``now``; ``result.sent`` counts the sent deliveries of this pass's digests."""
    for digest in result.digests:
        channels.create_deliveries(digest, now=now)
    channels.deliver_pending(now)
    db.session.flush()
    ids = [digest.id for digest in result.digests]
    if ids:
        result.sent = (
            db.session.scalar(
                sa.select(sa.func.count(Delivery.id)).where(
                    Delivery.digest_id.in_(ids), Delivery.status == "sent"
                )
            )
            or 0
        )
