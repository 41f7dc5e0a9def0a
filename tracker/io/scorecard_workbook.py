"""A scorecard as .xlsx in the layout of the assessment rubric (issue 5 §5).

Columns: 序号, 一级指标, 二级指标, 三级指标（分值）, 得分, 扣分及原因. Level-1 and level-2
cells are merged over their level-3 rows; each deduction or bonus is one line of the last
column ("-0.5分：事件；理由；依据：规则原文"); totals and the grade close the sheet.

The sheet is written from plain data (:class:`ScorecardSheet`) that the assessment
services prepare (:func:`tracker.services.scorecard_sheet.scorecard_sheet`).
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

HEADERS = ("序号", "一级指标", "二级指标", "三级指标（分值）", "得分", "扣分及原因")
_WIDTHS = (6, 18, 22, 40, 8, 60)
_WRAP = Alignment(wrap_text=True, vertical="center")
_FIRST_ROW = 3


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One deduction (negative ``points``, 分) or bonus of an indicator: the event text,
    the unit it concerns and the decision's reason (both may be empty) and the rule's
    source line."""

    points: float
    event: str
    unit: str
    reason: str
    rule: str


@dataclass(frozen=True, slots=True)
class SheetGroup:
    """A level-1 or level-2 indicator above a row: rows of the same ``id`` in a row are
    merged into one cell showing ``name``."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One level-3 indicator: its level-1/2 groups (None when it has none), name, points
    (分; None: not set), score (分; None: not scored, then ``note`` is shown instead) and
    its deductions followed by its bonuses."""

    level1: SheetGroup | None
    level2: SheetGroup | None
    name: str
    points: float | None
    score: float | None
    note: str
    lines: tuple[SheetLine, ...]


@dataclass(frozen=True, slots=True)
class ScorecardSheet:
    """A scorecard as the sheet shows it: rows in table order, total and maximum (分),
    the grade, and how many proposed deductions still wait for a decision."""

    rows: tuple[SheetRow, ...]
    total: float
    maximum: float
    grade: str
    pending: int


def scorecard_xlsx(card: ScorecardSheet, title: str = "考核评分表") -> bytes:
    """The workbook's bytes: a title row, the header row, one row per level-3 indicator,
    then 合计 (total / max, 分) and 等级 rows."""
    book = Workbook()
    sheet: Worksheet = book.active  # type: ignore[assignment]
    sheet.title = "评分表"
    _write_head(sheet, title)
    row = _FIRST_ROW
    for number, item in enumerate(card.rows, start=1):
        _write_item(sheet, row, number, item)
        row += 1
    _merge_groups(sheet, card.rows)
    _write_totals(sheet, row, card)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_head(sheet: Worksheet, title: str) -> None:
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    for column, (header, width) in enumerate(zip(HEADERS, _WIDTHS, strict=True), start=1):
        sheet.cell(row=2, column=column, value=header).font = Font(bold=True)
        sheet.column_dimensions[chr(64 + column)].width = width


def _with_points(name: str, points: float | None) -> str:
    return name if points is None else f"{name}（{_number(points)}分）"


def _number(value: float) -> str:
    return f"{value:g}"


def _group(row: SheetRow, level: int) -> SheetGroup | None:
    return row.level1 if level == 1 else row.level2


def _line_text(line: SheetLine) -> str:
    parts = [f"{_number(line.points)}分：{line.event}"]
    if line.unit:
        parts.append(f"单位：{line.unit}")
    if line.reason:
        parts.append(f"理由：{line.reason}")
    parts.append(f"依据：{line.rule}")
    return "；".join(parts)


def _write_item(sheet: Worksheet, row: int, number: int, item: SheetRow) -> None:
    level1 = item.level1
    level2 = item.level2
    lines = [_line_text(line) for line in item.lines]
    values = (
        number,
        level1.name if level1 else "",
        level2.name if level2 else "",
        _with_points(item.name, item.points),
        item.score if item.score is not None else item.note,
        "\n".join(lines),
    )
    for column, value in enumerate(values, start=1):
        sheet.cell(row=row, column=column, value=value).alignment = _WRAP


def _merge_groups(sheet: Worksheet, items: tuple[SheetRow, ...]) -> None:
    for column, level in ((2, 1), (3, 2)):
        start = 0
        for index in range(1, len(items) + 1):
            here = _group(items[index - 1], level) if index <= len(items) else None
            following = _group(items[index], level) if index < len(items) else None
            if following is not None and here is not None and following.id == here.id:
                continue
            if index - 1 > start:
                sheet.merge_cells(
                    start_row=_FIRST_ROW + start,
                    start_column=column,
                    end_row=_FIRST_ROW + index - 1,
                    end_column=column,
                )
            start = index


def _write_totals(sheet: Worksheet, row: int, card: ScorecardSheet) -> None:
    sheet.cell(row=row, column=1, value="合计").font = Font(bold=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    sheet.cell(row=row, column=4, value=f"满分{_number(round(card.maximum, 2))}分")
    sheet.cell(row=row, column=5, value=round(card.total, 2)).font = Font(bold=True)
    if card.pending:
        sheet.cell(row=row, column=6, value=f"另有{card.pending}项建议扣分待审定，未计入")
    sheet.cell(row=row + 1, column=1, value="等级").font = Font(bold=True)
    sheet.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=3)
    sheet.cell(row=row + 1, column=5, value=card.grade)
