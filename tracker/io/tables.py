"""Read a responsibility table (重点任务责任分工表, .docx or .xlsx) into plain rows.

The reader finds the header row by its names, resolves merged cells the way the document
means them (a vertically merged unit cell applies to every row it spans), and returns one
PlanRow per task. Both formats first become a grid of GridCell (text + merge origin) so
the interpretation below is shared.

Decisions on ambiguous tables:

* Blank category / measure cells carry the current category / measure forward (they are
  grouping columns); blank schedule and unit cells stay blank unless merged.
* A row holding only a heading such as "（二）…" or "3.…" (alone or merged across the row)
  sets the current category / measure and is not a task. Other rows that are a single
  cell merged across the whole width (notes such as "注：…") are skipped.
* A header "责任单位" on its own means the lead units; over sub-headers 牵头 / 配合 it
  names both unit columns.
* The title drops bare attachment labels ("附件", "附件2：").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.table import Table, _Cell
from openpyxl.worksheet.worksheet import Worksheet

from tracker.domain.units import UnitName, split_units

# ---------------------------------------------------------------------------
# public shapes


@dataclass(frozen=True)
class PlanRow:
    """One task row of a responsibility table.

    row_number is the row as the user sees it: the 1-based table row in Word (header is
    row 1 when it is the table's first row), the sheet row number in Excel. Text fields
    are whitespace-normalised; unit cells are split into UnitName.
    """

    row_number: int
    category: str
    measure: str
    task: str
    schedule: str
    lead_units: tuple[UnitName, ...]
    cooperating_units: tuple[UnitName, ...]


@dataclass(frozen=True)
class ResponsibilityTable:
    """A whole table: its title, its task rows in order and the source file name."""

    title: str
    rows: tuple[PlanRow, ...]
    source: str


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


def read_responsibility_table(path: Path) -> ResponsibilityTable:
    """Read the responsibility table of a .docx or .xlsx file.

    Args:
        path: the file; its suffix chooses the reader.

    Returns:
        ResponsibilityTable(title, rows, source=path.name).

    Raises:
        TableReadError: unsupported suffix, unreadable/corrupt file, no table, no header
            row, a missing task / schedule / lead column, or a task row with an empty
            task cell (the error names the row and the column).
    """
    path = Path(path)
    return _interpret(read_grids(path), path.name)


def read_grids(path: Path) -> list[Grid]:
    """Every table of a .docx (in order) or sheet of a .xlsx (active first) as a Grid.

    Raises:
        TableReadError: unsupported suffix or an unreadable/corrupt file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
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
    active = workbook.active
    sheets = [ws for ws in workbook.worksheets if ws is active]
    sheets += [ws for ws in workbook.worksheets if ws is not active]
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
# header

_CATEGORY_NAMES = ("主要举措", "主要任务", "重点任务")
_TASK_NAMES = ("责任分解", "具体措施", "工作任务")
_TASK_FALLBACK = "重点任务"
_SCHEDULE_NAMES = ("时间进度", "完成时限", "时间节点")
_LEAD_NAMES = ("牵头单位", "责任单位（牵头）", "牵头部门")
_COOP_NAMES = ("配合单位", "责任单位（配合）", "配合部门")
_UNIT_GROUP_NAMES = ("责任单位", "责任部门")
_LEAD_SUBHEADERS = ("牵头", "牵头单位", "牵头部门")
_COOP_SUBHEADERS = ("配合", "配合单位", "配合部门")
_NUMBER_NAMES = ("序号",)
_KNOWN_NAMES = frozenset(
    _CATEGORY_NAMES
    + _TASK_NAMES
    + _SCHEDULE_NAMES
    + _LEAD_NAMES
    + _COOP_NAMES
    + _UNIT_GROUP_NAMES
    + _NUMBER_NAMES
)
_HEADER_SCAN_ROWS = 50


def header_key(text: str) -> str:
    """Header text compared after removing whitespace and unifying parentheses."""
    key = re.sub(r"\s+", "", text)
    return key.replace("(", "（").replace(")", "）").rstrip(":：")


@dataclass(frozen=True)
class _Columns:
    """Grid column indexes of each role; header_rows is how many rows the header takes."""

    task: int
    schedule: int
    lead: int
    cooperating: int | None
    category: int | None
    measure: int | None
    labels: dict[int, str]
    header_index: int
    header_rows: int


@dataclass(frozen=True)
class HeaderField:
    """A header cell: its key, display label and the grid columns it spans."""

    key: str
    label: str
    columns: tuple[int, ...]


def _find_header(grid: Grid) -> int | None:
    for index, row in enumerate(grid.rows[:_HEADER_SCAN_ROWS]):
        keys = {header_key(cell.text) for cell in row.cells}
        if len(keys & _KNOWN_NAMES) >= 2:
            return index
    return None


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


def _columns(grid: Grid, header_index: int, file: str) -> _Columns:
    fields = header_fields(grid.rows[header_index])
    subheaders = _unit_subheaders(grid, header_index, fields)
    roles: dict[str, int] = dict(subheaders)
    labels: dict[int, str] = {}
    for field in fields:
        for column in field.columns:
            labels.setdefault(column, field.label)
    _assign(roles, fields, "schedule", _SCHEDULE_NAMES)
    _assign(roles, fields, "lead", _LEAD_NAMES)
    _assign(roles, fields, "cooperating", _COOP_NAMES)
    if "lead" not in roles:
        _assign(roles, fields, "lead", _UNIT_GROUP_NAMES)
    _assign(roles, fields, "task", _TASK_NAMES)
    if "task" not in roles:
        _assign(roles, fields, "task", (_TASK_FALLBACK,))
    _assign_categories(roles, fields)
    for column, label in _subheader_labels(grid, header_index, subheaders).items():
        labels[column] = label
    _require(roles, file, grid.rows[header_index].number)
    return _Columns(
        task=roles["task"],
        schedule=roles["schedule"],
        lead=roles["lead"],
        cooperating=roles.get("cooperating"),
        category=roles.get("category"),
        measure=roles.get("measure"),
        labels=labels,
        header_index=header_index,
        header_rows=2 if subheaders else 1,
    )


def _assign(
    roles: dict[str, int], fields: list[HeaderField], role: str, names: Sequence[str]
) -> None:
    """Give role the first field (in names order) whose column is still free."""
    if role in roles:
        return
    taken = set(roles.values())
    for name in names:
        for field in fields:
            if field.key == name and field.columns[0] not in taken:
                roles[role] = field.columns[0]
                return


def _assign_categories(roles: dict[str, int], fields: list[HeaderField]) -> None:
    """One field spanning two columns, or two category-like fields: category + measure."""
    taken = set(roles.values())
    candidates = [
        field for field in fields if field.key in _CATEGORY_NAMES and field.columns[0] not in taken
    ]
    if not candidates:
        return
    first = candidates[0]
    roles["category"] = first.columns[0]
    if len(first.columns) >= 2:
        roles["measure"] = first.columns[1]
    elif len(candidates) >= 2:
        roles["measure"] = candidates[1].columns[0]


def _unit_subheaders(grid: Grid, header_index: int, fields: list[HeaderField]) -> dict[str, int]:
    """Two-row header: 责任单位 over 牵头 / 配合 → {"lead": col, "cooperating": col}."""
    if header_index + 1 >= len(grid.rows):
        return {}
    below = grid.rows[header_index + 1].cells
    roles: dict[str, int] = {}
    for field in fields:
        if field.key not in _UNIT_GROUP_NAMES:
            continue
        for column in field.columns:
            key = header_key(below[column].text)
            if key in _LEAD_SUBHEADERS:
                roles.setdefault("lead", column)
            elif key in _COOP_SUBHEADERS:
                roles.setdefault("cooperating", column)
    return roles


def _subheader_labels(grid: Grid, header_index: int, subheaders: dict[str, int]) -> dict[int, str]:
    """Display labels of two-row unit columns, e.g. 责任单位（牵头）."""
    top = grid.rows[header_index].cells
    below = grid.rows[header_index + 1].cells if subheaders else ()
    return {
        column: f"{header_key(top[column].text)}（{header_key(below[column].text)}）"
        for column in subheaders.values()
    }


_REQUIRED = (
    ("task", "责任分解", (*_TASK_NAMES, _TASK_FALLBACK)),
    ("schedule", "时间进度", _SCHEDULE_NAMES),
    ("lead", "牵头单位", _LEAD_NAMES),
)


def _require(roles: dict[str, int], file: str, header_row: int) -> None:
    """Raise one error listing every missing required column."""
    missing = [
        f"缺少「{label}」列（可写作：{'、'.join(names)}）"
        for role, label, names in _REQUIRED
        if role not in roles
    ]
    if missing:
        raise TableReadError("表头" + "；".join(missing), file, row=header_row)


# ---------------------------------------------------------------------------
# rows

_CATEGORY_HEADING_RE = re.compile(r"^(（[一二三四五六七八九十百]+）|[一二三四五六七八九十百]+、)")
_MEASURE_HEADING_RE = re.compile(r"^(\d+\s*[.、．]|（\d+）|\(\d+\))")
_ATTACHMENT_RE = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*\s*[:：]?$")
_CJK_OR_FULLWIDTH = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]")
_LINE_SPLIT_RE = re.compile(r"[\r\n\v\f\u2028\u2029\x85]+")
_SPACE_RUN_RE = re.compile(r"[ \t\u3000\xa0]+")


