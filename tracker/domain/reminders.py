"""Reminder rules (催办规则), issue 4 §2: which reminders are due on a given working day.

Pure rules: the caller passes plain facts — the reports a task must file (with their due
date and whether they reached the office), the open contribution requests, the lagging
milestones — the plan's rules, the working-day calendar and ``as_of`` (today), and gets
the :class:`ReminderIntent` s due today. Who receives an intent (users) is the caller's
business; an intent names an audience ("unit", "office", "unit_head", "leader") and a
unit.

Steps of a required report that was not submitted (all counts in working days):

- ``before5`` / ``before1`` (per ``before_workdays``): on the working day ``d`` with
  exactly N working days in ``(d, due]``, to the lead unit. Such a day is always a working
  day: when "N working days before" lands in a holiday, the reminder goes out on the last
  working day before the holiday (2020Q3 due 2020-10-14: ``before5`` on 2020-09-30,
  before the National Day holiday of Oct 1–8; ``before1`` on 2020-10-13). Only the
  latest before-step reached is due, and none after the due date.
- ``overdue``: on the working day after the due date (plus the plan's overdue grace), to
  the lead unit and to the reform office (2020-10-15).
- ``notice``: when overdue by ``notice_after_workdays`` working days (the day with that
  many working days in ``(due, d]``, plus the grace), a supervision notice to the unit
  head (2020-10-19 for 3).
- ``leader``: when overdue by ``leader_after_workdays`` working days, to the leader in
  charge (2020-10-28 for 10).

Catch-up: a step stays due for ``catchup_workdays`` working days after its day, so a pass
missed because the scheduler was down is made up on the next run; older steps are not
sent (a freshly imported plan does not flood units with last year's reminders). The
database key (:meth:`ReminderIntent.key`) makes sure a step is sent once.

Lagging milestones (``behind``, ``missed``) are reminded to the lead unit once per
milestone and state; contribution requests left unanswered after ``due_on`` to the
cooperating unit once per request and deadline. Nothing is due on a non-working day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.domain.calendar import WorkdayCalendar

_ONE_DAY = timedelta(days=1)

#: Audiences of an intent.
UNIT = "unit"
OFFICE = "office"
UNIT_HEAD = "unit_head"
LEADER = "leader"

#: Kinds (``Reminder.kind``) by step; before-steps share "before_due".
KIND_BEFORE = "before_due"
KIND_OVERDUE = "overdue"
KIND_NOTICE = "notice"
KIND_LEADER = "leader"
KIND_CONTRIBUTION = "contribution"

#: Lag states of milestones that are reminded.
MILESTONE_STATES = ("behind", "missed")


@dataclass(frozen=True, slots=True)
class ReminderRules:
    """A plan's reminder rules, in working days: before the due date (``(5, 1)``), a
    supervision notice when overdue by ``notice_after_workdays`` (3), the leader when
    overdue by ``leader_after_workdays`` (10); the plan's ``overdue_grace_workdays`` (0)
    and how long a missed step is still made up (``catchup_workdays``, 5)."""

    before_workdays: tuple[int, ...] = (5, 1)
    notice_after_workdays: int = 3
    leader_after_workdays: int = 10
    overdue_grace_workdays: int = 0
    catchup_workdays: int = 5

    @staticmethod
    def parse_before(text: str) -> tuple[int, ...]:
        """ "5,1" → (5, 1): distinct positive numbers, largest first; blanks and anything
        not a positive whole number are ignored ("" → ())."""
        numbers = {
            int(part) for part in text.replace("，", ",").split(",") if part.strip().isdigit()
        }
        return tuple(sorted((n for n in numbers if n > 0), reverse=True))


@dataclass(frozen=True, slots=True)
class ReportReminderFact:
    """A report a task must file: ``period_code`` ("2020Q3") with its Chinese label, due
    on ``due``, ``submitted`` once it reached the office (on or before today), for the
    lead unit ``unit_id`` (one fact per lead unit)."""

    task_id: int
    unit_id: int
    unit_name: str
    period_code: str
    period_label: str
    due: date
    submitted: bool


@dataclass(frozen=True, slots=True)
class ContributionReminderFact:
    """An open contribution request ``contribution_id`` of the cooperating unit
    ``unit_id`` for the report of ``period_label`` on ``task_id``, due on ``due_on``."""

    contribution_id: int
    task_id: int
    unit_id: int
    period_label: str
    due_on: date


@dataclass(frozen=True, slots=True)
class MilestoneReminderFact:
    """A lagging milestone: ``state`` "behind" or "missed", with the scan's Chinese
    ``message``, for the lead unit ``unit_id``; ``due`` is the milestone's date."""

    task_id: int
    unit_id: int
    milestone_id: int
    state: str
    due: date
    message: str


