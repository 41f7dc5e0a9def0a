"""Response models of 本单位待办 in ``/api/v1`` (``GET /my/owed``, ``GET /my/contributions``):
the data of the /my page for a DingTalk mini-app or a provincial system."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from tracker.domain.lag import LagState
from tracker.models import Contribution as ContributionRow
from tracker.models import ReportStatus
from tracker.services.obligation_groups import PeriodGroup
from tracker.services.obligations import Obligation
from tracker.services.paging import Page
from tracker.web.api.queue_models import Paged
from tracker.web.api.responses import ContributionDetail, Out


class OwedReport(Out):
    """One report the unit owes: the task and period, the due date, the working days
    left (0 on the due date, negative once overdue), the period's current report (none
    written: null) and the flag the /my page shows."""

    task_id: int
    task: str = Field(description="任务内容")
    plan_id: int
    period: str = Field(examples=["2020Q3"])
    period_label: str = Field(examples=["2020年第三季度"])
    due: date = Field(description="报送截止日")
    workdays_left: int = Field(description="距截止的工作日数（逾期为负）")
    days_left_text: str = Field(examples=["剩3个工作日", "今天截止", "已逾期2个工作日"])
    flag: LagState | None = Field(description="overdue 逾期，due_soon 临期，否则 null")
    status_label: str = Field(examples=["未填报", "草稿", "已退回", "待审核"])
    in_review: bool = Field(description="已在本单位审批人或改革办手中")
    report_id: int | None
    report_status: ReportStatus | None

    @classmethod
    def of(cls, row: Obligation) -> OwedReport:
        """An owed report as the API shows it."""
        report = row.report
        return cls(
            task_id=row.task.id,
            task=row.task.text,
            plan_id=row.task.plan_id,
            period=row.period.code,
            period_label=row.period.label,
            due=row.due,
            workdays_left=row.workdays_left,
            days_left_text=row.days_left_text,
            flag=row.flag,
            status_label=row.status_label,
            in_review=row.in_review,
            report_id=None if report is None else report.id,
            report_status=None if report is None else report.status,
        )


class OwedPeriod(Out):
    """One period of the unit's owed reports, summed up as the /my page's line."""

    period: str
    period_label: str
    due: date = Field(description="本期最早的报送截止日")
    to_act: int = Field(description="待本单位办理的项数")
    in_review: int = Field(description="审核中的项数")
    counts: dict[str, int] = Field(examples=[{"逾期": 2, "未填报": 5}])

    @classmethod
    def of(cls, group: PeriodGroup) -> OwedPeriod:
        """A period group's summary."""
        return cls(
            period=group.period.code,
            period_label=group.period.label,
            due=group.due,
            to_act=len(group.to_act),
            in_review=len(group.in_review),
            counts=dict(group.counts),
        )


class OwedList(Paged):
    """``GET /my/owed``: the periods (those to act on first, earliest due first) and a
    page of rows — the chosen period's, or every period's in that order — those to act
    on first (returned, overdue, due soon, the rest), then those in review; 50 a page."""

    as_of: date
    unit_id: int
    unit: str
    default_period: str | None = Field(description="模板默认的期次（最近已结束的）")
    periods: list[OwedPeriod]
    reports: list[OwedReport]

    @classmethod
    def of(
        cls,
        unit: tuple[int, str],
        as_of: date,
        default_period: str | None,
        groups: list[PeriodGroup],
        page: Page[Obligation],
    ) -> OwedList:
        """A page of the unit's owed reports with every period's summary."""
        unit_id, name = unit
        return cls(
            page=page.page,
            pages=page.pages,
            total=page.total,
            as_of=as_of,
            unit_id=unit_id,
            unit=name,
            default_period=default_period,
            periods=[OwedPeriod.of(group) for group in groups],
            reports=[OwedReport.of(row) for row in page.items],
        )


class MyContributions(Paged):
    """``GET /my/contributions``: the contribution requests addressed to the unit and
    still open, unanswered ones first, newest first; 50 a page."""

    contributions: list[ContributionDetail]

    @classmethod
    def of(cls, page: Page[ContributionRow]) -> MyContributions:
        """A page of the unit's open requests."""
        items = [ContributionDetail.of(item) for item in page.items]
        return cls(page=page.page, pages=page.pages, total=page.total, contributions=items)
