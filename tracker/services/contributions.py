"""Cooperating units' contributions (配合确认): asked for with a report, answered before a
deadline in working days, flagged by the scan when unanswered (issue 3 §5)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from tracker.extensions import db
from tracker.models import (
    Contribution,
    ContributionStatus,
    ProgressReport,
    ReportStatus,
    Task,
    User,
)
from tracker.services import audit
from tracker.services.calendar import load_calendar
from tracker.services.errors import Conflict, NotFound, ServiceError
from tracker.services.paging import Page, page_of


def request_contributions(report: ProgressReport, user: User, today: date) -> list[Contribution]:
    """Ask every cooperating unit of the report's task that has not been asked yet, with a
    deadline ``plan.contribution_due_workdays`` working days after ``today``. A unit that
    disputed is asked again, because the report it disputed has changed."""
    task = report.task
    due = load_calendar().add_workdays(today, task.plan.contribution_due_workdays)
    by_unit = {contribution.unit_id: contribution for contribution in report.contributions}
    asked = []
    for unit in task.cooperating_units:
        contribution = by_unit.get(unit.id)
        if contribution is not None and contribution.status is not ContributionStatus.DISPUTED:
            continue
        before = audit.snapshot(contribution) if contribution is not None else None
        if contribution is None:
            contribution = Contribution(unit=unit, requested_on=today)
            report.contributions.append(contribution)
        contribution.status = ContributionStatus.REQUESTED
        contribution.requested_on = today
        contribution.due_on = due
        audit.record("request", contribution, user=user, task_id=task.id, before=before)
        asked.append(contribution)
    return asked


def get_contribution(contribution_id: int) -> Contribution:
    """A contribution request by id; raises :class:`NotFound`."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound(f"没有编号为 {contribution_id} 的配合确认")
    return contribution


def answer_contribution(
    contribution: Contribution, user: User, confirm: bool, text: str, reason: str, today: date
) -> Contribution:
    """A cooperating unit confirms its part (with a short text) or disputes it (reason
    required). An answer can be changed while the request is open (:func:`is_open`).

    Raises :class:`ServiceError` (field "reason") for a dispute without a reason and
    :class:`Conflict` once it is closed.
    """
    if not is_open(contribution, today):
        raise Conflict("该填报已审核通过，且已过确认期限，配合确认已关闭")
    if not confirm and not reason.strip():
        raise ServiceError("有异议时请写明理由", field="reason")
    before = audit.snapshot(contribution)
    contribution.status = ContributionStatus.CONFIRMED if confirm else ContributionStatus.DISPUTED
    contribution.text = text.strip()
    contribution.reason = "" if confirm else reason.strip()
    contribution.answered_on = today
    contribution.answered_by_id = user.id
    audit.record(
        "confirm" if confirm else "dispute",
        contribution,
        user=user,
        task_id=contribution.report.task_id,
        before=before,
    )
    return contribution


def is_open(contribution: Contribution, today: date) -> bool:
    """Whether the cooperating unit may still answer (issue 12 §6): while the report is
    not accepted, and after its acceptance until the request's own deadline."""
    if contribution.report.status not in (ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED):
        return True
    return contribution.due_on is not None and today <= contribution.due_on


def contributions_page(unit_id: int, today: date, page: int) -> Page[Contribution]:
    """Page ``page`` (clamped, 50 a page) of the contribution requests addressed to a unit
    and still open ``today`` (:func:`is_open`: closed ones leave the unit's to-do list),
    unanswered ones first, then newest first: a count and one page of rows."""
    closed = ProgressReport.status.in_([ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED])
    query = (
        sa.select(Contribution)
        .join(ProgressReport, ProgressReport.id == Contribution.report_id)
        .where(
            Contribution.unit_id == unit_id,
            sa.or_(  # is_open, in SQL
                ~closed,
                sa.and_(Contribution.due_on.is_not(None), Contribution.due_on >= today),
            ),
        )
        .order_by((Contribution.status != ContributionStatus.REQUESTED), Contribution.id.desc())
        .options(
            contains_eager(Contribution.report).selectinload(ProgressReport.task),
            contains_eager(Contribution.report).selectinload(ProgressReport.unit),
        )
    )
    return page_of(query, page)


def _unanswered(as_of: date) -> list[sa.ColumnElement[bool]]:
    return [
        Contribution.status == ContributionStatus.REQUESTED,
        Contribution.due_on.is_not(None),
        Contribution.due_on < as_of,
        ProgressReport.status.not_in([ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED]),
    ]


def unanswered_after_deadline(
    as_of: date, task_ids: Collection[int] | None = None
) -> list[Contribution]:
    """Requests still open after their deadline (``due_on`` before ``as_of``), on reports
    still in play (not accepted or superseded); only those on ``task_ids``' reports when
    given (their reports loaded with them)."""
    query = (
        sa.select(Contribution)
        .join(ProgressReport, ProgressReport.id == Contribution.report_id)
        .where(*_unanswered(as_of))
    )
    if task_ids is not None:
        query = query.where(ProgressReport.task_id.in_(sorted(task_ids))).options(
            contains_eager(Contribution.report)
        )
    return list(db.session.scalars(query))


def unanswered_of_plans(
    as_of: date, plan_ids: Collection[int], *columns: sa.orm.QueryableAttribute[Any]
) -> sa.Select[Any]:
    """The set-based twin of :func:`unanswered_after_deadline` for the scan and the
    reminder pass: ``columns`` of the same requests on the tasks of ``plan_ids``, the
    request joined to its report and task (join more as needed), by request id."""
    return (
        sa.select(*columns)
        .select_from(Contribution)
        .join(ProgressReport, ProgressReport.id == Contribution.report_id)
        .join(Task, Task.id == ProgressReport.task_id)
        .where(Task.plan_id.in_(sorted(plan_ids)), *_unanswered(as_of))
        .order_by(Contribution.id)
    )
