"""Response models of ``/api/v1`` (pydantic v2): the shape of every answer.

A view returns one of these; spectree checks it against the model its route declares
for the status and serialises it, and the OpenAPI document describes the same models.
Dates are ``YYYY-MM-DD``; timestamps are RFC 3339 in UTC with the offset written out
(``2020-11-20T08:00:00+00:00``), whether the database gave a naive UTC or an aware value.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from tracker.domain.lag import LagState
from tracker.domain.periods import parse_period
from tracker.domain.whole_numbers import quantity
from tracker.models import AuditEntry, ProgressReport
from tracker.models import Contribution as ContributionRow
from tracker.models.report import ContributionStatus, ReportStatus
from tracker.services import drafts, plans
from tracker.services.audit import changes
from tracker.services.history import HistoryRow
from tracker.services.ledger import LedgerRow
from tracker.services.reports import ReportInput
from tracker.services.scan import TaskStatus


def rfc3339(moment: datetime) -> str:
    """``moment`` in UTC with its offset, to the second; a naive value is taken as UTC
    (SQLite hands back the stored UTC time without its zone)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat(timespec="seconds")


Timestamp = Annotated[
    datetime,
    PlainSerializer(rfc3339, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _absent_if_none(value: object) -> bool:
    return value is None


class Out(BaseModel):
    """A response model: keys are written by their aliases (``from``)."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)


class ReportContent(Out):
    """A report's content as a writer sends it (``theirs`` / ``mine`` of a 409)."""

    period: str
    value: float | None
    progress: str
    problems: str
    next_steps: str

    @classmethod
    def of(cls, data: ReportInput) -> ReportContent:
        """The content of a service's :class:`ReportInput`."""
        return cls(
            period=data.period,
            value=data.value,
            progress=data.progress,
            problems=data.problems,
            next_steps=data.next_steps,
        )


class Error(Out):
    """Every failure: a Chinese message, the field at fault if any, and for a 409 on a
    stale version what is stored and what was sent."""

    error: str = Field(description="中文说明")
    field: str | None = Field(None, description="出错的字段（如有）")
    version: int | None = Field(None, description="409 版本冲突时：当前保存的版本")
    theirs: ReportContent | None = Field(None, description="409 版本冲突时：已保存的内容")
    mine: ReportContent | None = Field(None, description="409 版本冲突时：本次提交的内容")
    report_id: int | None = Field(None, description="409 该期间已有填报时：其编号")


class Relative(Out):
    """A target against a base year ("较2022年下降8%"): kind percent_change / level_change /
    multiple, the signed amount (−8, +5 个百分点, ×2) and the base's actual once reported."""

    base_year: int
    kind: str
    amount: float
    base_value: float | None = Field(None, exclude_if=_absent_if_none)


class Milestone(Out):
    """A milestone as ``plan show --json`` prints it; ``from``, ``upper`` and ``relative``
    only where the milestone has them."""

    kind: str
    due: date
    comparator: str | None
    target: float | str | None
    unit: str | None
    start: date | None = Field(None, alias="from", exclude_if=_absent_if_none)
    upper: float | None = Field(None, exclude_if=_absent_if_none)
    relative: Relative | None = Field(None, exclude_if=_absent_if_none)


class Task(Out):
    """A task (as ``plan show --json``) with its lag assessment as of the answer's day."""

    id: int
    plan_id: int
    text: str
    schedule_text: str
    lead_units: list[str]
    cooperating_units: list[str]
    needs_review: bool
    review_reasons: list[str] = []
    milestones: list[Milestone]
    state: LagState
    expected: float | None
    actual: float | None

    @classmethod
    def of(cls, status: TaskStatus | LedgerRow) -> Task:
        """The task of ``status`` with its assessment."""
        return cls.model_validate(
            {**plans.task_to_json(status.task), **status.to_json(), "plan_id": status.task.plan_id}
        )


class TaskList(Out):
    """``GET /tasks``: the day assessed and a page of the tasks (50 a page): its number
    (from 1), the page count and the tasks in all."""

    as_of: date
    tasks: list[Task]
    page: int = 1
    pages: int = 1
    total: int = 0


class Contribution(Out):
    """A cooperating unit's part in a report (配合确认)."""

    id: int
    unit: str
    status: ContributionStatus
    text: str
    reason: str
    due_on: date | None
    answered_on: date | None

    @classmethod
    def fields_of(cls, item: ContributionRow) -> dict[str, Any]:
        """The fields of ``item``."""
        return {
            "id": item.id,
            "unit": item.unit.name,
            "status": item.status,
            "text": item.text,
            "reason": item.reason,
            "due_on": item.due_on,
            "answered_on": item.answered_on,
        }

    @classmethod
    def of(cls, item: ContributionRow) -> Contribution:
        """``item`` as listed in its report."""
        return cls(**cls.fields_of(item))


class ContributionDetail(Contribution):
    """One contribution with the report and task it belongs to."""

    report_id: int
    task_id: int

    @classmethod
    def of(cls, item: ContributionRow) -> ContributionDetail:
        """``item`` with its report's and task's ids."""
        return cls(**cls.fields_of(item), report_id=item.report_id, task_id=item.report.task_id)


def _period_label(code: str) -> str:
    try:
        return parse_period(code).label
    except ValueError:
        return code


class Report(Out):
    """A progress report (one revision of a period) with its contributions."""

    id: int
    task_id: int
    unit: str
    period: str = Field(examples=["2020Q3"])
    period_label: str
    revision: int
    status: ReportStatus
    value: float | None
    value_unit: str | None
    progress: str
    problems: str
    next_steps: str
    submitted_on: date | None
    reviewed_on: date | None
    return_reason: str
    version: int
    contributions: list[Contribution]
    value_text: str | None = Field(
        default=None, description="完成值连同单位，人、家等计数取整", examples=["25家"]
    )
    content_hidden: bool = Field(
        default=False, description="草稿中：草稿只有填报单位可见，其他人看不到完成值和文字"
    )

    @classmethod
    def for_viewer(cls, report: ProgressReport, viewer: Any) -> Report:
        """``report`` as ``viewer`` may see it: a draft of another unit shows only that
        it is being written (issue 12 §4)."""
        if not drafts.is_private(report, viewer):
            return cls.of(report)
        shown = cls.of(report)
        return shown.model_copy(
            update={
                "value": None,
                "value_unit": None,
                "value_text": None,
                "progress": "",
                "problems": "",
                "next_steps": "",
                "return_reason": "",
                "contributions": [],
                "content_hidden": True,
            }
        )

    @classmethod
    def of(cls, report: ProgressReport) -> Report:
        """``report`` as the API shows it."""
        return cls(
            id=report.id,
            task_id=report.task_id,
            unit=report.unit.name,
            period=report.period,
            period_label=_period_label(report.period),
            revision=report.revision,
            status=report.status,
            value=report.value,
            value_unit=report.value_unit,
            value_text=None if report.value is None else quantity(report.value, report.value_unit),
            progress=report.progress,
            problems=report.problems,
            next_steps=report.next_steps,
            submitted_on=report.submitted_on,
            reviewed_on=report.reviewed_on,
            return_reason=report.return_reason,
            version=report.version,
            contributions=[Contribution.of(c) for c in report.contributions],
        )


class ReportList(Out):
    """``GET /tasks/{task_id}/reports``: every revision, latest period first."""

    task_id: int
    reports: list[Report]


class Change(Out):
    """One field an audit entry changed: the stored values and, in words, its label and
    both values (names for ids, status words)."""

    field: str
    before: Any
    after: Any
    label: str = ""
    before_text: str | None = None
    after_text: str | None = None


class HistoryEntry(Out):
    """One entry of a task's history."""

    at: Timestamp
    user: str | None
    entity: str
    entity_id: int | None
    action: str
    summary: str
    changes: list[Change]
    who: str = ""
    subject: str = ""
    action_label: str = ""
    content_hidden: bool = False

    @classmethod
    def of(cls, entry: AuditEntry) -> HistoryEntry:
        """``entry`` with the user's name and the changed fields."""
        return cls(
            at=entry.at,
            user=entry.user.username if entry.user else None,
            entity=entry.entity,
            entity_id=entry.entity_id,
            action=entry.action,
            summary=entry.summary,
            changes=[Change(field=f, before=b, after=a) for f, b, a in changes(entry)],
        )

    @classmethod
    def readable(
        cls,
        row: HistoryRow,
        field_labels: dict[str, str],
        action_labels: dict[str, str],
        *,
        raw: bool,
    ) -> HistoryEntry:
        """A history row in words; the stored values of every field only when ``raw``
        (the administrator), else only of the fields the row shows."""
        shown = {change.field: change for change in row.changes}
        stored = [] if row.hidden else changes(row.entry)
        items = [
            Change(
                field=f,
                before=b,
                after=a,
                label=field_labels.get(f, "其他"),
                before_text=shown[f].before if f in shown else None,
                after_text=shown[f].after if f in shown else None,
            )
            for f, b, a in stored
            if raw or f in shown
        ]
        entry = row.entry
        return cls(
            at=entry.at,
            user=entry.user.username if entry.user else None,
            entity=entry.entity,
            entity_id=entry.entity_id,
            action=entry.action,
            summary=row.summary,
            changes=items,
            who=row.who,
            subject=row.subject,
            action_label=action_labels.get(entry.action, "其他操作"),
            content_hidden=row.hidden,
        )


class History(Out):
    """``GET /tasks/{task_id}/history``: oldest first."""

    task_id: int
    entries: list[HistoryEntry]
