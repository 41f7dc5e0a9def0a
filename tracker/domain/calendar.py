"""Chinese working-day calendar (工作日 / 调休), DESIGN.md §3 and §5.

Deadlines and "N working days" count Chinese working days: Monday–Friday, minus public
holidays, plus adjusted workdays (调休, a Saturday or Sunday worked in exchange for a
holiday). The holiday days live in the database so the office can add next year's dates;
this module only does the arithmetic on the overrides it is given.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)
#: add_workdays gives up after this many calendar days (a calendar with no working day).
_MAX_SCAN_DAYS = 3660


def _is_weekday(day: date) -> bool:
    """True for Monday–Friday."""
    return day.weekday() < 5


def _weekdays_between(start: date, end: date) -> int:
    """Monday–Friday days in ``[start, end]`` (both included); 0 if ``end < start``."""
    days = (end - start).days + 1
    if days <= 0:
        return 0
    full_weeks, rest = divmod(days, 7)
    first = start.weekday()
    return full_weeks * 5 + sum(1 for i in range(rest) if (first + i) % 7 < 5)


class WorkdayCalendar:
    """Working days of the Chinese calendar.

    ``overrides`` maps a day to whether it is a working day: public holidays ``False``,
    adjusted workdays (调休) ``True``. Days not listed follow Monday–Friday.
    ``known_years`` are the years whose holiday data was loaded; when it is empty, the
    years of the override days are taken as known. A year that is not known is counted
    weekends-only, and :meth:`is_known` lets the UI warn about it.
    """

    def __init__(self, overrides: Mapping[date, bool], known_years: Iterable[int] = ()) -> None:
        """Keep the overrides that differ from Monday–Friday, sorted for range counts."""
        self._overrides: dict[date, bool] = dict(overrides)
        self._changed: list[date] = sorted(
            day for day, works in self._overrides.items() if works != _is_weekday(day)
        )
        years = frozenset(known_years)
        self._known_years = years or frozenset(day.year for day in self._overrides)
        #: add_workdays answers, memoised: a scan asks the same due dates for every task.
        self._added: dict[tuple[date, int], date] = {}
        #: workdays_between answers, memoised alike (a report's days left, per task).
        self._between: dict[tuple[date, date], int] = {}

    def is_workday(self, day: date) -> bool:
        """True when ``day`` is a working day (override first, else Monday–Friday)."""
        works = self._overrides.get(day)
        return _is_weekday(day) if works is None else works

    def add_workdays(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself not counted).

        ``n == 0`` gives ``day`` if it is a working day, else the next working day.
        Raises ``ValueError`` when ``n < 0`` or no working day follows within ten years.
        Example: 2020-09-30 + 1 → 2020-10-09 (National Day holiday Oct 1–8).
        """
        found = self._added.get((day, n))
        if found is None:
            found = self._added[(day, n)] = self._add_workdays(day, n)
        return found

    def _add_workdays(self, day: date, n: int) -> date:
        if n < 0:
            raise ValueError(f"工作日数不能为负数：{n}")
        current = day
        remaining = n
        if remaining == 0 and self.is_workday(current):
            return current
        remaining = max(remaining, 1)
        for _ in range(_MAX_SCAN_DAYS):
            current += _ONE_DAY
            if self.is_workday(current):
                remaining -= 1
                if remaining == 0:
                    return current
        raise ValueError(f"{day.isoformat()} 之后十年内找不到工作日，请检查节假日设置")

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in ``[start, end]``, both ends included; 0 if ``end < start``."""
        if end < start:
            return 0
        found = self._between.get((start, end))
        if found is None:
            found = self._between[(start, end)] = self._workdays_between(start, end)
        return found

    def _workdays_between(self, start: date, end: date) -> int:
        count = _weekdays_between(start, end)
        lo = bisect_left(self._changed, start)
        hi = bisect_right(self._changed, end)
        for day in self._changed[lo:hi]:
            count += 1 if self._overrides[day] else -1
        return count

    def fingerprint(self) -> str:
        """The overrides as text (changes when the office edits a holiday), for digests of
        what a stored lag state was computed from."""
        return ",".join(f"{day.isoformat()}{int(self._overrides[day])}" for day in self._changed)

    def is_known(self, year: int) -> bool:
        """False when ``year`` had no holiday data (weekend-only counting; the UI warns)."""
        return year in self._known_years
