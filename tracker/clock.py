"""The tracker's clock: today's date in the office's time zone, or ``TRACKER_TODAY``.

Only demos and tests set ``TRACKER_TODAY``; the domain never reads the clock — callers
pass the date in (DESIGN.md §7).
"""

from __future__ import annotations

from datetime import date, datetime

from tracker import settings


def today() -> date:
    """Today in ``TRACKER_TIMEZONE`` (Asia/Shanghai), or the fixed ``TRACKER_TODAY``."""
    clock = settings.current().clock
    if clock.today is not None:
        return clock.today
    return datetime.now(clock.zone).date()


def is_fixed() -> bool:
    """True when the clock is set by ``TRACKER_TODAY`` (the UI shows a banner)."""
    return settings.current().clock.today is not None
