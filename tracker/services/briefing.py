"""Briefings (专报, issue 13 §4): the overview of a plan as a bulletin for leaders.

The figures are the dashboard's (:func:`~tracker.services.dashboard.build_dashboard`);
the reasons of the lagging tasks are the ``problems`` their units wrote in their latest
report; the charts are the trend of states and the milestone charts of the three most
lagging tasks (from the chart cache). A briefing downloaded on demand carries the number
of the briefing issued for the same day, else the next number marked 样稿 (nothing is
stored by a download). Issuing (:func:`issue_briefing`, the scheduled job) stores the
next number of the plan's yearly sequence.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from tracker.domain.lag import LAG_LABELS, LagState
from tracker.domain.policy import UnitRole
from tracker.extensions import db
from tracker.io.briefing_data import (
    BriefingData,
    BriefingImage,
    BriefingInstruction,
    BriefingTask,
    BriefingUnit,
    chinese_date,
)
from tracker.models import Briefing, ProgressReport, ReportStatus, Task, TaskUnit, Unit
from tracker.services.chart_cache import task_chart_png
from tracker.services.dashboard import Dashboard, LaggingTask, build_dashboard
from tracker.services.dashboard_units import UnitRow

#: Milestone charts in a briefing (the most lagging tasks).
CHARTS = 3


def issued_on(plan_id: int, day: date) -> Briefing | None:
    """The briefing issued for ``plan_id`` with the figures of ``day``, if any."""
    return db.session.scalars(
        sa.select(Briefing)
        .where(Briefing.plan_id == plan_id, Briefing.as_of == day)
        .order_by(Briefing.sequence.desc())
    ).first()


def next_sequence(plan_id: int, year: int) -> int:
    """The next number of the plan's briefings in ``year``."""
    found = db.session.scalar(
        sa.select(sa.func.max(Briefing.sequence)).where(
            Briefing.plan_id == plan_id, Briefing.year == year
        )
    )
    return (found or 0) + 1


def issue_label(plan_id: int, day: date) -> str:
    """``2020年第11期`` of the briefing issued for ``day``, else the next number (样稿)."""
    issued = issued_on(plan_id, day)
    if issued is not None:
        return issued.label
    return f"{day.year}年第{next_sequence(plan_id, day.year)}期（样稿）"


def issue_briefing(plan_id: int, day: date) -> Briefing:
    """Store the next briefing of ``plan_id`` for ``day``. Flushes; the caller commits."""
    briefing = Briefing(
        plan_id=plan_id, year=day.year, sequence=next_sequence(plan_id, day.year), as_of=day
    )
    db.session.add(briefing)
    db.session.flush()
    return briefing


def briefing_data(plan_id: int, day: date, *, office: str = "", issue: str = "") -> BriefingData:
    """Everything the briefing of ``plan_id`` as of ``day`` says. Raises NotFound."""
    board = build_dashboard(plan_id, day)
    data = BriefingData(
        issue=issue or issue_label(plan_id, day),
        issued_on=day,
        title=f"关于《{board.plan.name}》重点任务推进情况的专报",
        overview=_overview(board),
    )
    if office:
        data.office = office
    if board.as_of is None:
        return data
    data.units = [_unit_line(row) for row in board.units]
    data.lagging = _lagging_lines(board.lagging)
    data.overdue_units = [
        f"{row.name}（{row.counts[LagState.OVERDUE]}项）"
        for row in board.units
        if row.counts[LagState.OVERDUE]
    ]
    data.instructions = [
        BriefingInstruction(task=item.task_text, text=item.text, answer=item.answer)
        for item in board.instructions[:10]
    ]
    data.images = _images(board, day)
    return data


