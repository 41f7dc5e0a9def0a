"""The grid both table readers share (responsibility and indicator tables).

A .docx table or a .xlsx sheet becomes a :class:`Grid` of :class:`GridCell` (text + the
(row, column) where its merge starts), so the readers interpret merged cells the same way
whatever the format. The text and header helpers here are shared by both readers too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import docx
import openpyxl
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.table import Table, _Cell
from openpyxl.worksheet.worksheet import Worksheet

from tracker.io.containers import (
    ContainerLimits,
    ContainerRefused,
    NotAContainer,
    check_container,
)


class TableReadError(ValueError):
    """A table that cannot be read; str() reads like "a.xlsx 第12行「责任分解」列：任务内容为空"."""

    def __init__(
        self, message: str, file: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column is not None:
            where += f"「{self.column}」列"
        return f"{where}：{self.message}"


def read_grids(path: Path, limits: ContainerLimits | None = None) -> list[Grid]:
    """Every table of a .docx (in order) or sheet of a .xlsx (active first) as a Grid.

    The file is checked against ``limits`` (members, inflated size, compression ratio, a
    sheet's rows and columns) before any parser opens it.

    Raises:
        TableReadError: unsupported suffix, a file over a limit, or an unreadable file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".docx", ".xlsx"):
        try:
            check_container(path, path.name, limits or ContainerLimits())
        except NotAContainer:
            pass  # the parser below names the file as not a Word/Excel document
        except ContainerRefused as error:
            raise TableReadError(str(error), path.name) from error
    if suffix == ".docx":
        return _docx_grids(path)
    if suffix == ".xlsx":
        return _xlsx_grids(path)
    raise TableReadError(
        f"不支持的文件类型「{path.suffix or '无扩展名'}」，请上传 .docx 或 .xlsx 文件",
        path.name,
    )


# ---------------------------------------------------------------------------
# the shared grid


@dataclass(frozen=True)
class GridCell:
    """A cell after merge resolution: its text and the (row, column) where its merge starts."""

    text: str
    origin: tuple[int, int]


@dataclass(frozen=True)
class GridRow:
    """A grid row; number is the row as the user sees it (Word table row, Excel sheet row)."""

    number: int
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class Grid:
    """One table of a file: rows of equal width and the text written above the table."""

    rows: tuple[GridRow, ...]
    title_lines: tuple[str, ...]


def _empty(row: int, column: int) -> GridCell:
    return GridCell("", (row, column))


# ---------------------------------------------------------------------------
# Word


def _docx_grids(path: Path) -> list[Grid]:
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises many types for a broken package
        raise TableReadError("无法打开文件，不是有效的 Word (.docx) 文档", path.name) from error
    body = document.element.body
    grids: list[Grid] = []
    paragraphs: list[str] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            grids.append(_docx_grid(Table(child, document), tuple(paragraphs)))
            paragraphs = []
    return grids


def _docx_grid(table: Table, title_lines: tuple[str, ...]) -> Grid:
    """Walk the table's w:tc elements (not row.cells, which repeats merged cells)."""
    trs = list(table._tbl.tr_lst)
    width = max((_docx_row_width(tr) for tr in trs), default=0)
    # per grid column: the cell where the current vertical merge started
    starts: dict[int, GridCell] = {}
    rows: list[GridRow] = []
    for row_index, tr in enumerate(trs):
        cells = [_empty(row_index, column) for column in range(width)]
        column = tr.grid_before
        for tc in tr.tc_lst:
            text = _Cell(tc, table).text
            own = GridCell(text, (row_index, column))
            for offset in range(tc.grid_span):
                if column + offset >= width:
                    break
                if tc.vMerge == "continue":
                    cell = starts.get(column + offset, _empty(row_index, column + offset))
                else:
                    cell = own
                    starts[column + offset] = own
                cells[column + offset] = cell
            column += tc.grid_span
        rows.append(GridRow(row_index + 1, tuple(cells)))
    return Grid(tuple(rows), title_lines)


