"""The review queue and the caller's notifications in ``/api/v1`` (issue 12 §1, §2),
under the same policy as their pages: the office sees every waiting report, a unit's
approver its unit's reports waiting for approval; everyone sees only their own
notifications (another's answers 404, like a missing one)."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.clock import today
from tracker.domain.policy import Action
from tracker.models import ReportStatus
from tracker.services import notifications, review_queue
from tracker.services.review_queue import QueueFilter
from tracker.web.api import bp
from tracker.web.api.auth import api_allowed, api_user, require_api
from tracker.web.api.queue_models import Notification, NotificationList, QueueList
from tracker.web.api.schemas import NotificationFilters, QueueFilters
from tracker.web.api.spec import answers, spec


@bp.get("/reports")
@spec.validate(resp=answers(QueueList, 403, 422))
def list_reports(query: QueueFilters) -> QueueList:
    """待审核填报（改革办；单位审批人只看到本单位待审批的）

    Every report waiting for review (``status=submitted``) or for its unit's approval
    (``pending_approval``), oldest submission first, 50 a page, with ``age_workdays``.
    403 for everyone else; 422 a bad filter (with field)."""
    require_api(Action.VIEW_REVIEW_QUEUE)
    user = api_user()
    scope = None if api_allowed(Action.REVIEW_REPORT) else user.unit_id or -1
    filters = QueueFilter(
        plan_id=query.plan,
        unit_id=query.unit,
        status=ReportStatus(query.status) if query.status else None,
        scope_unit_id=scope,
    )
    day = today()
    return QueueList.of(review_queue.waiting_reports(filters, day, query.page), day)


@bp.get("/notifications")
@spec.validate(resp=answers(NotificationList, 422))
def list_notifications(query: NotificationFilters) -> NotificationList:
    """我的提醒

    The caller's own notifications (hand-offs and reminders), newest first, 50 a page;
    ``unread=1`` only the unread ones."""
    user = api_user()
    page = notifications.notifications_of(user.id, query.page, unread_only=query.unread == "1")
    return NotificationList.of(page, notifications.unread_count(user.id))


@bp.post("/notifications/<int:notification_id>/read")
@spec.validate(resp=answers(Notification, 404))
def read_notification(notification_id: int) -> Notification:
    """标为已读

    Marks one of the caller's notifications read (again: unchanged). 404 for a missing
    one or someone else's."""
    user = api_user()
    return Notification.of(notifications.mark_read(user.id, notification_id, datetime.now(UTC)))
