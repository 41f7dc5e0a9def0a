"""Response models of ``GET /api/v1/plans/{id}/dashboard`` (issue 13) and of the plans'
overview, ``GET /api/v1/plans`` (issue 14 §3)."""

from __future__ import annotations

from datetime import date

from tracker.domain.lag import URGENCY, LagState
from tracker.services.dashboard import Dashboard, PlanSummary
from tracker.services.dashboard_units import UnitRow
from tracker.services.paging import Page
from tracker.web.api.queue_models import Paged
from tracker.web.api.responses import Out


class StateFigure(Out):
    """One state's count now and at the last period."""

    state: LagState
    count: int
    previous: int | None
    change: int | None


class UnitFigure(Out):
    """One unit of the league table (``rank`` None: nothing due, listed apart)."""

    unit_id: int
    name: str
    rank: int | None
    rank_change: int | None
    counts: dict[LagState, int]
    score: float | None
    on_time_percent: float | None
    average_late_workdays: float | None
    open_notices: int
    unanswered_instructions: int

    @classmethod
    def of(cls, row: UnitRow) -> UnitFigure:
        """The unit's figures."""
        return cls(
            unit_id=row.unit_id,
            name=row.name,
            rank=row.rank,
            rank_change=row.rank_change,
            counts={state: row.counts[state] for state in URGENCY if row.counts[state]},
            score=row.score,
            on_time_percent=row.on_time_percent,
            average_late_workdays=row.average_late_workdays,
            open_notices=row.open_notices,
            unanswered_instructions=row.unanswered,
        )


class TrendFigure(Out):
    """The counts by state on a quarter end (or now)."""

    as_of: date
    label: str
    counts: dict[LagState, int]


class CategoryFigure(Out):
    """A category's tasks by state."""

    category_id: int
    name: str
    counts: dict[LagState, int]


class LaggingFigure(Out):
    """A lagging task."""

    task_id: int
    text: str
    state: LagState
    expected: float | None
    actual: float | None


class DashboardOut(Out):
    """The overview of one plan: the same figures as ``/dashboard?plan=``."""

    plan_id: int
    as_of: date | None
    previous_as_of: date | None
    states: list[StateFigure]
    categories: list[CategoryFigure]
    units: list[UnitFigure]
    trend: list[TrendFigure]
    lagging: list[LaggingFigure]

    @classmethod
    def of(cls, board: Dashboard) -> DashboardOut:
        """The figures of ``board``; the ranked units first, then those with nothing due."""
        return cls(
            plan_id=board.plan.id,
            as_of=board.as_of,
            previous_as_of=board.previous_as_of,
            states=[
                StateFigure(state=s.state, count=s.count, previous=s.previous, change=s.change)
                for s in board.states
            ],
            categories=[
                CategoryFigure(category_id=c.category_id, name=c.name, counts=dict(c.counts))
                for c in board.categories
            ],
            units=[UnitFigure.of(row) for row in [*board.units, *board.idle_units]],
            trend=[
                TrendFigure(as_of=p.as_of, label=p.label, counts=dict(p.counts))
                for p in board.trend
            ],
            lagging=[
                LaggingFigure(
                    task_id=t.task_id,
                    text=t.text,
                    state=t.state,
                    expected=t.expected,
                    actual=t.actual,
                )
                for t in board.lagging
            ],
        )


class PlanOverview(Out):
    """One plan of the overview: its counts by state on its newest stored day (``as_of``
    null: not scanned yet)."""

    id: int
    name: str
    as_of: date | None
    counts: dict[LagState, int]

    @classmethod
    def of(cls, summary: PlanSummary) -> PlanOverview:
        """A plan's summary as the API shows it (every state, 0 when none)."""
        counts = {state: summary.counts[state] for state in URGENCY}
        return cls(id=summary.plan_id, name=summary.name, as_of=summary.as_of, counts=counts)


class PlanOverviewList(Paged):
    """``GET /plans``: the plans, newest first, 50 a page, as the overview's table."""

    plans: list[PlanOverview]

    @classmethod
    def of(cls, page: Page[PlanSummary]) -> PlanOverviewList:
        """A page of the overview."""
        items = [PlanOverview.of(item) for item in page.items]
        return cls(page=page.page, pages=page.pages, total=page.total, plans=items)