@dataclass(frozen=True, slots=True)
class ReminderIntent:
    """A reminder due today: ``step`` of ``thing`` ("report:task12:2020Q3") for
    ``audience`` (of ``unit_id`` where it names a unit), scheduled for ``day`` (before
    today when made up after a missed pass), with a Chinese ``message``."""

    kind: str
    step: str
    audience: str
    unit_id: int | None
    task_id: int
    period: str | None
    due: date | None
    message: str
    thing: str
    day: date

    def key(self, recipient_id: int) -> str:
        """The reminder's unique key for one recipient: "overdue:report:task12:2020Q3:user5"."""
        return f"{self.step}:{self.thing}:user{recipient_id}"


def day_text(day: date) -> str:
    """2020-10-14 → "2020年10月14日"."""
    return f"{day.year}年{day.month}月{day.day}日"


def workday_before(due: date, n: int, calendar: WorkdayCalendar) -> date:
    """The working day with exactly ``n`` working days in ``(day, due]`` (``n`` ≥ 1).

    Example: due 2020-10-14, n 5 → 2020-09-30 (Oct 10 is a 调休 workday, Oct 1–8 are off).
    """
    day = due
    remaining = n
    while True:
        if calendar.is_workday(day):
            if remaining == 0:
                return day
            remaining -= 1
        day -= _ONE_DAY


def report_step_days(
    due: date, rules: ReminderRules, calendar: WorkdayCalendar
) -> list[tuple[str, date]]:
    """(step, day) of every step of one report, in time order; see the module docstring."""
    before = [(f"before{n}", workday_before(due, n, calendar)) for n in rules.before_workdays]
    grace = rules.overdue_grace_workdays
    after = [
        ("overdue", calendar.add_workdays(due, grace + 1)),
        ("notice", calendar.add_workdays(due, grace + max(rules.notice_after_workdays, 1))),
        ("leader", calendar.add_workdays(due, grace + max(rules.leader_after_workdays, 1))),
    ]
    return sorted(before, key=lambda pair: pair[1]) + after


def _in_window(day: date, as_of: date, rules: ReminderRules, calendar: WorkdayCalendar) -> bool:
    """True when a step of ``day`` is due on ``as_of`` (on its day or made up within the
    catch-up window)."""
    return (
        day <= as_of and calendar.workdays_between(day + _ONE_DAY, as_of) <= rules.catchup_workdays
    )


def _due_report_steps(
    fact: ReportReminderFact, as_of: date, rules: ReminderRules, calendar: WorkdayCalendar
) -> list[tuple[str, date]]:
    """The steps of one unsubmitted report due on ``as_of``: the latest before-step reached
    (until the due date), and every escalation step inside its window."""
    steps = report_step_days(fact.due, rules, calendar)
    before = [(step, day) for step, day in steps if step.startswith("before")]
    reached = [(step, day) for step, day in before if day <= as_of <= fact.due]
    due = [reached[-1]] if reached and _in_window(reached[-1][1], as_of, rules, calendar) else []
    after = [(step, day) for step, day in steps if not step.startswith("before")]
    return due + [(step, day) for step, day in after if _in_window(day, as_of, rules, calendar)]


