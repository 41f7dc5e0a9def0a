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

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tracker.domain.units import UnitName, split_units
from tracker.io.containers import ContainerLimits
from tracker.io.responsibility_header import (
    ColumnChoice,
    HeaderUnknown,
    PlanColumns,
    candidate_header,
    find_header,
    plan_columns,
)
from tracker.io.table_grid import (
    LINE_SPLIT_RE,
    Grid,
    GridCell,
    GridRow,
    HeaderField,
    TableReadError,
    header_fields,
    header_key,
    is_blank_row,
    normalise_text,
    read_grids,
    repeats_header,
)

__all__ = [
    "Grid",
    "GridCell",
    "GridRow",
    "HeaderField",
    "HeaderUnknown",
    "PlanRow",
    "ResponsibilityTable",
    "TableReadError",
    "header_fields",
    "header_key",
    "is_blank_row",
    "normalise_text",
    "read_grids",
    "read_responsibility_table",
    "repeats_header",
]

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


def read_responsibility_table(
    path: Path, limits: ContainerLimits | None = None, choice: ColumnChoice | None = None
) -> ResponsibilityTable:
    """Read the responsibility table of a .docx or .xlsx file.

    Args:
        path: the file; its suffix chooses the reader.
        limits: the container's limits (:func:`read_grids`; None: the defaults).
        choice: the office's column choice (header key → role), applied before the known
            names.

    Returns:
        ResponsibilityTable(title, rows, source=path.name).

    Raises:
        TableReadError: unsupported suffix, unreadable/corrupt file, no table, no header
            row, a missing task / schedule / lead column (both :class:`HeaderUnknown`,
            with the candidate header's labels), or a task row with an empty task cell
            (the error names the row and the column).
    """
    path = Path(path)
    return _interpret(read_grids(path, limits), path.name, choice)


# ---------------------------------------------------------------------------
# rows

_CATEGORY_HEADING_RE = re.compile(r"^(（[一二三四五六七八九十百]+）|[一二三四五六七八九十百]+、)")
_MEASURE_HEADING_RE = re.compile(r"^(\d+\s*[.、．]|（\d+）|\(\d+\))")
_ATTACHMENT_RE = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*\s*[:：]?$")


@dataclass
class _Grouping:
    """The category / measure in force while walking down the table."""

    category: str = ""
    measure: str = ""


def _interpret(grids: list[Grid], file: str, choice: ColumnChoice | None) -> ResponsibilityTable:
    if not grids:
        raise TableReadError("文件中没有表格", file)
    for grid in grids:
        header_index = find_header(grid, choice)
        if header_index is not None:
            columns = plan_columns(grid, header_index, file, choice)
            rows = tuple(_plan_rows(grid, columns, file))
            return ResponsibilityTable(_title(grid, header_index), rows, file)
    message = "未找到表头（需要「责任分解」「时间进度」「牵头单位」「配合单位」等列名）"
    for grid in grids:
        found = candidate_header(grid)
        if found is not None:
            index, labels = found
            raise HeaderUnknown(message, file, grid.rows[index].number, labels)
    raise TableReadError(message, file)


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


def _plan_rows(grid: Grid, columns: PlanColumns, file: str) -> Iterator[PlanRow]:
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


def _continues_header(row: GridRow, header: GridRow, columns: PlanColumns) -> bool:
    """A further header row: its task cell is the header's task cell merged downwards."""
    return row.cells[columns.task].origin == header.cells[columns.task].origin


def _is_single_cell(row: GridRow, columns: PlanColumns) -> bool:
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


def _update_grouping(row: GridRow, grouping: _Grouping, columns: PlanColumns) -> None:
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
    for line in filter(None, (line.strip() for line in LINE_SPLIT_RE.split(cell.text))):
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


def _plan_row(row: GridRow, grouping: _Grouping, columns: PlanColumns, file: str) -> PlanRow:
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
