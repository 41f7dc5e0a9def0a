"""The facts a reminder pass reasons on (issue 4 §2): each plan's required reports, its
behind or missed milestones and its open contribution requests, and the intents the
domain's reminder rules make of them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from config.settings import LagThresholds
from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.periods import parse_period
from tracker.domain.reminders import (
    ContributionReminderFact,
    MilestoneReminderFact,
    ReminderIntent,
    ReminderRules,
    ReportReminderFact,
    reminders_due,
)
from tracker.extensions import db
from tracker.models import Plan, ProgressReport, Task
from tracker.services.contributions import unanswered_after_deadline
from tracker.services.scan import assess_plan, report_dues

#: Keys looked up per query.
CHUNK = 500


def plan_rules(plan: Plan, catchup_workdays: int) -> ReminderRules:
    """The plan's reminder rules (working days); the catch-up window ``catchup_workdays``
    (``ReminderSettings.catchup_workdays``)."""
    return ReminderRules(
        before_workdays=ReminderRules.parse_before(plan.remind_before_workdays or ""),
        notice_after_workdays=plan.notice_after_workdays,
        leader_after_workdays=plan.leader_after_workdays,
        overdue_grace_workdays=plan.overdue_grace_workdays,
        catchup_workdays=catchup_workdays,
    )


def _open_tasks(plan: Plan) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task)
            .where(Task.plan_id == plan.id, Task.closed_at.is_(None), Task.archived_at.is_(None))
            .order_by(Task.position)
            .options(selectinload(Task.milestones), selectinload(Task.unit_links))
        )
    )


def _reports_of(task_ids: list[int]) -> dict[int, list[ProgressReport]]:
    grouped: dict[int, list[ProgressReport]] = defaultdict(list)
    for start in range(0, len(task_ids), CHUNK):
        chunk = task_ids[start : start + CHUNK]
        query = sa.select(ProgressReport).where(ProgressReport.task_id.in_(chunk))
        for report in db.session.scalars(query):
            grouped[report.task_id].append(report)
    return grouped


def report_facts(plan: Plan, as_of: date, calendar: WorkdayCalendar) -> list[ReportReminderFact]:
    """One fact per open task of ``plan``, required report (up to ``as_of``'s period) and
    lead unit."""
    tasks = _open_tasks(plan)
    reports = _reports_of([task.id for task in tasks])
    return [
        ReportReminderFact(
            task_id=task.id,
            unit_id=unit.id,
            unit_name=unit.name,
            period_code=due.period.code,
            period_label=due.period.label,
            due=due.due,
            submitted=due.submitted_on is not None and due.submitted_on <= as_of,
        )
        for task in tasks
        for due in report_dues(task, reports.get(task.id, []), as_of, calendar)
        for unit in task.lead_units
    ]


def milestone_facts(
    plan: Plan, as_of: date, calendar: WorkdayCalendar, lag: LagThresholds
) -> list[MilestoneReminderFact]:
    """One fact per behind/missed milestone event (under the thresholds ``lag``) of an
    open task and lead unit."""
    facts: list[MilestoneReminderFact] = []
    for status in assess_plan(plan, as_of, calendar, lag=lag):
        if status.task.closed_at is not None:
            continue
        for event in status.assessment.events:
            if event.milestone_index is None or str(event.kind) not in ("behind", "missed"):
                continue
            milestone = status.task.milestones[event.milestone_index]
            facts.extend(
                MilestoneReminderFact(
                    status.task.id,
                    unit.id,
                    milestone.id,
                    str(event.kind),
                    event.due,
                    event.message,
                )
                for unit in status.task.lead_units
            )
    return facts


def contribution_facts(plan: Plan, as_of: date) -> list[ContributionReminderFact]:
    """Open contribution requests of ``plan``'s tasks whose deadline passed before ``as_of``."""
    return [
        ContributionReminderFact(
            contribution_id=contribution.id,
            task_id=contribution.report.task_id,
            unit_id=contribution.unit_id,
            period_label=parse_period(contribution.report.period).label,
            due_on=contribution.due_on,
        )
        for contribution in unanswered_after_deadline(as_of)
        if contribution.report.task.plan_id == plan.id and contribution.due_on is not None
    ]


def plan_intents(
    plan: Plan,
    as_of: date,
    calendar: WorkdayCalendar,
    *,
    lag: LagThresholds,
    catchup_workdays: int,
) -> list[ReminderIntent]:
    """Every reminder intent of ``plan`` due on ``as_of`` (none on a day off), milestone
    states under the thresholds ``lag``, missed reminders caught up for
    ``catchup_workdays``."""
    if not calendar.is_workday(as_of):
        return []
    return reminders_due(
        report_facts(plan, as_of, calendar),
        contribution_facts(plan, as_of),
        milestone_facts(plan, as_of, calendar, lag),
        plan_rules(plan, catchup_workdays),
        calendar,
        as_of,
    )
