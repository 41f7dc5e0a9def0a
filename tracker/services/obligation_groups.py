"""/my on long lists (issue 12 §8): a unit's owed reports grouped by period, the groups
and rows that need the unit's action first, each group summed up in one line so that a
unit with 39 tasks sees a short page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.domain.periods import Period
from tracker.models import ReportStatus
from tracker.services.obligations import NOT_STARTED, Obligation


@dataclass(frozen=True, slots=True)
class PeriodGroup:
    """The owed reports of one period: those needing action first (returned, overdue,
    due soon, then the rest), then those waiting for review."""

    period: Period
    due: date
    rows: list[Obligation]

    @property
    def to_act(self) -> list[Obligation]:
        """The rows that wait for the unit (not in review)."""
        return [row for row in self.rows if not row.in_review]

    @property
    def in_review(self) -> list[Obligation]:
        """The rows with the approver or the office."""
        return [row for row in self.rows if row.in_review]

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(label, how many) of each kind of row present, in order of urgency."""
        kinds = [
            ("已退回", sum(1 for r in self.rows if _returned(r))),
            ("逾期", sum(1 for r in self.to_act if r.overdue)),
            ("临期", sum(1 for r in self.to_act if r.due_soon)),
            (NOT_STARTED, sum(1 for r in self.to_act if r.report is None)),
            ("草稿", sum(1 for r in self.rows if _draft(r))),
            ("待审核", len(self.in_review)),
        ]
        return [(label, count) for label, count in kinds if count]


def _returned(row: Obligation) -> bool:
    return row.report is not None and row.report.status is ReportStatus.RETURNED


def _draft(row: Obligation) -> bool:
    return row.report is not None and row.report.status is ReportStatus.DRAFT


def _urgency(row: Obligation) -> tuple[int, int, str]:
    """Sort key: returned, overdue, due soon, not started or draft, in review."""
    if row.in_review:
        rank = 4
    elif _returned(row):
        rank = 0
    elif row.overdue:
        rank = 1
    elif row.due_soon:
        rank = 2
    else:
        rank = 3
    return (rank, row.workdays_left, row.task.text)


def group_by_period(owed: Sequence[Obligation]) -> list[PeriodGroup]:
    """``owed`` by period: periods with rows to act on first (earliest due first), then
    those only in review (latest first); rows by urgency within a period."""
    by_code: dict[str, list[Obligation]] = {}
    for row in owed:
        by_code.setdefault(row.period.code, []).append(row)
    groups = [
        PeriodGroup(rows[0].period, min(r.due for r in rows), sorted(rows, key=_urgency))
        for rows in by_code.values()
    ]
    acting = sorted((g for g in groups if g.to_act), key=lambda g: g.due)
    waiting = sorted((g for g in groups if not g.to_act), key=lambda g: g.due, reverse=True)
    return [*acting, *waiting]
