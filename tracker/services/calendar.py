"""The working-day calendar: stored holidays and adjusted workdays (DESIGN.md §5)."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa
from flask import g

from tracker.domain.calendar import WorkdayCalendar
from tracker.extensions import db
from tracker.models import CalendarDay, CalendarYear, User
from tracker.services import audit
from tracker.services.errors import NotFound, ServiceError

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
    _forget()
    return added


def prepare_library(years: range | list[int] | None = None) -> None:
    """Work out the library's days of ``years`` (default: every year it knows) ahead of a
    write phase that stores them (:func:`sync_from_library`), so that the write lock is not
    held while the days of twenty years are looked at one by one. Reads nothing."""
    for year in library_years() if years is None else years:
        _exceptions_of_year(year)


@functools.cache
def _exceptions_of_year(year: int) -> tuple[tuple[date, bool, str], ...]:
    """Days of ``year`` that break the Monday–Friday rule, per chinesecalendar (cached:
    the installed library does not change)."""
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
    return tuple(found)


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
    """The stored calendar as a domain object, read once per app context (a request, a
    job, a command); this module's writes forget the copy."""
    cached = g.get(_CACHE)
    if cached is None:
        rows = db.session.execute(sa.select(CalendarDay.day, CalendarDay.is_workday))
        overrides = {day: works for day, works in rows}
        years = list(db.session.scalars(sa.select(CalendarYear.year)))
        cached = WorkdayCalendar(overrides, known_years=years)
        setattr(g, _CACHE, cached)
    return cached


_CACHE = "_tracker_calendar"


def _forget() -> None:
    g.pop(_CACHE, None)


# --- The office's corrections (issue 3 §2) ------------------------------------------------

OFFICE = "office"
#: Years the calendar pages and services accept.
YEARS = range(2000, 2101)
#: ``CalendarDay.source`` / ``CalendarYear.source`` → label shown on the pages.
SOURCE_LABELS = {LIBRARY: "节假日库", OFFICE: "办公室录入"}


def is_year_known(year: int) -> bool:
    """True when ``year`` has holiday data (imported from the library or confirmed by the
    office); otherwise working days of that year count Monday–Friday only."""
    return db.session.get(CalendarYear, year) is not None


def year_source(year: int) -> str | None:
    """Where the known ``year`` came from ("chinesecalendar" / "office"), or None."""
    row = db.session.get(CalendarYear, year)
    return row.source if row is not None else None


def days_of_year(year: int) -> list[CalendarDay]:
    """The stored special days of ``year`` (holidays and 调休 workdays), by date."""
    return list(
        db.session.scalars(
            sa.select(CalendarDay)
            .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
            .order_by(CalendarDay.day)
        )
    )


def workdays_of_year(year: int) -> int:
    """Working days from 1 January to 31 December of ``year`` as the stored calendar counts."""
    return load_calendar().workdays_between(date(year, 1, 1), date(year, 12, 31))


def _check_year(year: int, field: str = "day") -> None:
    if year not in YEARS:
        raise ServiceError(
            f"年份须在{YEARS.start}到{YEARS.stop - 1}之间，当前为{year}", field=field
        )


def set_day(day: date, is_workday: bool, name: str, user: User | None) -> CalendarDay:
    """Add or change one special day as the office's entry (``source`` "office"):
    a holiday (``is_workday`` False, 放假) or an adjusted workday (True, 调休上班).
    Writes an audit entry with the day before (if it existed) and after. Flushes.

    Raises :class:`ServiceError` (``field`` "day", "kind" or "name") for a year outside
    2000–2100, an adjusted workday on Monday–Friday (already a working day), or a name
    that is empty or longer than 50 characters.
    """
    _check_year(day.year)
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写名称，如“国庆节”", field="name")
    if len(name) > 50:
        raise ServiceError("名称不能超过50个字", field="name")
    if is_workday and day.weekday() < 5:
        raise ServiceError(
            f"{day.isoformat()} 是周一至周五，本来就是工作日；调休上班日应为周六或周日",
            field="kind",
        )
    row = db.session.get(CalendarDay, day)
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.is_workday = is_workday
    _forget()
    row.name = name
    row.source = OFFICE
    kind = "调休上班" if is_workday else "放假"
    audit.record(
        "update" if before else "create",
        row,
        user=user,
        task_id=None,
        before=before,
        summary=f"节假日日历：{day.isoformat()} 设为{kind}（{name}）",
    )
    return row


def get_day(day: date) -> CalendarDay:
    """The stored day (holiday or adjusted workday). Raises :class:`NotFound` when none is
    stored for ``day``."""
    row = db.session.get(CalendarDay, day)
    if row is None:
        raise NotFound(f"{day.isoformat()} 没有录入节假日或调休", field="day")
    return row


def remove_day(day: date, user: User | None) -> None:
    """Remove a day the office entered (the day then follows Monday–Friday again), with an
    audit entry holding the day before and an empty after. Flushes.

    Raises :class:`NotFound` when no day is stored for ``day``; :class:`ServiceError` when
    the day came from the holiday library (change it instead of removing it).
    """
    row = get_day(day)
    if row.source != OFFICE:
        raise ServiceError(
            f"{day.isoformat()} 来自节假日库，不能删除；如有错误请修改该日", field="day"
        )
    before = audit.snapshot(row)
    entry = audit.record(
        "delete",
        row,
        user=user,
        task_id=None,
        before=before,
        summary=f"节假日日历：删除 {day.isoformat()}（{row.name}）",
    )
    entry.after = ""  # the day no longer exists
    db.session.delete(row)
    db.session.flush()
    _forget()


def confirm_year(year: int, user: User | None) -> CalendarYear:
    """Mark ``year`` as complete (``CalendarYear`` with source "office"), so it counts as
    known and the warning goes away. Audited. Flushes.

    Raises :class:`ServiceError` for a year outside 2000–2100 or one already known.
    """
    _check_year(year, field="year")
    if is_year_known(year):
        raise ServiceError(f"{year}年的节假日数据已是完整的，无需再次确认", field="year")
    _forget()
    row = CalendarYear(year=year, source=OFFICE)
    db.session.add(row)
    audit.record(
        "create", row, user=user, task_id=None, summary=f"节假日日历：确认{year}年节假日已录入完整"
    )
    return row


def import_year(year: int, user: User | None) -> int:
    """Import ``year`` from the holiday library (see :func:`sync_from_library`); days the
    office entered are kept. Audited as the creation of the year. Returns the number of
    days added.

    Raises :class:`ServiceError` when the library does not know ``year`` or the year
    already has data.
    """
    _check_year(year, field="year")
    if year not in library_years():
        raise ServiceError(f"节假日库不含{year}年的数据，请逐日录入后确认", field="year")
    if is_year_known(year):
        raise ServiceError(f"{year}年已有节假日数据，无需导入", field="year")
    added = sync_from_library([year])
    row = db.session.get(CalendarYear, year)
    audit.record(
        "create",
        row,
        user=user,
        task_id=None,
        summary=f"节假日日历：从节假日库导入{year}年，新增{added}天",
    )
    return added
