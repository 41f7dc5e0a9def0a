"""A plan's period guessed from the years its schedules mention (issue 10, deliverable 3).

The guess is only ever shown to the office for confirmation ("时间进度中写到的年份为
2021–2023"); it is never used without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tracker.domain.schedule.text import normalize
from tracker.domain.schedule.times import MAX_YEAR, MIN_YEAR

_YEAR_RE = re.compile(r"(?<![0-9.])((?:19|20|21)[0-9]{2})(?=年|\.[0-9]{1,2}(?![0-9])|-|至|到)")


def years_mentioned(schedules: Iterable[str]) -> tuple[int, int] | None:
    """(earliest, latest) year written in the schedules ("2021年", "2021.8", "2021-2023"),
    or None when they name no year (a one-year work plan written "11月底前")."""
    years = [
        int(match[1])
        for text in schedules
        if isinstance(text, str)
        for match in _YEAR_RE.finditer(normalize(text))
        if MIN_YEAR <= int(match[1]) <= MAX_YEAR
    ]
    return (min(years), max(years)) if years else None