def _overview(board: Dashboard) -> str:
    if board.as_of is None:
        return "本方案尚无扫描结果。"
    parts = "、".join(f"{LAG_LABELS[s.state]}{s.count}项" for s in board.states if s.count)
    text = f"截至{chinese_date(board.as_of)}，方案共有重点任务{board.total}项，其中{parts}。"
    if board.previous_as_of is not None:
        changes = "、".join(
            f"{LAG_LABELS[s.state]}{_more_or_less(s.change)}" for s in board.states if s.change
        )
        text += f"与上期（{chinese_date(board.previous_as_of)}）相比，" + (
            f"{changes}。" if changes else "各状态任务数持平。"
        )
    return text


def _more_or_less(change: int | None) -> str:
    value = change or 0
    return f"增加{value}项" if value > 0 else f"减少{-value}项"


def _unit_line(row: UnitRow) -> BriefingUnit:
    change = row.rank_change
    return BriefingUnit(
        rank=str(row.rank) if row.rank is not None else "—",
        change="—" if change is None else ("持平" if change == 0 else f"{change:+d}"),
        unit=row.name,
        on_track=sum(row.counts[s] for s in (LagState.ON_TRACK, LagState.DONE, LagState.RECOVERED)),
        behind=row.counts[LagState.BEHIND],
        missed=row.counts[LagState.MISSED],
        overdue=row.counts[LagState.OVERDUE],
        on_time="—" if row.on_time_percent is None else f"{row.on_time_percent:g}%",
    )


def _lagging_lines(items: list[LaggingTask]) -> list[BriefingTask]:
    ids = [item.task_id for item in items]
    leads: dict[int, list[str]] = defaultdict(list)
    for task_id, name in db.session.execute(
        sa.select(TaskUnit.task_id, Unit.name)
        .join(Unit, Unit.id == TaskUnit.unit_id)
        .where(TaskUnit.task_id.in_(ids), TaskUnit.role == UnitRole.LEAD)
        .order_by(TaskUnit.position)
    ):
        leads[task_id].append(name)
    reasons: dict[int, str] = {}
    for task_id, problems in db.session.execute(
        sa.select(ProgressReport.task_id, ProgressReport.problems)
        .where(
            ProgressReport.task_id.in_(ids),
            ProgressReport.status.not_in([ReportStatus.DRAFT, ReportStatus.PENDING_APPROVAL]),
        )
        .order_by(ProgressReport.period_end.desc(), ProgressReport.revision.desc())
    ):
        reasons.setdefault(task_id, problems)
    return [
        BriefingTask(
            text=item.text,
            state=LAG_LABELS[item.state],
            units="牵头单位：" + ("、".join(leads[item.task_id]) or "未明确"),
            figures=_figures(item),
            reason=reasons.get(item.task_id, "")
            or ("未按期报送进度。" if item.state is LagState.OVERDUE else ""),
        )
        for item in items
    ]


def _figures(item: LaggingTask) -> str:
    if item.expected is None:
        return "无量化序时进度"
    actual = "未填报" if item.actual is None else f"{round(item.actual, 2):g}"
    return f"序时进度{round(item.expected, 2):g}，实际{actual}"


def _images(board: Dashboard, day: date) -> list[BriefingImage]:
    images = [
        BriefingImage(
            caption="图1  各季度末任务状态",
            png=_trend_png(board),
        )
    ]
    with_figures = [item for item in board.lagging if item.expected is not None]
    ids = [item.task_id for item in (with_figures or board.lagging)[:CHARTS]]
    tasks = {t.id: t for t in db.session.scalars(sa.select(Task).where(Task.id.in_(ids)))}
    reports: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in db.session.scalars(
        sa.select(ProgressReport).where(ProgressReport.task_id.in_(ids))
    ):
        reports[report.task_id].append(report)
    for number, task_id in enumerate(ids, start=2):
        task = tasks[task_id]
        png = task_chart_png(task, reports[task_id], day, width_px=900, height_px=380)
        images.append(BriefingImage(caption=f"图{number}  {task.text[:30]}", png=png))
    return images


def _trend_png(board: Dashboard) -> bytes:
    """The trend chart's PNG (matplotlib is loaded on the first briefing, not at start-up)."""
    from tracker.io.briefing_charts import trend_png

    return trend_png([(point.label, point.counts) for point in board.trend])
