"""What the queue's views need besides the services: the caller's scope and filters from
the query string, safe return addresses, and accepting several reports one by one."""

from __future__ import annotations

from datetime import date

from flask import request
from flask_login import current_user

from tracker.domain.periods import parse_period
from tracker.domain.policy import Action
from tracker.models import ReportStatus, User
from tracker.models._types import MAX_ID
from tracker.services import reports as report_service
from tracker.services import review_queue
from tracker.services.errors import NotFound
from tracker.services.review_queue import BulkResult, QueueFilter, UnconfirmedContributions
from tracker.unit_of_work import attempt
from tracker.web.access import allowed

QUEUE_PATH = "/review/reports"
#: Most reports accepted in one go.
MAX_BULK = 200


def scope() -> QueueFilter:
    """The whole queue for the office; an approver's unit's reports waiting for approval."""
    if allowed(Action.REVIEW_REPORT):
        return QueueFilter()
    return QueueFilter(scope_unit_id=current_user.unit_id or -1)


def _id_arg(name: str) -> int | None:
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def filters_from_args() -> QueueFilter:
    """The caller's scope narrowed by ``?plan=&unit=&status=`` (unknown values ignored)."""
    raw = request.args.get("status")
    status = ReportStatus(raw) if raw in {s.value for s in review_queue.WAITING} else None
    base = scope()
    return QueueFilter(_id_arg("plan"), _id_arg("unit"), status, base.scope_unit_id)


def back_url(raw: str | None) -> str:
    """``raw`` when it is a page of the queue (filters kept) or a task page, else the
    queue."""
    if raw and raw.startswith((QUEUE_PATH, "/tasks/")) and "//" not in raw and "\\" not in raw:
        return raw
    return QUEUE_PATH


def ticked_ids() -> list[int]:
    """The report ids ticked on the queue (at most :data:`MAX_BULK`, duplicates dropped)."""
    ids = []
    for raw in request.form.getlist("report_ids"):
        if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID and int(raw) not in ids:
            ids.append(int(raw))
    return ids[:MAX_BULK]


def accept_several(ids: list[int], reviewer: User, day: date, despite: bool) -> BulkResult:
    """Accept each report in its own savepoint: one refused undoes nothing else."""
    result = BulkResult()
    for report_id in ids:
        outcome = attempt(
            lambda rid=report_id: review_queue.accept(  # type: ignore[misc]
                report_service.get_report(rid), reviewer, day, despite_unconfirmed=despite
            )
        )
        if outcome.error is None:
            result.accepted.append(report_id)
        elif isinstance(outcome.error, UnconfirmedContributions):
            names = "、".join(c.unit.name for c in outcome.error.items)
            result.refused.append((report_id, f"配合单位未全部确认（{names}）"))
        else:
            result.refused.append((report_id, outcome.error.message))
    return result


def describe(result: BulkResult) -> list[tuple[str, str]]:
    """Flash lines (category, text) of a bulk accept: what passed, and each refusal."""
    lines = []
    if result.accepted:
        lines.append(("success", f"已审核通过{len(result.accepted)}份填报。"))
    for report_id, reason in result.refused:
        lines.append(("error", f"填报{_name(report_id)}未通过：{reason}"))
    if not result.accepted and not result.refused:
        lines.append(("error", "请先勾选要审核通过的填报。"))
    return lines


def _name(report_id: int) -> str:
    try:
        report = report_service.get_report(report_id)
    except NotFound:
        return f"（编号{report_id}）"
    return f"「{report.unit.name}·{report.task.text[:20]}·{parse_period(report.period).label}」"
