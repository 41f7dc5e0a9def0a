"""A plan's escalation steps (催办与督办规则, issue 12 §3), on the plan settings page:
reminders so many working days before a report is due ("5,1"), a supervision notice to
the unit head after N working days overdue, word to the leader in charge after M, and the
notices' number prefix (慈产改督〔2020〕3号). Changed by the office, audited.

Units: every ``*_workdays`` value counts Chinese working days (DESIGN.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.domain.reminders import ReminderRules
from tracker.models import Plan, User
from tracker.services import audit
from tracker.services.errors import ServiceError

#: Field → (low, high, label) of the working-day counts.
RANGES: dict[str, tuple[int, int, str]] = {
    "notice_after_workdays": (1, 60, "逾期几个工作日后发督办单"),
    "leader_after_workdays": (1, 120, "逾期几个工作日后报分管领导"),
}
BEFORE_LABEL = "截止前几个工作日提醒"
PREFIX_LABEL = "督办单编号前缀"
MAX_PREFIX = 20
MAX_BEFORE_STEPS = 5
MAX_BEFORE_DAYS = 30


@dataclass(frozen=True, slots=True)
class EscalationSettings:
    """The steps as the office edits them: ``before`` ("5,1": working days before the due
    date; empty for none), ``notice_after_workdays``, ``leader_after_workdays`` (the
    leader's step not before the notice's) and ``notice_prefix``."""

    before: str
    notice_after_workdays: int
    leader_after_workdays: int
    notice_prefix: str

    @classmethod
    def of(cls, plan: Plan) -> EscalationSettings:
        """The steps ``plan`` holds now."""
        return cls(
            before=plan.remind_before_workdays or "",
            notice_after_workdays=plan.notice_after_workdays,
            leader_after_workdays=plan.leader_after_workdays,
            notice_prefix=plan.notice_prefix,
        )


def normalised_before(text: str) -> str:
    """ "1，5" → "5,1"; raises :class:`ServiceError` (field "before") for anything but
    up to five whole numbers from 1 to 30 separated by commas."""
    parts = [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
    if any(not part.isdigit() for part in parts):
        raise ServiceError(f"{BEFORE_LABEL}请填写用逗号分隔的整数，如“5,1”", field="before")
    numbers = ReminderRules.parse_before(",".join(parts))
    if len(numbers) != len(set(parts)) or any(n > MAX_BEFORE_DAYS for n in numbers):
        raise ServiceError(f"{BEFORE_LABEL}每项须为1到{MAX_BEFORE_DAYS}之间的整数", field="before")
    if len(numbers) > MAX_BEFORE_STEPS:
        raise ServiceError(f"{BEFORE_LABEL}最多{MAX_BEFORE_STEPS}项", field="before")
    return ",".join(str(n) for n in numbers)


def validate(settings: EscalationSettings) -> EscalationSettings:
    """The settings with ``before`` normalised; raises :class:`ServiceError` naming the
    first field at fault."""
    before = normalised_before(settings.before)
    for name, (low, high, label) in RANGES.items():
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ServiceError(f"{label}须为{low}到{high}之间的整数", field=name)
    if settings.leader_after_workdays < settings.notice_after_workdays:
        raise ServiceError("报分管领导的天数不能少于发督办单的天数", field="leader_after_workdays")
    prefix = settings.notice_prefix.strip()
    if not prefix or len(prefix) > MAX_PREFIX or any(c in prefix for c in "〔〕[]\n\r\t"):
        raise ServiceError(
            f"{PREFIX_LABEL}请填写1到{MAX_PREFIX}个字，不含括号，如“慈产改督”",
            field="notice_prefix",
        )
    return EscalationSettings(
        before, settings.notice_after_workdays, settings.leader_after_workdays, prefix
    )


def describe(settings: EscalationSettings) -> str:
    """ "截止前5、1个工作日提醒牵头单位；逾期3个工作日发督办单（慈产改督〔年份〕N号），逾期10个
    工作日报分管领导"."""
    before = settings.before.replace(",", "、")
    reminders = f"截止前{before}个工作日提醒牵头单位" if before else "截止前不提醒"
    return (
        f"{reminders}；逾期{settings.notice_after_workdays}个工作日发督办单"
        f"（{settings.notice_prefix}〔年份〕N号），"
        f"逾期{settings.leader_after_workdays}个工作日报分管领导"
    )


def update_escalation(plan: Plan, settings: EscalationSettings, user: User | None) -> Plan:
    """Store ``settings`` on ``plan`` with an audit entry (nothing when nothing changed).
    Raises :class:`ServiceError` (``field`` set) for a value out of range. Flushes."""
    clean = validate(settings)
    if EscalationSettings.of(plan) == clean:
        return plan
    before = audit.snapshot(plan)
    plan.remind_before_workdays = clean.before
    plan.notice_after_workdays = clean.notice_after_workdays
    plan.leader_after_workdays = clean.leader_after_workdays
    plan.notice_prefix = clean.notice_prefix
    audit.record(
        "update_escalation",
        plan,
        user=user,
        task_id=None,
        before=before,
        summary=f"修改催办与督办规则：{describe(clean)}",
    )
    return plan
