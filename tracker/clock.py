"""The tracker's clock: today's date in the office's time zone, or ``TRACKER_TODAY``.

Only demos and tests set ``TRACKER_TODAY``; the domain never reads the clock — callers
pass the date in (DESIGN.md §7).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> date:
    """Today in ``TRACKER_TIMEZONE`` (Asia/Shanghai), or the fixed ``TRACKER_TODAY``."""
    fixed = current_app.config.get("TRACKER_TODAY")
    if fixed is not None:
        return fixed
    return datetime.now(ZoneInfo(current_app.config["TRACKER_TIMEZONE"])).date()


def is_fixed() -> bool:
    """True when the clock is set by ``TRACKER_TODAY`` (the UI shows a banner)."""
    return current_app.config.get("TRACKER_TODAY") is not None
