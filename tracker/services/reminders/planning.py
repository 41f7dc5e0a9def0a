"""What a reminder pass will write, worked out before it writes (reads only): the notices
to issue (the pass's notice steps, the problems', the catch-up's) with the reminders that
name their numbers, the other reminders, and the catch-up's words to leaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from config.settings import Settings
from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.reminders import (
    UNIT_HEAD,
    ReminderIntent,
    ReminderRules,
    ReportReminderFact,
)
from tracker.services.inspections.reminders import problem_steps
from tracker.services.notice_issuing import CatchUp, Escalating, catch_up_escalations
from tracker.services.notice_numbers import notice_key
from tracker.services.reminders.intents import all_intents
from tracker.services.reminders.notice_steps import (
    NoticeStep,
    issued_numbers,
    split_notice_steps,
)


@dataclass(slots=True)
class PassPlan:
    """A pass's writes, in the order they are written: ``notices`` (the notice steps'
    and the problems', each with the intents naming its number), the other ``intents``,
    the catch-up's notices (``owed``) and its ``words`` to leaders (stored, not counted
    among the pass's new reminders)."""

    notices: list[NoticeStep] = field(default_factory=list)
    intents: list[ReminderIntent] = field(default_factory=list)
    owed: list[NoticeStep] = field(default_factory=list)
    words: list[ReminderIntent] = field(default_factory=list)


def plan_pass(as_of: date, calendar: WorkdayCalendar, settings: Settings) -> PassPlan:
    """Everything the pass of ``as_of`` is to write (see :class:`PassPlan`): the plans'
    intents set-based (:func:`~tracker.services.reminders.intents.all_intents`), the
    catch-up of each plan on the same facts, the problems' steps (issue 15). A notice
    already issued is not issued again: its number is named at once. Reads only."""
    numbers = issued_numbers()
    owed = CatchUp()
    escalating = Escalating(as_of, calendar, issued=set(numbers))

    def catch_up(
        pid: int, rules: ReminderRules, facts: list[ReportReminderFact], found: list[ReminderIntent]
    ) -> None:
        escalating.issued.update(
            notice_key(intent.task_id, intent.unit_id, intent.period)
            for intent in found
            if intent.audience == UNIT_HEAD and intent.unit_id is not None
        )
        catch_up_escalations(facts, rules, escalating, owed)

    intents = all_intents(
        as_of,
        calendar,
        lag=settings.lag,
        catchup_workdays=settings.reminders.catchup_workdays,
        on_reports=catch_up,
    )
    steps, others = split_notice_steps(intents, numbers)
    problems, orders = problem_steps(
        as_of, calendar, catchup_workdays=settings.reminders.catchup_workdays
    )
    steps += [NoticeStep(order) for order in orders if order.key not in numbers]
    owed_steps = [NoticeStep(order) for order in owed.notices]
    return PassPlan(steps, others + problems, owed_steps, owed.leader_words)
