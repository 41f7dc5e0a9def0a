"""Reporting periods (报告期) and their report due dates, DESIGN.md §3 and §5.

A period has a code that is also its key in the database and in dedupe keys:
``"2020M07"`` (month), ``"2020Q3"`` (quarter), ``"2020H2"`` (half year), ``"2020"`` (year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tracker.domain.calendar import WorkdayCalendar

#: Default rule: a period's report is due this many working days after the period ends.
DEFAULT_DUE_WORKDAYS = 5

_QUARTER_NAMES = ("一", "二", "三", "四")
_CODE_RE = re.compile(r"^(\d{4})(?:M(0[1-9]|1[0-2])|Q([1-4])|H([12]))?$")


class Cadence(StrEnum):
    """How often lead units report (填报周期)."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


@dataclass(frozen=True)
class Period:
    """One reporting period: ``code`` ("2020Q3"), first and last day, Chinese ``label``."""

    code: str
    start: date
    end: date
    label: str

    @property
    def cadence(self) -> Cadence:
        """The cadence the code belongs to (M → monthly, Q, H, bare year → yearly)."""
        if "M" in self.code:
            return Cadence.MONTHLY
        if "Q" in self.code:
            return Cadence.QUARTERLY
        if "H" in self.code:
            return Cadence.HALF_YEARLY
        return Cadence.YEARLY


def _month_end(year: int, month: int) -> date:
    """Last day of ``month`` in ``year``."""
    first_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_next - timedelta(days=1)


def _month(year: int, month: int) -> Period:
    return Period(
        f"{year}M{month:02d}", date(year, month, 1), _month_end(year, month), f"{year}年{month}月"
    )


def _quarter(year: int, quarter: int) -> Period:
    first = 3 * quarter - 2
    return Period(
        f"{year}Q{quarter}",
        date(year, first, 1),
        _month_end(year, first + 2),
        f"{year}年第{_QUARTER_NAMES[quarter - 1]}季度",
    )


def _half(year: int, half: int) -> Period:
    first = 6 * half - 5
    name = "上半年" if half == 1 else "下半年"
    return Period(
        f"{year}H{half}", date(year, first, 1), _month_end(year, first + 5), f"{year}年{name}"
    )


def _year(year: int) -> Period:
    return Period(str(year), date(year, 1, 1), date(year, 12, 31), f"{year}年度")


def period_containing(day: date, cadence: Cadence) -> Period:
    """The period of ``cadence`` that contains ``day``.

    Example: 2020-08-15, quarterly → Period("2020Q3", 2020-07-01, 2020-09-30, "2020年第三季度").
    """
    cadence = Cadence(cadence)
    if cadence is Cadence.MONTHLY:
        return _month(day.year, day.month)
    if cadence is Cadence.QUARTERLY:
        return _quarter(day.year, (day.month - 1) // 3 + 1)
    if cadence is Cadence.HALF_YEARLY:
        return _half(day.year, 1 if day.month <= 6 else 2)
    return _year(day.year)


def periods_between(first: date, last: date, cadence: Cadence) -> list[Period]:
    """All periods of ``cadence`` overlapping ``[first, last]``, in order; [] if last < first."""
    periods: list[Period] = []
    day = first
    while day <= last:
        period = period_containing(day, cadence)
        periods.append(period)
        day = period.end + timedelta(days=1)
    return periods


def parse_period(code: str) -> Period:
    """The period whose code is ``code`` ("2020", "2020H2", "2020Q3", "2020M07").

    Raises ``ValueError`` with a Chinese message when the code is not one of these shapes.
    """
    match = _CODE_RE.match(code.strip()) if isinstance(code, str) else None
    if match is None:
        raise ValueError(
            f"无法识别的报告期编码：{code!r}（应为 2020、2020H2、2020Q3 或 2020M07 的形式）"
        )
    year = int(match.group(1))
    month, quarter, half = match.group(2), match.group(3), match.group(4)
    if year < 1900:
        raise ValueError(f"报告期年份不合理：{code!r}")
    if month:
        return _month(year, int(month))
    if quarter:
        return _quarter(year, int(quarter))
    if half:
        return _half(year, int(half))
    return _year(year)


def report_due_date(
    period: Period, calendar: WorkdayCalendar, due_workdays: int = DEFAULT_DUE_WORKDAYS
) -> date:
    """When the report for ``period`` is due: ``due_workdays`` working days after its end.

    Default rule (DESIGN.md §5): 5 working days. Example: 2020Q3 (ends 2020-09-30) →
    2020-10-14, because Oct 1–8 are holidays and Oct 10 (Saturday) is an adjusted workday.
    Raises ``ValueError`` when ``due_workdays`` is negative.
    """
    return calendar.add_workdays(period.end, due_workdays)


def period_text(code: str | None) -> str:
    """ "2020Q3" → "2020年第三季度"; "" for none; a code that names no period (a problem's
    "问题12", which notices and reminders about a rectification carry) is shown as it is."""
    if not code:
        return ""
    try:
        return parse_period(code).label
    except ValueError:
        return code
