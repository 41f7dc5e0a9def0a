"""The problem ledger (问题清单) as an .xlsx workbook: a title row, a header and one row per
problem, its status cell coloured (待整改 yellow, 已提交整改 blue, 已退回 orange, 已销号
green, 逾期 red), frozen header, column widths for Chinese text (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

HEADERS = (
    "序号", "单位", "来源", "督查", "问题类别", "问题描述", "整改要求", "责任人",
    "发现日期", "整改期限", "状态", "整改情况", "核验意见", "关联任务或指标",
)  # fmt: skip
WIDTHS = (6, 18, 10, 20, 12, 40, 36, 10, 12, 12, 12, 40, 24, 30)

#: Fill colours (RGB) of the status cell, by status label; overdue wins.
COLOURS = {
    "待整改": "FFF2CC",
    "已提交整改": "DDEBF7",
    "已退回": "FCE4D6",
    "已销号": "E2EFDA",
    "逾期": "F8CBAD",
}


@dataclass(frozen=True, slots=True)
class ProblemRow:
    """One problem as the workbook shows it (plain text and ISO dates)."""

    unit: str
    source: str
    inspection: str
    category: str
    description: str
    requirement: str
    responsible: str
    found_on: str
    due_on: str
    status: str
    overdue: bool
    rectification: str
    verification: str
    link: str


def problem_workbook(title: str, rows: Sequence[ProblemRow]) -> bytes:
    """The .xlsx bytes of the ledger titled ``title``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "问题清单"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(list(HEADERS))
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = border
    for number, row in enumerate(rows, start=1):
        status = f"{row.status}（逾期）" if row.overdue else row.status
        sheet.append(
            [number, row.unit, row.source, row.inspection, row.category, row.description,
             row.requirement, row.responsible, row.found_on, row.due_on, status,
             row.rectification, row.verification, row.link]
        )  # fmt: skip
        colour = COLOURS["逾期"] if row.overdue else COLOURS.get(row.status)
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
        if colour:
            sheet.cell(sheet.max_row, HEADERS.index("状态") + 1).fill = PatternFill(
                "solid", fgColor=colour
            )
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
