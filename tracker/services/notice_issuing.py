"""Notices that find their cases (issue 12 §3): the office issues a supervision notice by
hand from a task or the review queue, and the reminder pass catches up every escalation a
report is owed — a notice once it is overdue by the plan's N working days, word to the
leader in charge once overdue by M — whatever day it runs, however long it was down.

The catch-up shares its keys with the pass's own steps (a notice per task, unit and
period; the leader's reminder "leader:report:task12:2020Q3:user5"), so nothing is issued
or told twice. Functions here flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.periods import parse_period
from tracker.domain.policy import UnitRole
from tracker.domain.reminders import KIND_LEADER, ReportReminderFact, day_text
from tracker.extensions import db
from tracker.models import Plan, SupervisionNotice, Task, Unit, User
from tracker.services import notices
from tracker.services.errors import Conflict, ServiceError
from tracker.services.handoffs.store import Word, leaders_of, tell

_ONE_DAY = timedelta(days=1)


def overdue_text(period_code: str | None, due: date | None) -> str:
    """What a notice says is overdue: "2020年第三季度进度（截止2020年10月14日）"."""
    if not period_code:
        return ""
    label = parse_period(period_code).label
    return f"{label}进度（截止{day_text(due)}）" if due else f"{label}进度"


def issue_by_hand(
    task: Task,
    unit: Unit,
    period_code: str | None,
    text: str,
    as_of: date,
    user: User,
    *,
    notice_dir: Path,
    deadline_workdays: int,
) -> SupervisionNotice:
    """The office issues a notice about ``task`` to its lead unit ``unit`` (for
    ``period_code``, or None for the task as a whole); the unit head and the office are
    told at once. Raises :class:`ServiceError` (field "unit") for a unit that does not
    lead the task and :class:`Conflict` (field "period") when that notice exists."""
    if task.role_of(unit.id) is not UnitRole.LEAD:
        raise ServiceError(f"{unit.name}不是这项任务的牵头单位", field="unit")
    existing = notices.find_notice(task.id, unit.id, period_code)
    if existing is not None:
        raise Conflict(f"已就此事项向{unit.name}发出督办单{existing.number}", field="period")
    return notices.issue_notice(
        task, unit, period_code, text, as_of,
        notice_dir=notice_dir, deadline_workdays=deadline_workdays, user=user,
    )  # fmt: skip


@dataclass
class CatchUp:
    """What a catch-up did: the notices issued and the leaders' reminders stored."""

    notices: list[SupervisionNotice] = field(default_factory=list)
    leader_words: int = 0


@dataclass(frozen=True, slots=True)
class _Issuing:
    """How the catch-up issues: as of which day, into which folder, with which deadline."""

    as_of: date
    calendar: WorkdayCalendar
    notice_dir: Path
    deadline_workdays: int


def catch_up_escalations(
    as_of: date,
    calendar: WorkdayCalendar,
    *,
    notice_dir: Path,
    deadline_workdays: int,
    plans: Iterable[Plan] | None = None,
) -> CatchUp:
    """For each open task and lead unit, the latest report not submitted and overdue
    (after the plan's grace) by at least the plan's ``notice_after_workdays``: issue its
    notice if it has none yet, naming every overdue period up to it; and tell the leader
    in charge of the latest one overdue by ``leader_after_workdays`` if not told yet. On
    any working day the pass runs. Flushes."""
    from tracker.services.reminders.facts import report_facts  # the pass imports this module

    issuing = _Issuing(as_of, calendar, notice_dir, deadline_workdays)
    result = CatchUp()
    if not calendar.is_workday(as_of):  # nothing is due on a day off
        return result
    issued = set(db.session.scalars(sa.select(SupervisionNotice.key)))
    for plan in plans if plans is not None else db.session.scalars(sa.select(Plan)):
        owed: dict[tuple[int, int], list[ReportReminderFact]] = {}
        for fact in report_facts(plan, as_of, calendar):
            if not fact.submitted:
                owed.setdefault((fact.task_id, fact.unit_id), []).append(fact)
        for facts in owed.values():
            _escalate(plan, facts, issuing, issued, result)
    return result


def _escalate(
    plan: Plan,
    facts: list[ReportReminderFact],
    issuing: _Issuing,
    issued: set[str],
    result: CatchUp,
) -> None:
    """The catch-up of one task and lead unit."""
    grace = plan.overdue_grace_workdays
    late = {
        fact: issuing.calendar.workdays_between(fact.due + _ONE_DAY, issuing.as_of) - grace
        for fact in facts
    }
    noticed = sorted((f for f in facts if late[f] >= max(plan.notice_after_workdays, 1)),
                     key=lambda fact: fact.due)  # fmt: skip
    if noticed:
        latest = noticed[-1]
        key = notices.notice_key(latest.task_id, latest.unit_id, latest.period_code)
        if key not in issued:
            result.notices.append(_issue(latest, noticed, issuing))
            issued.add(key)
    told = [f for f in facts if late[f] >= max(plan.leader_after_workdays, 1)]
    if told:
        latest = max(told, key=lambda fact: fact.due)
        result.leader_words += _tell_leader(latest, issuing.as_of, late[latest] + grace)


def _issue(
    latest: ReportReminderFact, overdue: list[ReportReminderFact], issuing: _Issuing
) -> SupervisionNotice:
    task = db.session.get(Task, latest.task_id)
    unit = db.session.get(Unit, latest.unit_id)
    assert task is not None and unit is not None
    text = overdue_text(latest.period_code, latest.due)
    if len(overdue) > 1:
        first = overdue[0]
        text = (
            f"{first.period_label}至{latest.period_label}共{len(overdue)}期进度"
            f"（最早截止{day_text(first.due)}，最近截止{day_text(latest.due)}）"
        )
    return notices.issue_notice(
        task, unit, latest.period_code, text, issuing.as_of,
        notice_dir=issuing.notice_dir, deadline_workdays=issuing.deadline_workdays,
    )  # fmt: skip


def _tell_leader(fact: ReportReminderFact, as_of: date, late: int) -> int:
    """The leader's escalation step of one report, keyed as the pass's own."""
    thing = f"report:task{fact.task_id}:{fact.period_code}"
    leaders = leaders_of(fact.unit_id)
    keys = {leader.id: f"leader:{thing}:user{leader.id}" for leader in leaders}
    text = (
        f"{fact.unit_name}{fact.period_label}进度逾期{late}个工作日仍未填报"
        f"（截止{day_text(fact.due)}），请督促办理"
    )
    word = Word(KIND_LEADER, thing, text, f"/tasks/{fact.task_id}", as_of, fact.task_id,
                fact.period_code, fact.due)  # fmt: skip
    return tell(word, leaders, keys=keys, kind=KIND_LEADER)