def _docx_row_width(tr: CT_Row) -> int:
    return tr.grid_before + sum(tc.grid_span for tc in tr.tc_lst) + tr.grid_after


# ---------------------------------------------------------------------------
# Excel


def _xlsx_grids(path: Path) -> list[Grid]:
    try:
        # read_only=False: merged ranges are only known in the full model
        workbook = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken package
        raise TableReadError("无法打开文件，不是有效的 Excel (.xlsx) 工作簿", path.name) from error
    # read_only=False: every worksheet is a full Worksheet
    worksheets = cast("list[Worksheet]", workbook.worksheets)
    active = workbook.active
    sheets: list[Worksheet] = [ws for ws in worksheets if ws is active]
    sheets += [ws for ws in worksheets if ws is not active]
    return [_xlsx_grid(sheet) for sheet in sheets]


def _xlsx_grid(sheet: Worksheet) -> Grid:
    """The sheet as a grid; every cell of a merged range reads its top-left value."""
    width = sheet.max_column
    origins: dict[tuple[int, int], tuple[int, int]] = {}
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                origins[(row, column)] = (merged.min_row, merged.min_col)
    rows: list[GridRow] = []
    for row in range(1, sheet.max_row + 1):
        cells = []
        for column in range(1, width + 1):
            origin = origins.get((row, column), (row, column))
            value = sheet.cell(origin[0], origin[1]).value
            cells.append(GridCell(_excel_text(value), origin))
        rows.append(GridRow(row, tuple(cells)))
    return Grid(tuple(rows), ())


def _excel_text(value: object) -> str:
    """Cell value → text as a user reads it ("7" not "7.0", dates in Chinese)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


# ---------------------------------------------------------------------------
# text and header helpers

_CJK_OR_FULLWIDTH = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]")
#: Line breaks Word and Excel put in a cell's text (both readers split cells on these).
LINE_SPLIT_RE = re.compile(r"[\r\n\v\f\u2028\u2029\x85]+")
_SPACE_RUN_RE = re.compile(r"[ \t\u3000\xa0]+")


def normalise_text(text: str) -> str:
    """Join lines (no space between Chinese text) and collapse runs of spaces."""
    lines = [line.strip(" \t\u3000\xa0") for line in LINE_SPLIT_RE.split(text)]
    joined = ""
    for line in filter(None, lines):
        if joined and not (_CJK_OR_FULLWIDTH.match(joined[-1]) or _CJK_OR_FULLWIDTH.match(line[0])):
            joined += " "
        joined += line
    return _SPACE_RUN_RE.sub(" ", joined).strip()


def header_key(text: str) -> str:
    """Header text compared after removing whitespace and unifying parentheses."""
    key = re.sub(r"\s+", "", text)
    return key.replace("(", "（").replace(")", "）").rstrip(":：")


@dataclass(frozen=True)
class HeaderField:
    """A header cell: its key, display label and the grid columns it spans."""

    key: str
    label: str
    columns: tuple[int, ...]


def header_fields(row: GridRow) -> list[HeaderField]:
    """Group the header row's columns by merge origin (one field per header cell)."""
    fields: list[HeaderField] = []
    for column, cell in enumerate(row.cells):
        if fields and row.cells[fields[-1].columns[-1]].origin == cell.origin:
            last = fields[-1]
            fields[-1] = HeaderField(last.key, last.label, (*last.columns, column))
        elif cell.text.strip():
            label = re.sub(r"\s+", "", cell.text)
            fields.append(HeaderField(header_key(cell.text), label, (column,)))
    return fields


def is_blank_row(row: GridRow) -> bool:
    """True when no cell of the row holds text."""
    return not any(cell.text.strip() for cell in row.cells)


def repeats_header(row: GridRow, header: GridRow) -> bool:
    """A header repeated on a later page (Excel print titles, copied tables)."""
    return [header_key(c.text) for c in row.cells] == [header_key(c.text) for c in header.cells]
