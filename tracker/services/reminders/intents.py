"""A reminder pass's intents, set-based (issue 14 §2): the open tasks are read in chunks,
each a fixed number of queries (:mod:`.chunk_facts`: the reports not submitted worked out
by the database against each plan's periods computed once, and only the tasks whose
stored state of the day is missing, out of date or lagging assessed again), the domain's
rules make each plan's intents as soon as its last task is read, and only the intents
are kept (the reminder pass's catch-up of notices owed reads each plan's report facts on
the way).

Reads only. The intents equal those of :func:`~tracker.services.reminders.facts.
plan_intents` plan by plan, in the same order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

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
from tracker.models import (
    Contribution,
    Plan,
    ProgressReport,
    Task,
    Unit,
)
from tracker.services.contributions import unanswered_of_plans
from tracker.services.reminders.chunk_facts import Context, chunk_facts
from tracker.services.reminders.facts import plan_rules
from tracker.services.scan_facts import plan_rules as scan_rules

#: What :func:`all_intents` hands each plan's report facts to: (plan id, its reminder
#: rules, its report facts not submitted, its intents).
ReportsHook = Callable[[int, ReminderRules, list[ReportReminderFact], list[ReminderIntent]], None]

#: Open tasks whose facts are read per chunk.
CHUNK_TASKS = 1000


@dataclass(slots=True)
class _PlanFacts:
    reports: list[ReportReminderFact] = field(default_factory=list)
    milestones: list[MilestoneReminderFact] = field(default_factory=list)


@dataclass(slots=True)
class Tally:
    """How many open tasks a pass read and how many of them it assessed."""

    tasks: int = 0
    assessed: int = 0


def all_intents(
    as_of: date,
    calendar: WorkdayCalendar,
    *,
    lag: LagThresholds,
    catchup_workdays: int,
    plan_id: int | None = None,
    chunk_size: int = CHUNK_TASKS,
    on_reports: ReportsHook | None = None,
    assess_all: bool = False,
    tally: Tally | None = None,
) -> list[ReminderIntent]:
    """Every reminder intent due on ``as_of`` (none on a day off) of every plan (or
    ``plan_id``'s), plan by plan in id order; milestone states under the thresholds
    ``lag``, missed reminders caught up for ``catchup_workdays``. ``on_reports`` is
    handed each plan's id, reminder rules, report facts not submitted and intents as soon
    as they are complete (the catch-up of notices owed reasons on the same facts); the
    facts are then let go. ``assess_all`` assesses every open task again, whatever the
    day's scan stored (the same intents, slower); ``tally`` counts the tasks read and
    assessed."""
    if not calendar.is_workday(as_of):
        return []
    plans = db.session.scalars(
        sa.select(Plan).order_by(Plan.id).where(Plan.id == plan_id if plan_id else sa.true())
    ).all()
    lag_rules = scan_rules(as_of, calendar, lag, plan_id)
    units: dict[int, str] = {
        uid: name for uid, name in db.session.execute(sa.select(Unit.id, Unit.name))
    }
    ctx = Context(as_of, calendar, lag_rules, units)
    contributions = _contribution_facts(as_of, set(lag_rules))
    by_id = {plan.id: plan for plan in plans}
    done: dict[int, list[ReminderIntent]] = {}
    counts = tally if tally is not None else Tally()

    def close(pid: int, found: _PlanFacts) -> None:
        rules = plan_rules(by_id[pid], catchup_workdays)
        done[pid] = reminders_due(
            found.reports, contributions.get(pid, []), found.milestones, rules, calendar, as_of
        )
        if on_reports is not None:
            on_reports(pid, rules, found.reports, done[pid])

    query = (
        sa.select(Task.id, Task.plan_id)
        .where(
            Task.plan_id.in_(list(lag_rules)),
            Task.closed_at.is_(None),
            Task.archived_at.is_(None),
        )
        .order_by(Task.plan_id, Task.position)
    )
    tasks = [(tid, pid) for tid, pid in db.session.execute(query)]
    current, facts = None, _PlanFacts()
    for start in range(0, len(tasks), chunk_size):
        chunk = tasks[start : start + chunk_size]
        found, assessed = chunk_facts(chunk, ctx, assess_all=assess_all)
        counts.tasks += len(chunk)
        counts.assessed += assessed
        for tid, pid in chunk:
            if pid != current:
                if current is not None:
                    close(current, facts)
                current, facts = pid, _PlanFacts()
            if (task := found.get(tid)) is not None:
                facts.reports.extend(task.reports)
                facts.milestones.extend(task.milestones)
    if current is not None:
        close(current, facts)
    intents: list[ReminderIntent] = []
    for plan in plans:
        if plan.id not in done:
            close(plan.id, _PlanFacts())
        intents.extend(done.pop(plan.id))
    return intents


def _contribution_facts(
    as_of: date, plan_ids: set[int]
) -> dict[int, list[ContributionReminderFact]]:
    """Open contribution requests past their deadline on reports still in play, by plan:
    one query."""
    found: dict[int, list[ContributionReminderFact]] = defaultdict(list)
    if not plan_ids:
        return found
    query = unanswered_of_plans(
        as_of,
        plan_ids,
        Contribution.id,
        ProgressReport.task_id,
        Contribution.unit_id,
        ProgressReport.period,
        Contribution.due_on,
        Task.plan_id,
    )
    for cid, task_id, unit_id, period, due_on, pid in db.session.execute(query):
        if due_on is None:
            continue
        found[pid].append(
            ContributionReminderFact(
                contribution_id=cid,
                task_id=task_id,
                unit_id=unit_id,
                period_label=parse_period(period).label,
                due_on=due_on,
            )
        )
    return found
