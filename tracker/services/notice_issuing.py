"""Notices that find their cases (issue 12 §3): the office issues a supervision notice by
hand from a task or the review queue, and the reminder pass catches up every escalation a
report is owed — a notice once it is overdue by the plan's N working days, word to the
leader in charge once overdue by M — whatever day it runs, however long it was down.

The catch-up shares its keys with the pass's own steps (a notice per task, unit and
period; the leader's reminder "leader:report:task12:2020Q3:user5"), so nothing is issued
or told twice. It only works out what is owed, from the facts the pass read for its own
steps (:mod:`tracker.services.reminders.intents`); the pass writes it in its chunks.
Functions here flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.periods import parse_period
from tracker.domain.policy import UnitRole
from tracker.domain.reminders import (
    KIND_LEADER,
    LEADER,
    ReminderIntent,
    ReminderRules,
    ReportReminderFact,
    day_text,
)
from tracker.models import SupervisionNotice, Task, Unit, User
from tracker.services import notices
from tracker.services.errors import Conflict, ServiceError
from tracker.services.notice_numbers import NoticeOrder

_ONE_DAY = timedelta(days=1)


def overdue_text(period_code: str | None, due: date | None) -> str:
    """What a notice says is overdue: "2020年第三季度进度（截止2020年10月14日）"."""
    if not period_code:
        return ""
    label = parse_period(period_code).label
    return f"{label}进度（截止{day_text(due)}）" if due else f"{label}进度"


def issue_by_hand(
    task: Task,
    unit: Unit,
    period_code: str | None,
    text: str,
    as_of: date,
    user: User,
    *,
    notice_dir: Path,
    deadline_workdays: int,
) -> SupervisionNotice:
    """The office issues a notice about ``task`` to its lead unit ``unit`` (for
    ``period_code``, or None for the task as a whole); the unit head and the office are
    told at once. Raises :class:`ServiceError` (field "unit") for a unit that does not
    lead the task and :class:`Conflict` (field "period") when that notice exists."""
    if task.role_of(unit.id) is not UnitRole.LEAD:
        raise ServiceError(f"{unit.name}不是这项任务的牵头单位", field="unit")
    existing = notices.find_notice(task.id, unit.id, period_code)
    if existing is not None:
        raise Conflict(f"已就此事项向{unit.name}发出督办单{existing.number}", field="period")
    return notices.issue_notice(
        task, unit, period_code, text, as_of,
        notice_dir=notice_dir, deadline_workdays=deadline_workdays, user=user,
    )  # fmt: skip


@dataclass
class CatchUp:
    """What the catch-up owes, worked out before the pass writes: the notices to issue
    and the leaders' words (reminder intents of the leader step, keyed as the pass's own;
    stored with the link ``/tasks/<id>``)."""

    notices: list[NoticeOrder] = field(default_factory=list)
    leader_words: list[ReminderIntent] = field(default_factory=list)


@dataclass
class Escalating:
    """How the catch-up escalates: as of which day, on which calendar, the keys of the
    notices issued (or to be issued by this pass) and the working days late per due date
    (computed once per date)."""

    as_of: date
    calendar: WorkdayCalendar
    issued: set[str]
    late: dict[date, int] = field(default_factory=dict)

    def workdays_late(self, due: date) -> int:
        """Working days in ``(due, as_of]``."""
        if due not in self.late:
            self.late[due] = self.calendar.workdays_between(due + _ONE_DAY, self.as_of)
        return self.late[due]


def catch_up_escalations(
    facts: Iterable[ReportReminderFact], rules: ReminderRules, how: Escalating, into: CatchUp
) -> None:
    """The catch-up of one plan (its report ``facts`` and reminder ``rules``; reads
    nothing): for each open task and lead unit, the latest report not submitted and
    overdue (after the plan's grace) by at least ``notice_after_workdays`` is owed its
    notice if it has none yet, naming every overdue period up to it; and the leader in
    charge is owed word of the latest one overdue by ``leader_after_workdays``, unless
    told already (the key). Adds both to ``into``; on any working day the pass runs."""
    owed: dict[tuple[int, int], list[ReportReminderFact]] = {}
    for fact in facts:
        if not fact.submitted:
            owed.setdefault((fact.task_id, fact.unit_id), []).append(fact)
    for group in owed.values():
        _escalate(group, rules, how, into)


def _escalate(
    facts: list[ReportReminderFact], rules: ReminderRules, how: Escalating, into: CatchUp
) -> None:
    """The catch-up of one task and lead unit."""
    grace = rules.overdue_grace_workdays
    late = {fact: how.workdays_late(fact.due) - grace for fact in facts}
    noticed = sorted((f for f in facts if late[f] >= max(rules.notice_after_workdays, 1)),
                     key=lambda fact: fact.due)  # fmt: skip
    if noticed:
        latest = noticed[-1]
        order = _order(latest, noticed)
        if order.key not in how.issued:
            into.notices.append(order)
            how.issued.add(order.key)
    told = [f for f in facts if late[f] >= max(rules.leader_after_workdays, 1)]
    if told:
        latest = max(told, key=lambda fact: fact.due)
        into.leader_words.append(_leader_word(latest, how.as_of, late[latest] + grace))


def _order(latest: ReportReminderFact, overdue: list[ReportReminderFact]) -> NoticeOrder:
    text = overdue_text(latest.period_code, latest.due)
    if len(overdue) > 1:
        first = overdue[0]
        text = (
            f"{first.period_label}至{latest.period_label}共{len(overdue)}期进度"
            f"（最早截止{day_text(first.due)}，最近截止{day_text(latest.due)}）"
        )
    return NoticeOrder(latest.task_id, latest.unit_id, latest.period_code, text)


def _leader_word(fact: ReportReminderFact, as_of: date, late: int) -> ReminderIntent:
    """The leader's escalation step of one report, keyed as the pass's own
    ("leader:report:task12:2020Q3:user5")."""
    text = (
        f"{fact.unit_name}{fact.period_label}进度逾期{late}个工作日仍未填报"
        f"（截止{day_text(fact.due)}），请督促办理"
    )
    return ReminderIntent(
        kind=KIND_LEADER, step="leader", audience=LEADER, unit_id=fact.unit_id,
        task_id=fact.task_id, period=fact.period_code, due=fact.due, message=text,
        thing=f"report:task{fact.task_id}:{fact.period_code}", day=as_of,
    )  # fmt: skip
