"""The working-day calendar: stored holidays and adjusted workdays (DESIGN.md §5)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa

from tracker.domain.calendar import WorkdayCalendar
from tracker.extensions import db
from tracker.models import CalendarDay, CalendarYear

LIBRARY = "chinesecalendar"


def library_years() -> range:
    """The years the installed chinesecalendar release knows (2004 up to its release year)."""
    last = max(chinese_calendar.constants.holidays).year
    return range(2004, last + 1)


def sync_from_library(years: range | list[int] | None = None) -> int:
    """Store the library's holidays and adjusted workdays for ``years`` (default: every year
    it knows). Years already stored are skipped, so days the office entered or corrected
    are never overwritten. Returns the number of days added.

    Raises ValueError for a year the library does not know.
    """
    known = library_years()
    wanted = list(known if years is None else years)
    unknown = [year for year in wanted if year not in known]
    if unknown:
        raise ValueError(f"节假日库不含 {unknown[0]} 年的数据，请由办公室录入")
    years_stored = set(db.session.scalars(sa.select(CalendarYear.year)))
    wanted = [year for year in wanted if year not in years_stored]
    existing = set(db.session.scalars(sa.select(CalendarDay.day)))
    added = 0
    for year in wanted:
        for day, is_workday, name in _exceptions_of_year(year):
            if day not in existing:
                db.session.add(
                    CalendarDay(day=day, is_workday=is_workday, name=name, source=LIBRARY)
                )
                added += 1
        db.session.add(CalendarYear(year=year, source=LIBRARY))
    db.session.flush()
    return added


def _exceptions_of_year(year: int) -> list[tuple[date, bool, str]]:
    """Days of ``year`` that break the Monday–Friday rule, per chinesecalendar."""
    found = []
    day = date(year, 1, 1)
    while day.year == year:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        weekend = day.weekday() >= 5
        if is_holiday and not weekend:
            found.append((day, False, _holiday_name(name)))
        elif not is_holiday and weekend:
            found.append((day, True, f"{_holiday_name(name)}调休上班"))
        day += timedelta(days=1)
    return found


_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(name: object) -> str:
    text = str(name) if name else ""
    return _NAMES.get(text, text)


def load_calendar() -> WorkdayCalendar:
    """The stored calendar as a domain object."""
    overrides = {row.day: row.is_workday for row in db.session.scalars(sa.select(CalendarDay))}
    years = list(db.session.scalars(sa.select(CalendarYear.year)))
    return WorkdayCalendar(overrides, known_years=years)
