"""The Excel template of a unit's period reports (进度填报模板): write it, read it back.

Pure I/O with openpyxl: no database, no Flask. The sheet has a title row, a note row, a
header row (:data:`HEADERS`) and one row per task. The columns a unit must not change
(序号, 任务编号, 责任分解, 时间进度, 填报期间, 单位 and the header) are grey and locked by
sheet protection; 完成值, 进展情况, 存在问题 and 下步打算 are unlocked for editing.

Reading (:func:`read_filled`, in :mod:`tracker.io.report_reading` and re-exported here)
finds the header row by its names (wherever it is), reads text cells as text ("007" stays
"007") and checks every row, raising :class:`WorkbookError` with one Chinese message per
fault, e.g. "第5行「完成值」：不是数字". A row whose four editable cells are all empty is
skipped (that task is not reported this time).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tracker.io.report_reading import period_code, read_filled, text_of
from tracker.io.report_sheet import (
    EDITABLE,
    HEADERS,
    NOTE,
    REQUIRED,
    SHEET_TITLE,
    TEXT_COLUMNS,
    WIDTHS,
    FilledRow,
    TemplateRow,
    WorkbookError,
)

__all__ = [
    "EDITABLE",
    "HEADERS",
    "NOTE",
    "REQUIRED",
    "SHEET_TITLE",
    "TEXT_COLUMNS",
    "WIDTHS",
    "FilledRow",
    "TemplateRow",
    "WorkbookError",
    "period_code",
    "read_filled",
    "text_of",
    "write_template",
]

_TITLE_ROW, _NOTE_ROW, _HEADER_ROW = 1, 2, 3
_LOCKED_FILL = PatternFill("solid", fgColor="E5E7EB")
_HEADER_FILL = PatternFill("solid", fgColor="D1D5DB")


# ---------------------------------------------------------------------------- writing


def write_template(rows: Sequence[TemplateRow], unit_name: str, period_label: str) -> bytes:
    """The template as .xlsx bytes: title "<unit> <period> 改革任务进度填报表", a note,
    the header row :data:`HEADERS` and one row per item of ``rows`` in the given order."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    _write_title(sheet, f"{unit_name} {period_label} 改革任务进度填报表")
    _write_header(sheet)
    for number, row in enumerate(rows, start=1):
        _write_row(sheet, _HEADER_ROW + number, number, row)
    if rows:
        _add_value_validation(sheet, _HEADER_ROW + 1, _HEADER_ROW + len(rows))
    sheet.freeze_panes = sheet.cell(row=_HEADER_ROW + 1, column=1).coordinate
    _protect(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_title(sheet: Worksheet, title: str) -> None:
    last = get_column_letter(len(HEADERS))
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(f"A{_TITLE_ROW}:{last}{_TITLE_ROW}")
    sheet.row_dimensions[_TITLE_ROW].height = 28
    sheet[f"A{_NOTE_ROW}"] = NOTE
    sheet[f"A{_NOTE_ROW}"].alignment = Alignment(wrap_text=True, vertical="center")
    sheet[f"A{_NOTE_ROW}"].font = Font(color="B91C1C", size=10)
    sheet.merge_cells(f"A{_NOTE_ROW}:{last}{_NOTE_ROW}")
    sheet.row_dimensions[_NOTE_ROW].height = 32


def _write_header(sheet: Worksheet) -> None:
    for column, name in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=_HEADER_ROW, column=column, value=name)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[name]


def _write_row(sheet: Worksheet, row_number: int, number: int, row: TemplateRow) -> None:
    values: dict[str, int | float | str | None] = {
        "序号": number,
        "任务编号": row.task_id,
        "责任分解": row.task_text,
        "时间进度": row.schedule_text,
        "填报期间": row.period_label,
        "单位": row.value_unit or "",
        "完成值": row.value,
        "进展情况": row.progress,
        "存在问题": row.problems,
        "下步打算": row.next_steps,
    }
    for column, name in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=row_number, column=column, value=values[name])
        if name in TEXT_COLUMNS:
            cell.number_format = "@"
        cell.alignment = Alignment(wrap_text=name in TEXT_COLUMNS, vertical="top")
        if name in EDITABLE:
            cell.protection = Protection(locked=False)
        else:
            cell.fill = _LOCKED_FILL


def _add_value_validation(sheet: Worksheet, first: int, last: int) -> None:
    letter = get_column_letter(HEADERS.index("完成值") + 1)
    validation = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成值有误",
        error="完成值应为不小于0的数字（不含单位）。",
        showInputMessage=True,
        promptTitle="完成值",
        prompt="填写数字，不含单位；无数值的任务留空。",
    )
    validation.add(f"{letter}{first}:{letter}{last}")
    sheet.add_data_validation(validation)


def _protect(sheet: Worksheet) -> None:
    """Lock the sheet so only unlocked cells can change; widths and heights stay free."""
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.formatCells = False
