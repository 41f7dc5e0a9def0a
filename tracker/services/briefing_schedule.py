"""The briefing schedule (issue 13 §4): per plan monthly, quarterly (the default) or off;
a due briefing is issued and sent to every office account's notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from config.settings import ChannelSettings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Briefing, BriefingSchedule, Digest, Plan, User
from tracker.services.briefing import issue_briefing, issued_on
from tracker.services.channels import create_deliveries
from tracker.services.errors import ServiceError

CADENCES = ("monthly", "quarterly", "off")
CADENCE_LABELS = {"monthly": "每月", "quarterly": "每季度", "off": "不定期"}


@dataclass(frozen=True, slots=True)
class Sent:
    """A briefing issued by the schedule and how many office accounts were told."""

    plan_id: int
    label: str
    recipients: int


def cadence_of(plan_id: int) -> str:
    """The plan's cadence (quarterly when none is set)."""
    row = db.session.get(BriefingSchedule, plan_id)
    return row.cadence if row is not None else "quarterly"


def set_cadence(plan_id: int, cadence: str) -> None:
    """Set the plan's cadence. Raises ServiceError for an unknown one. Flushes."""
    if cadence not in CADENCES:
        raise ServiceError(
            f"未知的专报周期「{cadence}」，可选：{'、'.join(CADENCES)}", field="cadence"
        )
    row = db.session.get(BriefingSchedule, plan_id)
    if row is None:
        db.session.add(BriefingSchedule(plan_id=plan_id, cadence=cadence))
    else:
        row.cadence = cadence
    db.session.flush()


def period_start(day: date, cadence: str) -> date:
    """The first day of the month or quarter ``day`` is in."""
    if cadence == "monthly":
        return day.replace(day=1)
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def due_plans(today: date) -> list[Plan]:
    """Plans in their period whose cadence is not off and that have no briefing issued
    since the start of the current month or quarter."""
    due: list[Plan] = []
    for plan in db.session.scalars(sa.select(Plan).order_by(Plan.id)):
        cadence = cadence_of(plan.id)
        if cadence == "off" or not plan.start <= today <= date(plan.last_year + 1, 1, 31):
            continue
        since = period_start(today, cadence)
        issued = db.session.scalar(
            sa.select(sa.func.count(Briefing.id)).where(
                Briefing.plan_id == plan.id, Briefing.as_of >= since
            )
        )
        if not issued:
            due.append(plan)
    return due


def send_due_briefings(today: date, channels: ChannelSettings) -> list[Sent]:
    """Issue each due plan's briefing and tell every active office account: a message in
    their notifications with the links to the Word and PDF files (appended to the day's
    reminder digest when there is one, else a message of its own with its deliveries).
    Safe to run twice a day: an issued briefing is no longer due. Flushes."""
    return send_briefings([plan.id for plan in due_plans(today)], today, channels)


def send_briefings(plan_ids: list[int], today: date, channels: ChannelSettings) -> list[Sent]:
    """Issue the briefing of each of ``plan_ids`` (found due by :func:`due_plans`, read
    before the write transaction begins) and tell the office, as
    :func:`send_due_briefings`. A plan that has been issued one for ``today`` meanwhile
    is skipped (a rerun, or two runs at once). Flushes."""
    office = list(
        db.session.scalars(sa.select(User).where(User.role == Role.OFFICE, User.active.is_(True)))
    )
    sent: list[Sent] = []
    for plan in db.session.scalars(sa.select(Plan).where(Plan.id.in_(plan_ids)).order_by(Plan.id)):
        if issued_on(plan.id, today) is not None:
            continue
        briefing = issue_briefing(plan.id, today)
        text = (
            f"《{plan.name}》专报 {briefing.label} 已生成："
            f"/plans/{plan.id}/briefing.docx（Word），/plans/{plan.id}/briefing.pdf（PDF）。"
        )
        for user in office:
            _tell(user, today, f"产改工作专报 {briefing.label}", text, channels)
        sent.append(Sent(plan.id, briefing.label, len(office)))
    db.session.flush()
    return sent


def _tell(user: User, day: date, subject: str, text: str, channels: ChannelSettings) -> None:
    digest = db.session.scalars(
        sa.select(Digest).where(Digest.recipient_id == user.id, Digest.day == day)
    ).first()
    if digest is not None:
        digest.body = f"{digest.body}\n\n{text}"
        return
    digest = Digest(recipient_id=user.id, day=day, subject=subject, body=text)
    db.session.add(digest)
    db.session.flush()
    create_deliveries(digest, channels)
