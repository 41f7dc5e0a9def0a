"""Drafts are the writing unit's own (issue 12 §4): until a report is submitted, every
other reader (the office, leaders, cooperating units, the API) sees only that a draft is
being written, "草稿中", with no value, text or file.
"""

from __future__ import annotations

from tracker.models import ProgressReport, ReportStatus, User

#: What others see of a draft.
DRAFT_PLACEHOLDER = "草稿中"
#: History actions that carry a draft's content.
DRAFT_ACTIONS = frozenset({"save_draft", "start_correction"})


def is_private(report: ProgressReport, viewer: User | None) -> bool:
    """True when ``report`` is a draft and ``viewer`` is not of the unit writing it."""
    if report.status is not ReportStatus.DRAFT:
        return False
    return viewer is None or viewer.unit_id is None or viewer.unit_id != report.unit_id
