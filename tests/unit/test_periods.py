"""Reporting periods: codes, labels, ranges and report due dates."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.test_calendar import calendar_2020
from tracker.domain.periods import (
    Cadence,
    Period,
    parse_period,
    period_containing,
    periods_between,
    report_due_date,
)


def test_quarter_containing() -> None:
    assert period_containing(date(2020, 8, 15), Cadence.QUARTERLY) == Period(
        "2020Q3", date(2020, 7, 1), date(2020, 9, 30), "2020年第三季度"
    )
    assert period_containing(date(2020, 1, 1), Cadence.QUARTERLY).label == "2020年第一季度"
    assert period_containing(date(2020, 12, 31), Cadence.QUARTERLY).code == "2020Q4"


def test_month_containing_leap_february() -> None:
    assert period_containing(date(2020, 2, 10), Cadence.MONTHLY) == Period(
        "2020M02", date(2020, 2, 1), date(2020, 2, 29), "2020年2月"
    )
    assert period_containing(date(2020, 7, 31), Cadence.MONTHLY).label == "2020年7月"


def test_half_year_and_year_containing() -> None:
    assert period_containing(date(2020, 7, 1), Cadence.HALF_YEARLY) == Period(
        "2020H2", date(2020, 7, 1), date(2020, 12, 31), "2020年下半年"
    )
    assert period_containing(date(2020, 6, 30), Cadence.HALF_YEARLY).label == "2020年上半年"
    assert period_containing(date(2020, 5, 5), Cadence.YEARLY) == Period(
        "2020", date(2020, 1, 1), date(2020, 12, 31), "2020年度"
    )


def test_cadence_accepts_plain_strings() -> None:
    assert period_containing(date(2020, 8, 15), "quarterly").code == "2020Q3"  # type: ignore[arg-type]


def test_periods_between_overlapping_in_order() -> None:
    quarters = periods_between(date(2019, 11, 15), date(2020, 2, 1), Cadence.QUARTERLY)
    assert [p.code for p in quarters] == ["2019Q4", "2020Q1"]
    months = periods_between(date(2019, 11, 15), date(2020, 2, 1), Cadence.MONTHLY)
    assert [p.code for p in months] == ["2019M11", "2019M12", "2020M01", "2020M02"]
    assert periods_between(date(2020, 2, 1), date(2019, 11, 15), Cadence.MONTHLY) == []
    years = periods_between(date(2019, 1, 1), date(2025, 12, 31), Cadence.YEARLY)
    assert [p.code for p in years] == [str(y) for y in range(2019, 2026)]


@pytest.mark.parametrize("code", ["2020", "2020H1", "2020H2", "2020Q1", "2020Q4", "2020M07"])
def test_parse_period_is_inverse_of_code(code: str) -> None:
    period = parse_period(code)
    assert period.code == code
    assert period_containing(period.start, period.cadence) == period
    assert period_containing(period.end, period.cadence) == period


def test_parse_period_cadence() -> None:
    assert parse_period("2020M07").cadence is Cadence.MONTHLY
    assert parse_period("2020Q3").cadence is Cadence.QUARTERLY
    assert parse_period("2020H2").cadence is Cadence.HALF_YEARLY
    assert parse_period("2020").cadence is Cadence.YEARLY


@pytest.mark.parametrize("code", ["2020Q5", "2020M13", "2020M7", "20Q1", "", "2020q3", "2020H3"])
def test_parse_period_rejects_bad_codes(code: str) -> None:
    with pytest.raises(ValueError, match="无法识别的报告期编码"):
        parse_period(code)


def test_report_due_dates_count_working_days() -> None:
    cal = calendar_2020()
    # Q3 ends Wed Sep 30; Oct 1–8 off; Oct 9, 10 (Sat, worked), 12, 13, 14
    assert report_due_date(parse_period("2020Q3"), cal, 5) == date(2020, 10, 14)
    # Jan 1 off; Jan 2, 3, 6, 7, 8
    assert report_due_date(parse_period("2019Q4"), cal, 5) == date(2020, 1, 8)
    # Spring Festival extension to Feb 2; Feb 3–7
    assert report_due_date(parse_period("2020M01"), cal, 5) == date(2020, 2, 7)
    # H1 ends Tue Jun 30; Jul 1, 2, 3, 6, 7
    assert report_due_date(parse_period("2020H1"), cal) == date(2020, 7, 7)