def normalise_text(text: str) -> str:
    """Join lines (no space between Chinese text) and collapse runs of spaces."""
    lines = [line.strip(" \t\u3000\xa0") for line in _LINE_SPLIT_RE.split(text)]
    joined = ""
    for line in filter(None, lines):
        if joined and not (_CJK_OR_FULLWIDTH.match(joined[-1]) or _CJK_OR_FULLWIDTH.match(line[0])):
            joined += " "
        joined += line
    return _SPACE_RUN_RE.sub(" ", joined).strip()


@dataclass
class _Grouping:
    """The category / measure in force while walking down the table."""

    category: str = ""
    measure: str = ""


def _interpret(grids: list[Grid], file: str) -> ResponsibilityTable:
    if not grids:
        raise TableReadError("文件中没有表格", file)
    for grid in grids:
        header_index = _find_header(grid)
        if header_index is not None:
            columns = _columns(grid, header_index, file)
            rows = tuple(_plan_rows(grid, columns, file))
            return ResponsibilityTable(_title(grid, header_index), rows, file)
    raise TableReadError(
        "未找到表头（需要「责任分解」「时间进度」「牵头单位」「配合单位」等列名）", file
    )


def _title(grid: Grid, header_index: int) -> str:
    """Paragraphs before the table and rows above the header, without 附件 labels."""
    lines = list(grid.title_lines)
    seen: set[tuple[int, int]] = set()
    for row in grid.rows[:header_index]:
        for cell in row.cells:
            if cell.text.strip() and cell.origin not in seen:
                seen.add(cell.origin)
                lines.append(cell.text)
    kept = [line for line in lines if line.strip() and not _ATTACHMENT_RE.match(line.strip())]
    return normalise_text("\n".join(kept))


