"""Rows of the ledger and league-table workbooks (issue 13 §3), from the ledger the page
shows (same filters) and from the overview's league table."""

from __future__ import annotations

from datetime import date

from config.settings import LagThresholds
from tracker.domain.lag import LAG_LABELS, URGENCY, LagState
from tracker.io.ledger_workbook import (
    FigureSheet,
    LeagueLine,
    LedgerLine,
    league_xlsx,
    ledger_xlsx,
)
from tracker.services.dashboard import Dashboard, build_dashboard
from tracker.services.ledger import Ledger, LedgerFilter, build_ledger


def ledger_lines(ledger: Ledger) -> list[LedgerLine]:
    """One line per task that passed the filters, in table order."""
    return [
        LedgerLine(
            category_id=status.task.measure.category_id,
            category=status.task.measure.category.name,
            measure_id=status.task.measure_id,
            measure=status.task.measure.name,
            task=status.task.text,
            schedule=status.task.schedule_text,
            lead_units="、".join(unit.name for unit in status.task.lead_units),
            cooperating_units="、".join(unit.name for unit in status.task.cooperating_units),
            expected=status.expected,
            actual=status.actual,
            state=status.state,
        )
        for status in ledger.statuses
    ]


def ledger_workbook(
    plan_id: int, as_of: date, filters: LedgerFilter, *, lag: LagThresholds
) -> tuple[str, bytes]:
    """The file name and bytes of the ledger of ``plan_id`` under ``filters``; NotFound."""
    ledger = build_ledger(plan_id, as_of, filters, lag=lag, page_size=None)
    title = f"{ledger.plan.name}重点任务推进情况台账"
    subtitle = f"截至 {_day(as_of)} · 共 {len(ledger.statuses)} 项"
    return f"{ledger.plan.name}台账{as_of:%Y%m%d}.xlsx", ledger_xlsx(
        title, subtitle, ledger_lines(ledger)
    )


def league_workbook(plan_id: int, today: date) -> tuple[str, bytes]:
    """The file name and bytes of the league table of ``plan_id``; NotFound."""
    board = build_dashboard(plan_id, today)
    lines = [
        LeagueLine(
            rank=row.rank,
            rank_change=row.rank_change,
            unit=row.name,
            on_track=sum(
                row.counts[s] for s in (LagState.ON_TRACK, LagState.DONE, LagState.RECOVERED)
            ),
            behind=row.counts[LagState.BEHIND],
            missed=row.counts[LagState.MISSED],
            overdue=row.counts[LagState.OVERDUE],
            score=row.score,
            on_time_percent=row.on_time_percent,
            average_late_workdays=row.average_late_workdays,
            open_notices=row.open_notices,
            unanswered=row.unanswered,
        )
        for row in [*board.units, *board.idle_units]
    ]
    as_of = board.as_of or today
    title = f"{board.plan.name}责任单位推进情况排名"
    subtitle = f"截至 {_day(as_of)}" + (
        f"，名次变化与 {_day(board.previous_as_of)} 相比" if board.previous_as_of else ""
    )
    return f"{board.plan.name}单位排名{as_of:%Y%m%d}.xlsx", league_xlsx(
        title, subtitle, lines, _figures(board)
    )


def _figures(board: Dashboard) -> list[FigureSheet]:
    """The overview's other figures: states and their change, the trend, by category."""
    labels = tuple(LAG_LABELS[s] for s in URGENCY)
    return [
        FigureSheet(
            "任务状态",
            ("状态", "本期", "上期", "变化"),
            tuple((LAG_LABELS[s.state], s.count, s.previous, s.change) for s in board.states),
        ),
        FigureSheet(
            "各季度走势",
            ("时点", *labels),
            tuple((p.label, *(p.counts[s] for s in URGENCY)) for p in board.trend),
        ),
        FigureSheet(
            "按主要举措",
            ("主要举措", "任务", *labels),
            tuple((c.name, c.total, *(c.counts[s] for s in URGENCY)) for c in board.categories),
        ),
    ]


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
