"""The ledger (台账) and the league table (排名) as .xlsx, in the layout offices send
upward (issue 13 §3).

Ledger: a title row, then the header of the office's own table — 主要举措 over two
columns (category, measure), 责任分解, 时间进度, 牵头单位, 配合单位 — followed by 序时进度,
实际, 状态. Category and measure cells are merged over their consecutive task rows as in
the Cixi table; the state cell is filled with the state's colour and says the state in
words; the header rows are frozen and repeated on every printed page; A3 landscape,
fitted to the page width. Written from plain rows that the services prepare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tracker.domain.lag import LAG_COLOURS, LAG_LABELS, LagState

LEDGER_HEADERS = (
    "主要举措",
    "",
    "责任分解",
    "时间进度",
    "牵头单位",
    "配合单位",
    "序时进度",
    "实际",
    "状态",
)
_LEDGER_WIDTHS = (18, 20, 44, 30, 16, 22, 10, 10, 10)
LEAGUE_HEADERS = (
    "名次",
    "较上期",
    "单位",
    "正常",
    "滞后",
    "未达标",
    "逾期未报",
    "正常率（%）",
    "按时报送率（%）",
    "平均迟报（工作日）",
    "未办结督办单",
    "未回复批示",
)
_LEAGUE_WIDTHS = (6, 8, 24, 7, 7, 7, 9, 11, 13, 14, 12, 10)

#: Light fills an office uses in its tables, by the state's colour (text stays dark).
FILLS: dict[str, str] = {
    "green": "C6EFCE",
    "yellow": "FFEB9C",
    "red": "FFC7CE",
    "blue": "BDD7EE",
    "grey": "D9D9D9",
    "teal": "B7E1DA",
}
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="EEF2F6")


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One task row: its category and measure (ids decide the merges), texts, values."""

    category_id: int
    category: str
    measure_id: int
    measure: str
    task: str
    schedule: str
    lead_units: str
    cooperating_units: str
    expected: float | None
    actual: float | None
    state: LagState


@dataclass(frozen=True, slots=True)
class LeagueLine:
    """One unit of the league table (``rank`` None: nothing due, listed after the rest)."""

    rank: int | None
    rank_change: int | None
    unit: str
    on_track: int
    behind: int
    missed: int
    overdue: int
    score: float | None
    on_time_percent: float | None
    average_late_workdays: float | None
    open_notices: int
    unanswered: int


def state_fill(state: LagState) -> PatternFill:
    """The cell fill of ``state``."""
    return PatternFill("solid", fgColor=FILLS[LAG_COLOURS[state]])


def ledger_xlsx(title: str, subtitle: str, lines: Sequence[LedgerLine]) -> bytes:
    """The ledger workbook's bytes."""
    book = Workbook()
    sheet: Worksheet = book.active  # type: ignore[assignment]
    sheet.title = "台账"
    _head(sheet, title, subtitle, LEDGER_HEADERS, _LEDGER_WIDTHS)
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=2)
    for offset, line in enumerate(lines):
        row = 4 + offset
        values = (
            line.category,
            line.measure,
            line.task,
            line.schedule,
            line.lead_units,
            line.cooperating_units,
            _value(line.expected),
            _value(line.actual),
            LAG_LABELS[line.state],
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = _CENTRE if column >= 7 else _WRAP
            cell.border = _BOX
        sheet.cell(row=row, column=9).fill = state_fill(line.state)
    _merge_runs(sheet, 1, [line.category_id for line in lines])
    _merge_runs(sheet, 2, [line.measure_id for line in lines])
    _print_setup(sheet, "1:3")
    sheet.freeze_panes = "C4"
    return _bytes(book)


@dataclass(frozen=True, slots=True)
class FigureSheet:
    """A further sheet of plain figures: its name, header and rows."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str | int | float | None, ...], ...]


def league_xlsx(
    title: str,
    subtitle: str,
    lines: Sequence[LeagueLine],
    figures: Sequence[FigureSheet] = (),
) -> bytes:
    """The league table workbook's bytes, then one sheet per ``figures`` table."""
    book = Workbook()
    sheet: Worksheet = book.active  # type: ignore[assignment]
    sheet.title = "单位排名"
    _head(sheet, title, subtitle, LEAGUE_HEADERS, _LEAGUE_WIDTHS)
    for offset, line in enumerate(lines):
        values = (
            line.rank if line.rank is not None else "不参与排名",
            _change(line.rank_change),
            line.unit,
            line.on_track,
            line.behind,
            line.missed,
            line.overdue,
            line.score,
            line.on_time_percent,
            line.average_late_workdays,
            line.open_notices,
            line.unanswered,
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=4 + offset, column=column, value=value)
            cell.alignment = _WRAP if column == 3 else _CENTRE
            cell.border = _BOX
    _print_setup(sheet, "1:3")
    sheet.freeze_panes = "D4"
    for figure in figures:
        extra = book.create_sheet(figure.name)
        widths = [24] + [10] * (len(figure.headers) - 1)
        _head(extra, f"{title}（{figure.name}）", subtitle, figure.headers, widths)
        for offset, row in enumerate(figure.rows):
            for column, item in enumerate(row, start=1):
                cell = extra.cell(row=4 + offset, column=column, value=item)
                cell.border = _BOX
        _print_setup(extra, "1:3")
        extra.freeze_panes = "B4"
    return _bytes(book)


def _head(
    sheet: Worksheet,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    widths: Sequence[int],
) -> None:
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=16)
    sheet.cell(row=1, column=1).alignment = _CENTRE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.cell(row=2, column=1, value=subtitle).alignment = Alignment(horizontal="right")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=3, column=column, value=header or None)
        cell.font = Font(bold=True)
        cell.alignment = _CENTRE
        cell.fill = _HEAD_FILL
        cell.border = _BOX
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[1].height = 30


def _merge_runs(sheet: Worksheet, column: int, keys: Sequence[int]) -> None:
    """Merge the cells of ``column`` over each run of equal keys (rows from 4)."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            if index - start > 1:
                sheet.merge_cells(
                    start_row=4 + start, start_column=column, end_row=3 + index, end_column=column
                )
            start = index


def _print_setup(sheet: Worksheet, title_rows: str) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True


def _value(value: float | None) -> float | str:
    return "—" if value is None else round(value, 2)


def _change(value: int | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "持平"
    return f"↑{value}" if value > 0 else f"↓{-value}"


def _bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
