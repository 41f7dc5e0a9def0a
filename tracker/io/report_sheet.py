"""The layout of the report template (进度填报模板) and the rows written to and read from it.

Shared by :mod:`tracker.io.report_workbook` (writing) and :mod:`tracker.io.report_reading`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The header row, in column order.
HEADERS = (
    "序号",
    "任务编号",
    "责任分解",
    "时间进度",
    "填报期间",
    "单位",
    "完成值",
    "进展情况",
    "存在问题",
    "下步打算",
)
#: Columns a unit edits; every other column is locked.
EDITABLE = frozenset({"完成值", "进展情况", "存在问题", "下步打算"})
#: Columns the reader needs to find the header row.
REQUIRED = ("任务编号", "填报期间", "完成值", "进展情况")
#: Column widths in characters.
WIDTHS = {
    "序号": 6,
    "任务编号": 10,
    "责任分解": 40,
    "时间进度": 28,
    "填报期间": 16,
    "单位": 8,
    "完成值": 12,
    "进展情况": 50,
    "存在问题": 32,
    "下步打算": 32,
}
#: Columns stored as text (number format "@").
TEXT_COLUMNS = frozenset(HEADERS) - {"序号", "任务编号", "完成值"}

SHEET_TITLE = "进度填报"
NOTE = (
    "说明：灰色列请勿修改；完成值只填数字（不含单位，不填则留空）；进展情况必填；"
    "某任务本期不填报时，请将其完成值、进展情况、存在问题、下步打算全部留空。"
)


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """One task's row of the template: the task (id, 责任分解 text, 时间进度 text), the
    period (code "2020Q3" and label "2020年第三季度"), the value's unit ("%", "人", or None
    for tasks without a number) and the prefilled value and texts (from the period's own
    draft or returned report, else the last accepted report; empty when there is none)."""

    task_id: int
    task_text: str
    schedule_text: str
    period_code: str
    period_label: str
    value_unit: str | None
    value: float | None = None
    progress: str = ""
    problems: str = ""
    next_steps: str = ""


@dataclass(frozen=True, slots=True)
class FilledRow:
    """One filled row read back: its sheet row number (1-based, as Excel shows it), the
    task id, the period code ("2020Q3"), the value (None when left empty) and the texts
    (stripped; ``progress`` is never empty)."""

    row: int
    task_id: int
    period: str
    value: float | None
    progress: str
    problems: str
    next_steps: str


class WorkbookError(ValueError):
    """The file cannot be imported. ``errors`` lists every fault in Chinese, one per
    message, each naming its sheet row and column ("第5行「完成值」：不是数字")."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors))
        self.errors = errors
