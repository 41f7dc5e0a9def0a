"""Reminders of problems not rectified (issue 15 §2): called from the reminder pass
(:func:`tracker.services.reminders.run_reminders`, one line), they escalate like reports
— before the deadline to the unit, the day after it to the unit and the office, then a
supervision notice (督办单, when the problem names a task) to the unit head, then the
leader in charge — each step once per problem (the reminder key). The intents and notices
worked out (:func:`problem_steps`) are written and digested by the pass with the others;
:func:`remind_problems` issues its notices at once (the demo). Flushes; the caller
commits."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import cast

import sqlalchemy as sa

from config.settings import Settings
from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.reminders import (
    KIND_BEFORE,
    KIND_LEADER,
    KIND_NOTICE,
    KIND_OVERDUE,
    LEADER,
    OFFICE,
    UNIT,
    UNIT_HEAD,
    ReminderIntent,
    ReminderRules,
    day_text,
)
from tracker.domain.supervision import problem_steps_due
from tracker.extensions import db
from tracker.models import Problem
from tracker.models.inspection import ProblemStatus
from tracker.services.notice_numbers import NoticeOrder
from tracker.services.notices import issue_order

#: Reminder kinds of problems (``Reminder.kind``), by step.
KIND_PROBLEM = "problem"


def _rules(problem: Problem, catchup_workdays: int) -> ReminderRules:
    plan = problem.task.plan if problem.task is not None else None
    if plan is None:
        return ReminderRules(catchup_workdays=catchup_workdays)
    return ReminderRules(
        before_workdays=ReminderRules.parse_before(plan.remind_before_workdays),
        notice_after_workdays=plan.notice_after_workdays,
        leader_after_workdays=plan.leader_after_workdays,
        catchup_workdays=catchup_workdays,
    )


def problem_code(problem: Problem) -> str:
    """The period-like code notices and reminders name a problem by: "问题12"."""
    return f"问题{problem.id}"


def problem_steps(
    as_of: date, calendar: WorkdayCalendar, *, catchup_workdays: int
) -> tuple[list[ReminderIntent], list[NoticeOrder]]:
    """The reminder intents of every problem not rectified (待整改 or 退回) due on
    ``as_of``, and the 督办单 their notice steps owe (about the problem's task; a problem
    naming no task gets none). Reads only."""
    waiting = db.session.scalars(
        sa.select(Problem)
        .where(Problem.status.in_([ProblemStatus.OPEN, ProblemStatus.RETURNED]))
        .order_by(Problem.id)
    )
    intents: list[ReminderIntent] = []
    orders: list[NoticeOrder] = []
    for problem in waiting:
        for step, day in problem_steps_due(
            problem.due_on, as_of, _rules(problem, catchup_workdays), calendar
        ):
            intents += _intents(problem, step, day, as_of, calendar)
            if step == "notice" and problem.task_id is not None:
                orders.append(_order(problem))
    return intents, orders


def problem_intents(
    as_of: date,
    calendar: WorkdayCalendar,
    *,
    catchup_workdays: int,
    notice_dir: Path,
    notice_deadline_workdays: int,
) -> list[ReminderIntent]:
    """:func:`problem_steps`, their notices issued here at once (flushes)."""
    intents, orders = problem_steps(as_of, calendar, catchup_workdays=catchup_workdays)
    for order in orders:
        issue_order(order, as_of, notice_dir=notice_dir, deadline_workdays=notice_deadline_workdays)
    return intents


def _order(problem: Problem) -> NoticeOrder:
    assert problem.task_id is not None
    return NoticeOrder(
        problem.task_id,
        problem.unit_id,
        problem_code(problem),
        f"问题整改逾期：{problem.description[:60]}（整改期限{day_text(problem.due_on)}）",
    )


def _intents(
    problem: Problem, step: str, day: date, as_of: date, calendar: WorkdayCalendar
) -> list[ReminderIntent]:
    due = day_text(problem.due_on)
    what = f"问题“{problem.description[:30]}”"
    link = f"（/problems/{problem.id}）"
    late = calendar.workdays_between(problem.due_on + timedelta(days=1), as_of)

    def intent(kind: str, audience: str, message: str) -> ReminderIntent:
        return ReminderIntent(
            kind=f"{KIND_PROBLEM}_{kind}",
            step=step,
            audience=audience,
            unit_id=problem.unit_id,
            # Reminder.task_id may be empty: a problem need not name a task.
            task_id=cast(int, problem.task_id),
            period=None,
            due=problem.due_on,
            message=message + link,
            thing=f"problem{problem.id}",
            day=day,
        )

    if step.startswith("before"):
        return [intent(KIND_BEFORE, UNIT, f"{what}整改期限为{due}，请按时提交整改情况")]
    if step == "overdue":
        return [
            intent(KIND_OVERDUE, UNIT, f"{what}已超过整改期限（{due}），请尽快整改并提交"),
            intent(KIND_OVERDUE, OFFICE, f"{problem.unit.name}{what}逾期未整改（期限{due}）"),
        ]
    if step == "notice":
        sent = "，已发督办单" if problem.task is not None else ""
        text = f"{what}逾期{late}个工作日仍未整改（期限{due}）{sent}，请限期整改"
        return [intent(KIND_NOTICE, UNIT_HEAD, text)]
    text = f"{problem.unit.name}{what}逾期{late}个工作日仍未整改（期限{due}），请督促办理"
    return [intent(KIND_LEADER, LEADER, text)]


def remind_problems(
    as_of: date, calendar: WorkdayCalendar, settings: Settings
) -> list[ReminderIntent]:
    """:func:`problem_intents` with the reminder pass's settings (its one-line hook)."""
    return problem_intents(
        as_of,
        calendar,
        catchup_workdays=settings.reminders.catchup_workdays,
        notice_dir=settings.uploads.notice_dir,
        notice_deadline_workdays=settings.reminders.notice_deadline_workdays,
    )
