"""Supervision rules without an app: who may do what, the problem's life, criteria, the
trimmed average and the reminder steps of a problem (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.policy import Actor, Role
from tracker.domain.reminders import ReminderRules
from tracker.domain.supervision import (
    SupervisionAction,
    may,
    next_status,
    parse_criteria,
    problem_steps_due,
    refusal,
    trimmed_average,
)

A = SupervisionAction


def test_the_office_manages_units_rectify_their_own_and_leaders_read() -> None:
    office, leader = Actor(Role.OFFICE), Actor(Role.LEADER)
    unit = Actor(Role.UNIT, unit_id=7)
    assert may(office, A.MANAGE) and may(office, A.VIEW_ALL) and not may(office, A.RECTIFY)
    assert may(leader, A.VIEW_ALL) and may(leader, A.RATE) and not may(leader, A.MANAGE)
    assert may(unit, A.RECTIFY, 7) and not may(unit, A.RECTIFY, 8)
    assert may(unit, A.VIEW, 7) and not may(unit, A.VIEW, 8) and not may(unit, A.VIEW_ALL)
    assert not may(Actor(Role.ADMIN), A.VIEW)


def test_the_life_of_a_problem() -> None:
    assert next_status("open", "rectify") == "submitted"
    assert next_status("submitted", "return") == "returned"
    assert next_status("returned", "rectify") == "submitted"
    assert next_status("submitted", "close") == "closed"
    assert next_status("open", "return") is None
    assert next_status("closed", "rectify") is None
    assert refusal("closed", "rectify") == "该问题已销号，不能提交整改情况。"


def test_criteria_are_read_one_a_line() -> None:
    assert parse_criteria("工作推进：40\n\n创新举措:30.5") == [
        ("工作推进", 40.0),
        ("创新举措", 30.5),
    ]
    for bad in ("", "工作推进", ":40", "推进:-1", "推进:x"):
        with pytest.raises(ValueError):
            parse_criteria(bad)


def test_the_average_drops_the_highest_and_the_lowest() -> None:
    assert trimmed_average([90, 70, 80, 100], trim=True) == 85
    assert trimmed_average([90, 70, 80, 100], trim=False) == 85
    assert trimmed_average([60, 80, 100], trim=True) == 80
    assert trimmed_average([60, 100], trim=True) == 80
    assert trimmed_average([], trim=True) is None


#: October 2020: National Day and Mid-Autumn off Oct 1–8; Sep 27 and Oct 10 worked.
CALENDAR = WorkdayCalendar(
    {date(2020, 10, d): False for d in range(1, 9)}
    | {date(2020, 9, 27): True, date(2020, 10, 10): True}
)


def test_a_problem_is_reminded_and_escalated_like_a_report() -> None:
    """Due Friday 2020-10-16: before1 on the 15th, overdue on the 19th, notice on the 21st
    (3 working days), leader on the 30th (10), each once inside the catch-up window."""
    rules = ReminderRules()
    due = date(2020, 10, 16)

    def steps(day: date) -> list[str]:
        return [step for step, _ in problem_steps_due(due, day, rules, CALENDAR)]

    assert steps(date(2020, 10, 15)) == ["before1"]
    assert steps(date(2020, 10, 19)) == ["overdue"]
    assert steps(date(2020, 10, 21)) == ["overdue", "notice"]
    assert "leader" in steps(date(2020, 10, 30))
    assert steps(date(2020, 10, 17)) == []  # a Saturday
    assert steps(date(2020, 12, 31)) == []  # long past every window