def _plan_rows(grid: Grid, columns: _Columns, file: str) -> Iterator[PlanRow]:
    grouping = _Grouping()
    header = grid.rows[columns.header_index]
    for row in grid.rows[columns.header_index + columns.header_rows :]:
        if (
            is_blank_row(row)
            or repeats_header(row, header)
            or _continues_header(row, header, columns)
        ):
            continue
        if _is_single_cell(row, columns):
            _apply_heading(row, grouping)
            continue
        _update_grouping(row, grouping, columns)
        yield _plan_row(row, grouping, columns, file)


def is_blank_row(row: GridRow) -> bool:
    return not any(cell.text.strip() for cell in row.cells)


def repeats_header(row: GridRow, header: GridRow) -> bool:
    """A header repeated on a later page (Excel print titles, copied tables)."""
    return [header_key(c.text) for c in row.cells] == [header_key(c.text) for c in header.cells]


def _continues_header(row: GridRow, header: GridRow, columns: _Columns) -> bool:
    """A further header row: its task cell is the header's task cell merged downwards."""
    return row.cells[columns.task].origin == header.cells[columns.task].origin


def _is_single_cell(row: GridRow, columns: _Columns) -> bool:
    """A row whose only text is one cell: a heading, or a note merged across the row."""
    filled = [cell for cell in row.cells if cell.text.strip()]
    if len({cell.origin for cell in filled}) != 1:
        return False
    task_cell = row.cells[columns.task]
    spans_row = len(filled) == len(row.cells)
    if spans_row:
        return True
    return not task_cell.text.strip() and _heading_kind(filled[0].text) is not None


