"""WorkdayCalendar with the real 2020 holidays (国务院办公厅 2019-11-21 notice + extension)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.domain.calendar import WorkdayCalendar


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


#: 2020 holidays (False) and adjusted workdays (True), written out literally.
HOLIDAYS_2020: dict[date, bool] = {
    date(2020, 1, 1): False,  # 元旦
    **dict.fromkeys(_days(date(2020, 1, 24), date(2020, 2, 2)), False),  # 春节 incl. extension
    date(2020, 1, 19): True,  # Sunday worked
    **dict.fromkeys(_days(date(2020, 4, 4), date(2020, 4, 6)), False),  # 清明
    **dict.fromkeys(_days(date(2020, 5, 1), date(2020, 5, 5)), False),  # 劳动节
    date(2020, 4, 26): True,
    date(2020, 5, 9): True,
    **dict.fromkeys(_days(date(2020, 6, 25), date(2020, 6, 27)), False),  # 端午
    date(2020, 6, 28): True,
    **dict.fromkeys(_days(date(2020, 10, 1), date(2020, 10, 8)), False),  # 国庆 + 中秋
    date(2020, 9, 27): True,  # Sunday worked
    date(2020, 10, 10): True,  # Saturday worked
}


def calendar_2020() -> WorkdayCalendar:
    """The 2020 calendar shared by the period and lag tests."""
    return WorkdayCalendar(HOLIDAYS_2020, known_years=[2020])


@pytest.fixture
def cal() -> WorkdayCalendar:
    return calendar_2020()


def test_is_workday_follows_overrides_then_weekdays(cal: WorkdayCalendar) -> None:
    assert cal.is_workday(date(2020, 9, 27))  # Sunday, adjusted workday
    assert cal.is_workday(date(2020, 10, 10))  # Saturday, adjusted workday
    assert not cal.is_workday(date(2020, 10, 1))  # Thursday, holiday
    assert not cal.is_workday(date(2020, 10, 8))  # Thursday, holiday
    assert cal.is_workday(date(2020, 10, 9))  # Friday
    assert not cal.is_workday(date(2020, 10, 11))  # Sunday
    assert cal.is_workday(date(2020, 1, 19))  # Sunday before Spring Festival
    assert not cal.is_workday(date(2020, 1, 31))  # Friday, extension


def test_workdays_between_across_national_day(cal: WorkdayCalendar) -> None:
    # Sep 28, 29, 30, Oct 9, 10 (Sat, worked), 12 → 6
    assert cal.workdays_between(date(2020, 9, 28), date(2020, 10, 12)) == 6


def test_workdays_between_whole_months(cal: WorkdayCalendar) -> None:
    # September: 22 weekdays + Sunday Sep 27 worked
    assert cal.workdays_between(date(2020, 9, 1), date(2020, 9, 30)) == 23
    # October: 9, 10, 12–16, 19–23, 26–30
    assert cal.workdays_between(date(2020, 10, 1), date(2020, 10, 31)) == 17
    # January: 2, 3, 6–10, 13–17, 19 (Sun), 20–23
    assert cal.workdays_between(date(2020, 1, 1), date(2020, 1, 31)) == 17


def test_workdays_between_edges(cal: WorkdayCalendar) -> None:
    assert cal.workdays_between(date(2020, 10, 12), date(2020, 9, 28)) == 0
    assert cal.workdays_between(date(2020, 10, 1), date(2020, 10, 1)) == 0
    assert cal.workdays_between(date(2020, 10, 9), date(2020, 10, 9)) == 1


def test_workdays_between_matches_day_by_day_count(cal: WorkdayCalendar) -> None:
    start = date(2019, 12, 20)
    for length in range(0, 400, 7):
        end = start + timedelta(days=length)
        expected = sum(1 for d in _days(start, end) if cal.is_workday(d))
        assert cal.workdays_between(start, end) == expected


def test_add_workdays_over_national_day(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(date(2020, 9, 30), 1) == date(2020, 10, 9)
    assert cal.add_workdays(date(2020, 9, 30), 2) == date(2020, 10, 10)
    assert cal.add_workdays(date(2020, 9, 30), 3) == date(2020, 10, 12)
    assert cal.add_workdays(date(2020, 9, 30), 5) == date(2020, 10, 14)
    assert cal.add_workdays(date(2020, 9, 25), 1) == date(2020, 9, 27)


def test_add_workdays_over_spring_festival(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(date(2020, 1, 23), 1) == date(2020, 2, 3)
    assert cal.add_workdays(date(2020, 1, 17), 1) == date(2020, 1, 19)


def test_add_zero_workdays(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(date(2020, 10, 9), 0) == date(2020, 10, 9)
    assert cal.add_workdays(date(2020, 10, 1), 0) == date(2020, 10, 9)
    assert cal.add_workdays(date(2020, 9, 26), 0) == date(2020, 9, 27)


def test_add_negative_workdays_raises(cal: WorkdayCalendar) -> None:
    with pytest.raises(ValueError, match="负数"):
        cal.add_workdays(date(2020, 10, 9), -1)


def test_unknown_year_counts_weekends_only(cal: WorkdayCalendar) -> None:
    assert cal.is_known(2020)
    assert not cal.is_known(2021)
    # 2021-10-01 is a Friday: without holiday data Oct 1, 4, 5, 6, 7 count
    assert cal.workdays_between(date(2021, 10, 1), date(2021, 10, 7)) == 5


def test_known_years_default_to_override_years() -> None:
    cal = WorkdayCalendar({date(2020, 10, 1): False})
    assert cal.is_known(2020)
    assert not cal.is_known(2019)
    assert WorkdayCalendar({}, known_years=[2021]).is_known(2021)
    assert not WorkdayCalendar({}).is_known(2020)
