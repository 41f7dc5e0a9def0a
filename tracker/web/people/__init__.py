"""Units and people through the web (issue 11 §3): the unit pages (:mod:`.unit_views`),
the user pages (:mod:`.user_views`) and their Excel imports with a preview
(:mod:`.import_views`), for the office and the admin."""

from __future__ import annotations

from tracker.web.people import import_views, unit_views, user_views  # noqa: F401
from tracker.web.people.blueprint import bp

__all__ = ["bp"]
