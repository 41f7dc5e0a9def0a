"""Supervision rules (督查, issue 15): who may do what with inspections, problems and
debriefings, the problem's life (待整改 → 已提交整改 → 已销号, or 退回) and the trimmed
average of a debriefing. Pure Python: the caller passes plain values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.policy import Actor, Role
from tracker.domain.reminders import ReminderRules, report_step_days


class SupervisionAction(StrEnum):
    """What the supervision pages and API do."""

    VIEW = "view"  # the rounds, the problem ledger, debriefings (a unit: its own)
    VIEW_ALL = "view_all"  # every unit's problems and self-checks
    MANAGE = "manage"  # create rounds and problems, verify, close, return, close tasks
    RECORD_FINDINGS = "record_findings"  # the team records findings
    RECTIFY = "rectify"  # a unit submits its rectification and self-checks
    RATE = "rate"  # score units in a debriefing


_BY_ROLE: dict[SupervisionAction, frozenset[Role]] = {
    SupervisionAction.VIEW: frozenset({Role.OFFICE, Role.LEADER, Role.ASSESSOR, Role.UNIT}),
    SupervisionAction.VIEW_ALL: frozenset({Role.OFFICE, Role.LEADER, Role.ASSESSOR}),
    SupervisionAction.MANAGE: frozenset({Role.OFFICE}),
    SupervisionAction.RECORD_FINDINGS: frozenset({Role.OFFICE}),
    SupervisionAction.RECTIFY: frozenset({Role.UNIT}),
    SupervisionAction.RATE: frozenset({Role.LEADER, Role.ASSESSOR}),
}


def may(actor: Actor, action: SupervisionAction, unit_id: int | None = None) -> bool:
    """Whether ``actor`` may do ``action`` (about the unit ``unit_id``, when given).

    The office creates rounds and problems, records findings, verifies, closes (销号) and
    returns; leaders and the assessment group read everything and rate debriefings; a unit
    user sees and rectifies only its own unit's problems and self-checks.
    """
    if actor.role not in _BY_ROLE[action]:
        return False
    if actor.role is Role.UNIT and unit_id is not None:
        return actor.unit_id == unit_id
    return True


# ---------------------------------------------------------------- the problem's life

OPEN = "open"
SUBMITTED = "submitted"
RETURNED = "returned"
CLOSED = "closed"

#: status → the steps allowed from it, and the status each leads to.
TRANSITIONS: dict[str, dict[str, str]] = {
    OPEN: {"rectify": SUBMITTED, "close": CLOSED},
    RETURNED: {"rectify": SUBMITTED, "close": CLOSED},
    SUBMITTED: {"close": CLOSED, "return": RETURNED, "rectify": SUBMITTED},
    CLOSED: {},
}

STEP_LABELS = {"rectify": "提交整改情况", "close": "销号", "return": "退回"}
STATUS_LABELS = {OPEN: "待整改", SUBMITTED: "已提交整改", RETURNED: "已退回", CLOSED: "已销号"}


def next_status(status: str, step: str) -> str | None:
    """The status ``step`` leads to from ``status``, or None when it is not allowed."""
    return TRANSITIONS.get(status, {}).get(step)


def refusal(status: str, step: str) -> str:
    """Why ``step`` is refused from ``status``, in Chinese."""
    return f"该问题{STATUS_LABELS.get(status, status)}，不能{STEP_LABELS.get(step, step)}。"


# ---------------------------------------------------------------- debriefing scores


def parse_criteria(text: str) -> list[tuple[str, float]]:
    """ "工作推进:40\\n创新举措:30" → [("工作推进", 40.0), ("创新举措", 30.0)].

    One criterion a line, "名称:满分" (half- or full-width colon); raises ValueError
    naming the line when a name is empty or the points are not a positive number."""
    criteria: list[tuple[str, float]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, _, points = line.replace("：", ":").partition(":")
        try:
            value = float(points)
        except ValueError:
            raise ValueError(f"第{number}行“{line}”应写作“名称:满分”。") from None
        if not name.strip() or not value > 0 or value > 1000:
            raise ValueError(f"第{number}行“{line}”的名称为空或满分不在 0–1000 之间。")
        criteria.append((name.strip(), value))
    if not criteria:
        raise ValueError("请至少写一项评分标准（名称:满分）。")
    return criteria


def trimmed_average(totals: Sequence[float], trim: bool) -> float | None:
    """The average of ``totals``; with ``trim``, one highest and one lowest are dropped
    first when at least three are given. None for no totals."""
    values = sorted(totals)
    if not values:
        return None
    if trim and len(values) >= 3:
        values = values[1:-1]
    return round(sum(values) / len(values), 2)


# ---------------------------------------------------------------- reminders


def problem_steps_due(
    due: date, as_of: date, rules: ReminderRules, calendar: WorkdayCalendar
) -> list[tuple[str, date]]:
    """The reminder steps of a problem not yet rectified that are due on ``as_of``, like a
    report's (:func:`tracker.domain.reminders.report_step_days`): the latest before-step
    reached until the due date, then overdue (unit and office), notice (unit head, with a
    督办单) and leader, each made up within ``rules.catchup_workdays``. None on a day off."""
    if not calendar.is_workday(as_of):
        return []

    def in_window(day: date) -> bool:
        return (
            day <= as_of
            and calendar.workdays_between(day + timedelta(days=1), as_of) <= rules.catchup_workdays
        )

    steps = report_step_days(due, rules, calendar)
    reached = [(s, d) for s, d in steps if s.startswith("before") and d <= as_of <= due]
    found = [reached[-1]] if reached and in_window(reached[-1][1]) else []
    return found + [(s, d) for s, d in steps if not s.startswith("before") and in_window(d)]