def _report_intents(
    fact: ReportReminderFact, step: str, day: date, as_of: date, calendar: WorkdayCalendar
) -> list[ReminderIntent]:
    """The intents of one step of one report (the overdue step has two audiences)."""
    label, due = fact.period_label, day_text(fact.due)
    late = calendar.workdays_between(fact.due + _ONE_DAY, as_of)
    thing = f"report:task{fact.task_id}:{fact.period_code}"

    def intent(kind: str, audience: str, message: str) -> ReminderIntent:
        return ReminderIntent(
            kind, step, audience, fact.unit_id, fact.task_id, fact.period_code, fact.due,
            message, thing, day,
        )  # fmt: skip

    if step.startswith("before"):
        left = calendar.workdays_between(as_of + _ONE_DAY, fact.due)
        text = f"{label}进度将于{due}截止（还有{left}个工作日），请及时填报"
        return [intent(KIND_BEFORE, UNIT, text)]
    if step == "overdue":
        return [
            intent(KIND_OVERDUE, UNIT, f"{label}进度已逾期未报（截止{due}），请尽快填报"),
            intent(KIND_OVERDUE, OFFICE, f"{fact.unit_name}{label}进度逾期未报（截止{due}）"),
        ]
    if step == "notice":
        text = f"{label}进度逾期{late}个工作日仍未填报（截止{due}），已发督办单，请签收并限期报送"
        return [intent(KIND_NOTICE, UNIT_HEAD, text)]
    text = f"{fact.unit_name}{label}进度逾期{late}个工作日仍未填报（截止{due}），请督促办理"
    return [intent(KIND_LEADER, LEADER, text)]


def report_intents(
    facts: Sequence[ReportReminderFact],
    rules: ReminderRules,
    calendar: WorkdayCalendar,
    as_of: date,
) -> list[ReminderIntent]:
    """The report reminders due on ``as_of``; none for submitted reports or on a day off."""
    if not calendar.is_workday(as_of):
        return []
    steps: dict[date, list[tuple[str, date]]] = {}  # a report's steps hang on its due date
    intents: list[ReminderIntent] = []
    for fact in facts:
        if fact.submitted:
            continue
        if fact.due not in steps:
            steps[fact.due] = _due_report_steps(fact, as_of, rules, calendar)
        for step, day in steps[fact.due]:
            intents += _report_intents(fact, step, day, as_of, calendar)
    return intents


def milestone_intents(
    facts: Sequence[MilestoneReminderFact], calendar: WorkdayCalendar, as_of: date
) -> list[ReminderIntent]:
    """A reminder to the lead unit for each lagging milestone (step = its state)."""
    if not calendar.is_workday(as_of):
        return []
    return [
        ReminderIntent(
            kind=f"milestone_{fact.state}",
            step=fact.state,
            audience=UNIT,
            unit_id=fact.unit_id,
            task_id=fact.task_id,
            period=None,
            due=fact.due,
            message=fact.message,
            thing=f"task{fact.task_id}:milestone{fact.milestone_id}",
            day=as_of,
        )
        for fact in facts
        if fact.state in MILESTONE_STATES
    ]


def contribution_intents(
    facts: Sequence[ContributionReminderFact], calendar: WorkdayCalendar, as_of: date
) -> list[ReminderIntent]:
    """A reminder to the cooperating unit for each request unanswered after ``due_on``."""
    if not calendar.is_workday(as_of):
        return []
    return [
        ReminderIntent(
            kind=KIND_CONTRIBUTION,
            step="contribution",
            audience=UNIT,
            unit_id=fact.unit_id,
            task_id=fact.task_id,
            period=None,
            due=fact.due_on,
            message=(
                f"{fact.period_label}填报的配合确认已过期限（{day_text(fact.due_on)}），"
                "请尽快确认或提出异议"
            ),
            thing=f"contribution{fact.contribution_id}:due{fact.due_on.isoformat()}",
            day=as_of,
        )
        for fact in facts
        if fact.due_on < as_of
    ]


def reminders_due(
    reports: Sequence[ReportReminderFact],
    contributions: Sequence[ContributionReminderFact],
    milestones: Sequence[MilestoneReminderFact],
    rules: ReminderRules,
    calendar: WorkdayCalendar,
    as_of: date,
) -> list[ReminderIntent]:
    """Every reminder due on ``as_of`` for one plan's facts (issue 4 §2), reports first."""
    return (
        report_intents(reports, rules, calendar, as_of)
        + milestone_intents(milestones, calendar, as_of)
        + contribution_intents(contributions, calendar, as_of)
    )
