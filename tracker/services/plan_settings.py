"""A plan's reporting rules (issue 3 §1): cadence, due rule, grace, contribution deadline
and unit approval, changed by the reform office and written to the audit trail.

Units: every ``*_workdays`` value counts Chinese working days (DESIGN.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tracker.domain.periods import Cadence
from tracker.extensions import db
from tracker.models import Plan, User
from tracker.services import audit
from tracker.services.errors import NotFound, ServiceError

#: Cadence → the select's label (按季度 …).
CADENCE_LABELS: dict[Cadence, str] = {
    Cadence.MONTHLY: "按月",
    Cadence.QUARTERLY: "按季度",
    Cadence.HALF_YEARLY: "按半年",
    Cadence.YEARLY: "按年",
}

#: Cadence → the word that starts the plain-Chinese rule (每季度填报 …).
_CADENCE_WORDS: dict[Cadence, str] = {
    Cadence.MONTHLY: "每月",
    Cadence.QUARTERLY: "每季度",
    Cadence.HALF_YEARLY: "每半年",
    Cadence.YEARLY: "每年",
}


@dataclass(frozen=True, slots=True)
class Limit:
    """The allowed range of a working-day setting, both ends included, and its label."""

    low: int
    high: int
    label: str


#: Field name → allowed range in working days.
LIMITS: dict[str, Limit] = {
    "report_due_workdays": Limit(0, 60, "填报截止（期末后工作日数）"),
    "overdue_grace_workdays": Limit(0, 30, "逾期宽限（工作日数）"),
    "contribution_due_workdays": Limit(1, 60, "配合确认期限（工作日数）"),
}


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """A plan's reporting rules as the office edits them.

    - ``cadence``: how often lead units report;
    - ``report_due_workdays``: a period's report is due this many working days after the
      period ends (0–60; 0 = the period's last day, or the next working day);
    - ``overdue_grace_workdays``: working days after the due date before a report counts
      as overdue (0–30);
    - ``contribution_due_workdays``: working days a cooperating unit has to confirm its
      part after it is asked (1–60);
    - ``unit_approval``: a unit's approver signs off reports before they reach the office.
    """

    cadence: Cadence
    report_due_workdays: int
    overdue_grace_workdays: int
    contribution_due_workdays: int
    unit_approval: bool

    @classmethod
    def of(cls, plan: Plan) -> PlanSettings:
        """The rules ``plan`` holds now."""
        return cls(
            cadence=Cadence(plan.cadence),
            report_due_workdays=plan.report_due_workdays,
            overdue_grace_workdays=plan.overdue_grace_workdays,
            contribution_due_workdays=plan.contribution_due_workdays,
            unit_approval=plan.unit_approval,
        )


def validate(settings: PlanSettings) -> None:
    """Raise :class:`ServiceError` naming the first field that is out of range (Chinese
    message, e.g. "填报截止（期末后工作日数）须为0到60之间的整数")."""
    try:
        Cadence(settings.cadence)
    except ValueError:
        raise ServiceError("请选择填报周期：按月、按季度、按半年或按年", field="cadence") from None
    for name, limit in LIMITS.items():
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ServiceError(f"{limit.label}须为整数", field=name)
        if not limit.low <= value <= limit.high:
            raise ServiceError(
                f"{limit.label}须为{limit.low}到{limit.high}之间的整数，当前为{value}", field=name
            )


def update_settings(plan: Plan, settings: PlanSettings, user: User | None) -> Plan:
    """Store ``settings`` on ``plan`` and add an audit entry with the values before and
    after (``task_id`` None). Nothing is written when nothing changed. Flushes; the caller
    commits.

    Raises :class:`ServiceError` (``field`` set) when a value is out of range.
    """
    validate(settings)
    if PlanSettings.of(plan) == settings:
        return plan
    before = audit.snapshot(plan)
    plan.cadence = Cadence(settings.cadence)
    plan.report_due_workdays = settings.report_due_workdays
    plan.overdue_grace_workdays = settings.overdue_grace_workdays
    plan.contribution_due_workdays = settings.contribution_due_workdays
    plan.unit_approval = settings.unit_approval
    audit.record(
        "update_settings",
        plan,
        user=user,
        task_id=None,
        before=before,
        summary=f"修改填报规则：{describe_rules(settings)}",
    )
    return plan


def describe_rules(settings: PlanSettings) -> str:
    """The rules in plain Chinese, e.g.
    "每季度填报，期末后第5个工作日截止，逾期宽限0个工作日；配合单位须在发起后5个工作日内确认；
    单位填报直接报送改革办"."""
    due = (
        "期末当日截止（遇节假日顺延至下一个工作日）"
        if settings.report_due_workdays == 0
        else f"期末后第{settings.report_due_workdays}个工作日截止"
    )
    approval = (
        "单位填报须经本单位审批后报送改革办" if settings.unit_approval else "单位填报直接报送改革办"
    )
    return (
        f"{_CADENCE_WORDS[Cadence(settings.cadence)]}填报，{due}，"
        f"逾期宽限{settings.overdue_grace_workdays}个工作日；"
        f"配合单位须在发起后{settings.contribution_due_workdays}个工作日内确认；{approval}"
    )


def plan_of(plan_id: int) -> Plan:
    """The plan (without its task tree); raises :class:`NotFound`."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的实施方案")
    return plan


def plans_with_rules() -> list[tuple[Plan, str]]:
    """Every plan, newest first, with its rules in plain Chinese."""
    found = db.session.scalars(sa.select(Plan).order_by(Plan.id.desc()))
    return [(plan, describe_rules(PlanSettings.of(plan))) for plan in found]