def _apply_heading(row: GridRow, grouping: _Grouping) -> None:
    """Set the category / measure from a heading row; other single-cell rows are notes."""
    text = next(cell.text for cell in row.cells if cell.text.strip())
    kind = _heading_kind(text)
    if kind == "category":
        grouping.category, grouping.measure = normalise_text(text), ""
    elif kind == "measure":
        grouping.measure = normalise_text(text)


def _heading_kind(text: str) -> str | None:
    stripped = text.strip()
    if _CATEGORY_HEADING_RE.match(stripped):
        return "category"
    if _MEASURE_HEADING_RE.match(stripped):
        return "measure"
    return None


def _update_grouping(row: GridRow, grouping: _Grouping, columns: _Columns) -> None:
    if columns.category is None:
        return
    if columns.measure is None:
        _update_single_column(row.cells[columns.category], grouping)
        return
    category = normalise_text(row.cells[columns.category].text)
    measure = normalise_text(row.cells[columns.measure].text)
    if category and category != grouping.category:
        grouping.category, grouping.measure = category, ""
    if measure:
        grouping.measure = measure


def _update_single_column(cell: GridCell, grouping: _Grouping) -> None:
    """One grouping column: "（一）…"/"一、…" lines are categories, "1.…"/"（1）…" measures.

    Parsing is idempotent, so a merged cell read again on the rows it spans changes nothing.
    """
    current: str | None = None
    parts: dict[str, str] = {}
    for line in filter(None, (line.strip() for line in _LINE_SPLIT_RE.split(cell.text))):
        kind = _heading_kind(line)
        if kind is not None:
            current = kind
            parts[kind] = line
        elif current is None:
            current = "category"  # unnumbered text in the grouping column names a category
            parts[current] = line
        else:
            parts[current] = normalise_text(parts[current] + "\n" + line)
    if "category" in parts:
        grouping.category = normalise_text(parts["category"])
        grouping.measure = ""
    if "measure" in parts:
        grouping.measure = normalise_text(parts["measure"])


def _plan_row(row: GridRow, grouping: _Grouping, columns: _Columns, file: str) -> PlanRow:
    task = normalise_text(row.cells[columns.task].text)
    if not task:
        raise TableReadError(
            "任务内容为空", file, row=row.number, column=columns.labels[columns.task]
        )
    cooperating = (
        split_units(row.cells[columns.cooperating].text) if columns.cooperating is not None else []
    )
    return PlanRow(
        row_number=row.number,
        category=grouping.category,
        measure=grouping.measure,
        task=task,
        schedule=normalise_text(row.cells[columns.schedule].text),
        lead_units=tuple(split_units(row.cells[columns.lead].text)),
        cooperating_units=tuple(cooperating),
    )
