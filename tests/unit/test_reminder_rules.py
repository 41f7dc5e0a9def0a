"""Reminder rules around the 2020 National Day holiday (issue 4 §2), without a database.

2020Q3 ends 2020-09-30 and is due 2020-10-14 (5 working days: Oct 9, Sat Oct 10 (调休),
Oct 12, 13, 14; Oct 1–8 off). Counted by hand:

- before5: 2020-09-30 (Oct 9, 10, 12, 13, 14 are the 5 working days up to the due date)
- before1: 2020-10-13
- overdue: 2020-10-15 (the working day after the due date)
- notice (3 working days overdue: Oct 15, 16, 19): 2020-10-19
- leader (10: Oct 15, 16, 19, 20, 21, 22, 23, 26, 27, 28): 2020-10-28
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.unit.test_calendar import calendar_2020
from tracker.domain.reminders import (
    ContributionReminderFact,
    MilestoneReminderFact,
    ReminderIntent,
    ReminderRules,
    ReportReminderFact,
    reminders_due,
    report_step_days,
    workday_before,
)

CAL = calendar_2020()
RULES = ReminderRules()
DUE = date(2020, 10, 14)

Q3 = ReportReminderFact(
    task_id=12,
    unit_id=7,
    unit_name="市委组织部",
    period_code="2020Q3",
    period_label="2020年第三季度",
    due=DUE,
    submitted=False,
)


def due_on(
    as_of: date,
    reports: list[ReportReminderFact] | None = None,
    rules: ReminderRules = RULES,
) -> list[ReminderIntent]:
    return reminders_due([Q3] if reports is None else reports, [], [], rules, CAL, as_of)


def steps(intents: list[ReminderIntent]) -> list[tuple[str, str]]:
    return [(intent.step, intent.audience) for intent in intents]


def test_step_days_across_national_day() -> None:
    assert report_step_days(DUE, RULES, CAL) == [
        ("before5", date(2020, 9, 30)),
        ("before1", date(2020, 10, 13)),
        ("overdue", date(2020, 10, 15)),
        ("notice", date(2020, 10, 19)),
        ("leader", date(2020, 10, 28)),
    ]


def test_workday_before_skips_the_holiday_to_the_last_working_day() -> None:
    assert workday_before(date(2020, 10, 12), 5, CAL) == date(2020, 9, 28)
    assert workday_before(date(2020, 10, 9), 1, CAL) == date(2020, 9, 30)
    assert workday_before(date(2020, 10, 12), 1, CAL) == date(2020, 10, 10)


def test_each_step_goes_out_on_its_working_day_only() -> None:
    """Sweeping Sep 20 – Nov 10, only these days have a reminder scheduled for that day."""
    found: dict[date, list[tuple[str, str]]] = {}
    day = date(2020, 9, 20)
    while day <= date(2020, 11, 10):
        today = [intent for intent in due_on(day) if intent.day == day]
        if today:
            found[day] = steps(today)
        day += timedelta(days=1)
    assert found == {
        date(2020, 9, 30): [("before5", "unit")],
        date(2020, 10, 13): [("before1", "unit")],
        date(2020, 10, 15): [("overdue", "unit"), ("overdue", "office")],
        date(2020, 10, 19): [("notice", "unit_head")],
        date(2020, 10, 28): [("leader", "leader")],
    }


def test_nothing_on_holidays_or_weekends() -> None:
    for day in (date(2020, 10, 1), date(2020, 10, 8), date(2020, 10, 11), date(2020, 10, 17)):
        assert due_on(day) == []


def test_intent_texts_keys_and_audiences() -> None:
    before5 = due_on(date(2020, 9, 30))
    assert len(before5) == 1
    intent = before5[0]
    assert intent.kind == "before_due"
    assert intent.unit_id == 7 and intent.task_id == 12 and intent.period == "2020Q3"
    assert intent.due == DUE
    assert intent.message == "2020年第三季度进度将于2020年10月14日截止（还有5个工作日），请及时填报"
    assert intent.key(5) == "before5:report:task12:2020Q3:user5"

    overdue = {i.audience: i for i in due_on(date(2020, 10, 15))}
    assert (
        overdue["unit"].message == "2020年第三季度进度已逾期未报（截止2020年10月14日），请尽快填报"
    )
    assert overdue["office"].message == "市委组织部2020年第三季度进度逾期未报（截止2020年10月14日）"
    assert overdue["office"].key(1) == "overdue:report:task12:2020Q3:user1"

    (notice,) = [i for i in due_on(date(2020, 10, 19)) if i.step == "notice"]
    assert "逾期3个工作日" in notice.message and "督办单" in notice.message
    (leader,) = [i for i in due_on(date(2020, 10, 28)) if i.step == "leader"]
    assert leader.message.startswith("市委组织部2020年第三季度进度逾期10个工作日")


def test_submitted_reports_get_nothing() -> None:
    done = ReportReminderFact(**{**_fields(Q3), "submitted": True})
    for day in (date(2020, 9, 30), date(2020, 10, 13), date(2020, 10, 15), date(2020, 10, 28)):
        assert due_on(day, [done]) == []


def test_a_missed_pass_is_made_up_on_the_next_run_within_the_window() -> None:
    """The scheduler was down on Sep 30: Oct 9 (first working day after the holiday) sends
    before5; Oct 13 sends before1 and no longer before5; after the due date none."""
    assert [(i.step, i.day) for i in due_on(date(2020, 10, 9))] == [("before5", date(2020, 9, 30))]
    assert steps(due_on(date(2020, 10, 13))) == [("before1", "unit")]
    assert steps(due_on(date(2020, 10, 16))) == [("overdue", "unit"), ("overdue", "office")]


def test_steps_older_than_the_catch_up_window_are_not_sent() -> None:
    # overdue on Oct 15; 5 working days later (Oct 22) still made up, Oct 23 no more
    assert ("overdue", "office") in steps(due_on(date(2020, 10, 22)))
    assert ("overdue", "office") not in steps(due_on(date(2020, 10, 23)))
    tight = ReminderRules(catchup_workdays=0)
    assert steps(due_on(date(2020, 10, 16), rules=tight)) == []


def test_plan_rules_change_the_days() -> None:
    rules = ReminderRules(before_workdays=(3,), notice_after_workdays=2, leader_after_workdays=4)
    days = dict(report_step_days(DUE, rules, CAL))
    assert days == {
        "before3": date(2020, 10, 10),  # the 调休 Saturday: Oct 12, 13, 14 left
        "overdue": date(2020, 10, 15),
        "notice": date(2020, 10, 16),
        "leader": date(2020, 10, 20),
    }


def test_overdue_grace_moves_escalation() -> None:
    days = dict(report_step_days(DUE, ReminderRules(overdue_grace_workdays=1), CAL))
    assert days["overdue"] == date(2020, 10, 16)
    assert days["notice"] == date(2020, 10, 20)


def test_parse_before() -> None:
    assert ReminderRules.parse_before("5,1") == (5, 1)
    assert ReminderRules.parse_before("1， 5,x,0,5") == (5, 1)
    assert ReminderRules.parse_before("") == ()


def test_lagging_milestones_once_per_state() -> None:
    behind = MilestoneReminderFact(12, 7, 40, "behind", date(2020, 12, 31), "低于序时进度")
    missed = MilestoneReminderFact(12, 7, 39, "missed", date(2019, 12, 31), "未达到目标")
    intents = reminders_due([], [], [behind, missed], RULES, CAL, date(2020, 10, 15))
    assert [(i.step, i.kind, i.audience, i.unit_id) for i in intents] == [
        ("behind", "milestone_behind", "unit", 7),
        ("missed", "milestone_missed", "unit", 7),
    ]
    assert intents[0].key(3) == "behind:task12:milestone40:user3"
    assert intents[0].message == "低于序时进度"


def test_unanswered_contributions_after_their_deadline() -> None:
    fact = ContributionReminderFact(9, 12, 8, "2020年第三季度", date(2020, 10, 16))
    assert reminders_due([], [fact], [], RULES, CAL, date(2020, 10, 16)) == []
    (intent,) = reminders_due([], [fact], [], RULES, CAL, date(2020, 10, 19))
    assert (intent.step, intent.audience, intent.unit_id) == ("contribution", "unit", 8)
    assert intent.key(4) == "contribution:contribution9:due2020-10-16:user4"
    assert "配合确认已过期限（2020年10月16日）" in intent.message


def _fields(fact: ReportReminderFact) -> dict[str, object]:
    return {name: getattr(fact, name) for name in fact.__slots__}
