"""Response models of the review queue and the notifications of ``/api/v1`` (issue 12)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from tracker.models import Reminder
from tracker.services import notifications
from tracker.services.notifications import NotificationPage
from tracker.services.review_queue import QueuePage, QueueRow
from tracker.web.api.responses import Out, Report, Timestamp


class QueuedReport(Out):
    """A report waiting in the queue: the report, how many working days it has waited,
    what the schedule expects by its period's end, its evidence files and the
    cooperating units that have not confirmed."""

    report: Report
    age_workdays: int = Field(description="自报送次日起已等待的工作日数")
    expected: float | None = Field(description="期末序时应达值（无数值目标时为 null）")
    evidence_count: int
    unconfirmed: list[str] = Field(description="未确认（待确认或有异议）的配合单位")

    @classmethod
    def of(cls, row: QueueRow) -> QueuedReport:
        """A queue row as the API shows it."""
        return cls(
            report=Report.of(row.report),
            age_workdays=row.age_workdays,
            expected=row.expected,
            evidence_count=row.evidence_count,
            unconfirmed=[c.unit.name for c in row.unconfirmed],
        )


class Paged(Out):
    """Where a page stands: its number (from 1), the page count and the rows in all."""

    page: int
    pages: int
    total: int


class QueueList(Paged):
    """``GET /reports``: the reports waiting, oldest submission first, 50 a page."""

    as_of: date
    reports: list[QueuedReport]

    @classmethod
    def of(cls, page: QueuePage, as_of: date) -> QueueList:
        """A page of the queue."""
        rows = [QueuedReport.of(row) for row in page.rows]
        return cls(page=page.page, pages=page.pages, total=page.total, as_of=as_of, reports=rows)


class Notification(Out):
    """One notification of the caller (a hand-off or a reminder)."""

    id: int
    kind: str = Field(examples=["handoff_returned", "overdue"])
    message: str
    task_id: int | None
    period: str | None
    link: str = Field(description="办理页面的路径（可能为空）")
    day: date
    created_at: Timestamp
    read_at: Timestamp | None

    @classmethod
    def of(cls, reminder: Reminder) -> Notification:
        """A stored reminder as the API shows it."""
        return cls(
            id=reminder.id,
            kind=reminder.kind,
            message=reminder.message,
            task_id=reminder.task_id,
            period=reminder.period,
            link=notifications.link_of(reminder),
            day=reminder.as_of,
            created_at=reminder.created_at,
            read_at=reminder.read_at,
        )


class NotificationList(Paged):
    """``GET /notifications``: the caller's notifications, newest first, 50 a page."""

    unread: int = Field(description="未读总数")
    notifications: list[Notification]

    @classmethod
    def of(cls, page: NotificationPage, unread: int) -> NotificationList:
        """A page of notifications."""
        items = [Notification.of(item) for item in page.items]
        return cls(
            page=page.page, pages=page.pages, total=page.total, unread=unread, notifications=items
        )
