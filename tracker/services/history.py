"""A task's history in plain Chinese (issue 12 §7): who (a name, not an id), on what (a
report's period, a notice's number, a file's name), which fields changed (labels, status
words, names instead of ids), without hashes or storage names. The raw entries stay in
:mod:`tracker.services.audit` for the administrator.

Drafts are the writing unit's own (:mod:`tracker.services.drafts`): while a report is a
draft, an entry that saved it, or a file attached to it, shows others only that a draft
was saved.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tracker.domain.periods import parse_period
from tracker.domain.whole_numbers import plain_number
from tracker.extensions import db
from tracker.models import AuditEntry, ProgressReport, Unit, User
from tracker.models.report import CONTRIBUTION_STATUS_LABELS, REPORT_STATUS_LABELS
from tracker.services import drafts
from tracker.services.audit import changes, history_of_task
from tracker.services.evidence_files import format_size

#: Fields a reader has no use for: ids and links, hashes, storage names, bookkeeping.
QUIET_FIELDS = frozenset(
    {
        "id",
        "task_id",
        "report_id",
        "contribution_id",
        "self_assessment_id",
        "answer_report_id",
        "plan_id",
        "measure_id",
        "position",
        "sha256",
        "stored_name",
        "content_type",
        "docx_name",
        "pdf_name",
        "key",
        "prefix",
        "year",
        "sequence",
        "index",
    }
)
#: Fields holding a user's id, shown as the user's name.
USER_FIELDS = frozenset(
    {
        "author_id",
        "reviewer_id",
        "approver_id",
        "answered_by_id",
        "uploaded_by_id",
        "acknowledged_by_id",
        "user_id",
        "appeal_answered_by_id",
    }
)
#: Status words by table.
_STATUS_WORDS: dict[str, Mapping[str, str]] = {
    "progress_reports": {status.value: label for status, label in REPORT_STATUS_LABELS.items()},
    "contributions": {status.value: label for status, label in CONTRIBUTION_STATUS_LABELS.items()},
}
#: What each audited table's rows are called, for the history and the templates.
ENTITY_WORDS = {
    "progress_reports": "填报",
    "contributions": "配合确认",
    "milestones": "节点",
    "tasks": "任务",
    "plans": "实施方案",
    "evidence": "佐证材料",
    "instructions": "领导批示",
    "calendar_days": "工作日历",
    "supervision_notices": "督办单",
    "task_indicators": "考核指标关联",
    "self_assessments": "自评",
    "score_adjustments": "扣分建议",
}


@dataclass(frozen=True, slots=True)
class HistoryChange:
    """One changed field: its key and both values as text (None: empty)."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One entry as people read it; ``hidden`` when a draft's content is withheld."""

    entry: AuditEntry
    who: str
    subject: str
    summary: str
    changes: list[HistoryChange]
    hidden: bool


def task_history(task_id: int, viewer: User | None, zone: ZoneInfo) -> list[HistoryRow]:
    """Every entry about a task, newest first, as ``viewer`` may read it (times in
    ``zone``)."""
    return [readable(entry, viewer, zone) for entry in reversed(history_of_task(task_id))]


def readable(entry: AuditEntry, viewer: User | None, zone: ZoneInfo) -> HistoryRow:
    """``entry`` in plain words for ``viewer``."""
    after = _load(entry.after) or _load(entry.before)
    hidden = _withheld(entry, after, viewer)
    rows = [] if hidden else _changes(entry, zone)
    return HistoryRow(
        entry=entry,
        who=_user_name(entry.user_id) if entry.user_id else "系统",
        subject=_subject(entry, after),
        summary="" if hidden and entry.entity == "evidence" else entry.summary,
        changes=rows,
        hidden=hidden,
    )


def _withheld(entry: AuditEntry, after: dict[str, Any], viewer: User | None) -> bool:
    if entry.entity == "progress_reports" and entry.action in drafts.DRAFT_ACTIONS:
        report = db.session.get(ProgressReport, entry.entity_id) if entry.entity_id else None
        return report is not None and drafts.is_private(report, viewer)
    if entry.entity == "evidence" and after.get("report_id"):
        report = db.session.get(ProgressReport, after["report_id"])
        return report is not None and drafts.is_private(report, viewer)
    return False


def _changes(entry: AuditEntry, zone: ZoneInfo) -> list[HistoryChange]:
    return [
        HistoryChange(
            field, _text(entry.entity, field, old, zone), _text(entry.entity, field, new, zone)
        )
        for field, old, new in changes(entry)
        if field not in QUIET_FIELDS
    ]


def _text(entity: str, field: str, value: Any, zone: ZoneInfo) -> str | None:
    """A stored value as words."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "status":
        return _STATUS_WORDS.get(entity, {}).get(
            str(value), _GENERIC_STATUS.get(str(value), str(value))
        )
    if field in USER_FIELDS:
        return _user_name(value)
    if field == "unit_id":
        unit = db.session.get(Unit, value)
        return unit.name if unit else "（已删除的单位）"
    if field == "period":
        return _period(str(value))
    if field == "size_bytes" and isinstance(value, int):
        return format_size(value)
    if isinstance(value, float):
        return plain_number(value)
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        return _local(value, zone)
    return str(value)


_GENERIC_STATUS = {
    "open": "待办",
    "closed": "已办结",
    "pending": "待发送",
    "sent": "已发送",
    "failed": "发送失败",
    "issued": "已签发",
    "acknowledged": "已签收",
    "answered": "已答复",
}


def _local(text: str, zone: ZoneInfo) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _subject(entry: AuditEntry, after: dict[str, Any]) -> str:
    """What the entry is about: "2020年第三季度填报", "督办单 X督〔2020〕7号" …"""
    word = ENTITY_WORDS.get(entry.entity, "记录")
    if entry.entity == "progress_reports" and after.get("period"):
        revision = after.get("revision") or 1
        fix = f"（更正第{revision - 1}次）" if revision > 1 else ""
        return f"{_period(str(after['period']))}{word}{fix}"
    if entry.entity == "supervision_notices" and after.get("number"):
        return f"{word} {after['number']}"
    if entry.entity == "evidence" and after.get("original_name"):
        return f"{word}“{after['original_name']}”"
    if entry.entity == "contributions" and after.get("unit_id"):
        unit = db.session.get(Unit, after["unit_id"])
        return f"{word}（{unit.name}）" if unit else word
    return word


def _period(code: str) -> str:
    try:
        return parse_period(code).label
    except ValueError:
        return code


def _user_name(user_id: Any) -> str:
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        return "（已删除的用户）"
    return user.display_name or user.username


def _load(text: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
