"""Template helpers of the task pages: whether a draft is hidden from the reader, the
task's value unit, values written for people (whole numbers for counts) and the history
in plain words. Registered on the app by the tasks blueprint."""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from flask_login import current_user

from tracker import settings as app_settings
from tracker.domain.whole_numbers import plain_number, quantity
from tracker.models import ProgressReport, Task, User
from tracker.services import drafts, history
from tracker.services.reports import value_unit
from tracker.web import labels

#: The history's field labels: the shared ones and those of notices and files.
FIELD_LABELS = {
    **labels.FIELD_LABELS,
    "author_id": "填报人",
    "unit_id": "单位",
    "uploaded_by_id": "上传人",
    "uploaded_at": "上传时间",
    "removed_at": "移除时间",
    "original_name": "文件名",
    "size_bytes": "文件大小",
    "number": "编号",
    "overdue_text": "逾期情况",
    "issued_on": "签发日期",
    "new_deadline": "限期",
    "acknowledged_at": "签收时间",
    "acknowledged_by_id": "签收人",
    "answer": "答复",
    "answered_at": "答复时间",
    "created_at": "创建时间",
    "closed_at": "办结时间",
    "baseline_value": "基数",
    "start": "起始",
    "upper": "上限",
    "name": "名称",
    "user_id": "用户",
}
#: The history's action labels: the shared ones and those of notices and appeals.
ACTION_LABELS = {
    **labels.ACTION_LABELS,
    "issue": "签发督办单",
    "acknowledge": "签收督办单",
    "appeal": "提出申诉",
    "answer_appeal": "答复申诉",
    "update": "修改",
    "delete": "删除",
    "lock": "锁定",
    "map": "关联考核指标",
    "unmap": "取消关联考核指标",
    "propose": "提出扣分建议",
    "review": "审核",
}


def viewer() -> User | None:
    """The signed-in user, or None."""
    return current_user if current_user.is_authenticated else None


def draft_private(report: ProgressReport) -> bool:
    """Whether the reader sees ``report`` only as "草稿中"."""
    return drafts.is_private(report, viewer())


def history_rows(task: Task) -> list[history.HistoryRow]:
    """The task's history as the reader may read it, newest first."""
    return history.task_history(task.id, viewer(), app_settings.current().clock.zone)


def _plain(value: float | None, unit: str | None = None) -> str:
    return "—" if value is None else plain_number(value, unit)


def _quantity(value: float | None, unit: str | None = None) -> str:
    return quantity(value, unit)


def register(bp: Blueprint) -> None:
    """Make the helpers template globals and filters of the app ``bp`` is registered on."""

    @bp.record_once
    def _register(state: BlueprintSetupState) -> None:
        env = state.app.jinja_env
        env.globals.update(
            draft_private=draft_private,
            value_unit_of=value_unit,
            history_rows=history_rows,
            history_field_labels=FIELD_LABELS,
            history_action_labels=ACTION_LABELS,
        )
        env.filters["plain_number"] = _plain
        env.filters["quantity"] = _quantity
