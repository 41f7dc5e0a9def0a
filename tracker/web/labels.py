"""Chinese labels for the history table: records, actions and fields."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tracker import settings as app_settings
from tracker.services.history import ENTITY_WORDS

ENTITY_LABELS = ENTITY_WORDS  # one list of what audited rows are called (services.history)

ACTION_LABELS = {
    "create": "新建",
    "save_draft": "保存草稿",
    "submit": "提交",
    "resubmit": "修改后重新提交",
    "unit_approve": "本单位审批通过",
    "unit_return": "本单位退回",
    "accept": "审核通过",
    "return": "退回",
    "start_correction": "发起更正",
    "supersede": "被更正版取代",
    "request": "请求配合确认",
    "confirm": "确认配合",
    "dispute": "提出异议",
    "correct_milestones": "修正节点",
    "attach": "上传佐证材料",
    "remove": "移除",
    "write": "作出批示",
    "answer": "答复批示",
    "update_settings": "修改设置",
    "revise_plan": "方案修订",
    "archive": "归档",
}

FIELD_LABELS = {
    "status": "状态",
    "value": "完成值",
    "value_unit": "单位",
    "progress": "进展情况",
    "problems": "存在问题",
    "next_steps": "下步打算",
    "period": "期间",
    "period_end": "期末",
    "submitted_on": "提交日期",
    "reviewed_on": "审核日期",
    "reviewer_id": "审核人",
    "return_reason": "退回理由",
    "revision": "版次",
    "text": "说明",
    "reason": "理由",
    "requested_on": "请求日期",
    "due_on": "截止日期",
    "answered_on": "答复日期",
    "answered_by_id": "答复人",
    "kind": "类型",
    "due": "截止",
    "comparator": "比较",
    "target_value": "目标值",
    "target_text": "目标",
    "unit": "单位",
    "approved_on": "审批日期",
    "approver_id": "审批人",
}


def local_time(moment: datetime | None) -> str:
    """A stored UTC instant in the office's time zone, "2020-11-20 09:30"."""
    if moment is None:
        return ""
    zone = app_settings.current().clock.zone
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
