"""Read an indicator table (考核指标表/评分表, .docx or .xlsx) into level-3 indicator rows.

The grid (merge resolution of Word vMerge/gridSpan and Excel merged ranges) and the header
helpers come from :mod:`tracker.io.table_grid`, the column roles from
:mod:`tracker.io.indicator_header`; this module groups the rows of one level-3 indicator.

Decisions on ambiguous tables:

* Consecutive rows belong to the same level-3 indicator when its cell is one merged cell,
  or when they repeat the same level-1/2/3 names and the same 序号 (unmerged sheets).
* Blank level-1 / level-2 cells carry the current one forward (grouping columns).
* A scoring field spanning two grid columns ("评分要点和操作指南") holds a label cell
  ("评分要点" / "检查要求") and the content cell; rows labelled 检查要求 (or 检查方法 …) are
  inspection requirements, all others scoring lines. Every non-empty line of a scoring
  cell is one scoring line.
* Points come from "（15分）" / "(15 分)" at the end of a name (removed from the name) or,
  for level 3, from a points column (分值 / 分数 / 标准分); None when the table gives none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tracker.domain.units import UnitName, split_units
from tracker.io.containers import ContainerLimits
from tracker.io.indicator_header import (
    INSPECTION_NAMES,
    IndicatorColumns,
    find_header,
    indicator_columns,
)
from tracker.io.table_grid import (
    LINE_SPLIT_RE,
    Grid,
    GridCell,
    GridRow,
    TableReadError,
    header_key,
    is_blank_row,
    normalise_text,
    read_grids,
    repeats_header,
)

# ---------------------------------------------------------------------------
# public shapes


@dataclass(frozen=True)
class IndicatorRow:
    """One level-3 indicator with its level-1/2 parents, as read from the rows it spans.

    row_number is the first row of the indicator as the user sees it (Word table row,
    Excel sheet row). Names are whitespace-normalised with their points marker removed.
    """

    row_number: int
    level1: str
    level2: str
    level3: str
    points: float | None
    key_points: str
    scoring_lines: tuple[str, ...]
    inspection: tuple[str, ...]
    units: tuple[UnitName, ...]
    code: str = ""
    level1_points: float | None = None
    level2_points: float | None = None
    #: A 加分项 (bonus item): its points cap a bonus and are not part of the maximum.
    bonus: bool = False


@dataclass(frozen=True)
class IndicatorTable:
    """A whole indicator table: title, source file name and its level-3 rows in order."""

    title: str
    source: str
    rows: tuple[IndicatorRow, ...]


def read_indicator_table(path: Path, limits: ContainerLimits | None = None) -> IndicatorTable:
    """Read the indicator table of a .docx or .xlsx file, checked against ``limits``
    (:func:`~tracker.io.table_grid.read_grids`; None: the defaults).

    Raises:
        TableReadError: unsupported or unreadable file, no table, no header, a missing
            level column, an empty level-3 cell on a row with content, an unreadable points
            value, or no indicator at all (errors name the file, row and column).
    """
    path = Path(path)
    grids = read_grids(path, limits)
    if not grids:
        raise TableReadError("文件中没有表格", path.name)
    for grid in grids:
        header_index = find_header(grid)
        if header_index is not None:
            columns = indicator_columns(grid, header_index, path.name)
            rows = tuple(_indicator_rows(grid, columns, path.name))
            if not rows:
                raise TableReadError("表格中没有指标", path.name)
            return IndicatorTable(_title(grid, header_index), path.name, rows)
    raise TableReadError(
        "未找到表头（需要「一级指标」「二级指标」「三级指标」「评分要点」等列名）", path.name
    )


# ---------------------------------------------------------------------------
# title

_ATTACHMENT_RE = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*\s*[:：]?$")


def _title(grid: Grid, header_index: int) -> str:
    """The last line above the header (the table's own caption), without 附件 labels."""
    lines = list(grid.title_lines)
    for row in grid.rows[:header_index]:
        lines.extend(cell.text for cell in _distinct(row.cells))
    kept = [normalise_text(line) for line in lines]
    kept = [line for line in kept if line and not _ATTACHMENT_RE.match(line)]
    return kept[-1] if kept else ""


def _distinct(cells: Sequence[GridCell]) -> list[GridCell]:
    """Cells with text, each merge origin once."""
    seen: set[tuple[int, int]] = set()
    found: list[GridCell] = []
    for cell in cells:
        if cell.text.strip() and cell.origin not in seen:
            seen.add(cell.origin)
            found.append(cell)
    return found


# ---------------------------------------------------------------------------
# points

_POINTS_IN_NAME_RE = re.compile(r"\s*[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
_POINTS_VALUE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*分?$")


def split_points(name: str) -> tuple[str, float | None]:
    """ "产改专项规划（15分）" → ("产改专项规划", 15.0); a name without points → (name, None)."""
    text = normalise_text(name)
    match = _POINTS_IN_NAME_RE.search(text)
    if match is None:
        return text, None
    return text[: match.start()].strip(), float(match.group(1))


def _points_value(text: str, file: str, row: int, column: str) -> float | None:
    value = normalise_text(text)
    if not value:
        return None
    match = _POINTS_VALUE_RE.match(value)
    if match is None:
        raise TableReadError(f"分值「{value}」不是数字", file, row=row, column=column)
    return float(match.group(1))


# ---------------------------------------------------------------------------
# rows


@dataclass
class _Parents:
    """The level-1 / level-2 names in force while walking down the table."""

    level1: str = ""
    level2: str = ""


@dataclass
class _Group:
    """The rows of one level-3 indicator collected so far."""

    first: GridRow
    key: tuple[str, str, str, str]
    rows: list[GridRow] = field(default_factory=list)


def _indicator_rows(grid: Grid, columns: IndicatorColumns, file: str) -> Iterator[IndicatorRow]:
    header = grid.rows[columns.header_index]
    parents = _Parents()
    group: _Group | None = None
    for row in grid.rows[columns.header_index + 1 :]:
        if is_blank_row(row) or repeats_header(row, header) or _continues_header(row, header):
            continue
        _update_parents(row, parents, columns)
        if not normalise_text(row.cells[columns.level3].text):
            _check_no_content(row, columns, file)
            continue
        key = _group_key(row, parents, columns)
        if group is not None and group.key == key:
            group.rows.append(row)
            continue
        if group is not None:
            yield _indicator_row(group, columns, file)
        group = _Group(row, key, [row])
    if group is not None:
        yield _indicator_row(group, columns, file)


def _continues_header(row: GridRow, header: GridRow) -> bool:
    """A second header row: its level-3 cell is the header's merged downwards."""
    return any(
        cell.origin == top.origin and cell.text.strip()
        for cell, top in zip(row.cells, header.cells, strict=False)
    )


def _update_parents(row: GridRow, parents: _Parents, columns: IndicatorColumns) -> None:
    level1 = normalise_text(row.cells[columns.level1].text)
    level2 = normalise_text(row.cells[columns.level2].text)
    if level1 and level1 != parents.level1:
        parents.level1, parents.level2 = level1, ""
    if level2:
        parents.level2 = level2


def _check_no_content(row: GridRow, columns: IndicatorColumns, file: str) -> None:
    """A row without a level-3 name may only be a heading/note, never scoring lines."""
    for column in (columns.scoring, columns.inspection, columns.points):
        if column is not None and normalise_text(row.cells[column].text):
            raise TableReadError(
                "三级指标为空，但该行有评分内容",
                file,
                row=row.number,
                column=columns.labels.get(columns.level3, "三级指标"),
            )


def _group_key(
    row: GridRow, parents: _Parents, columns: IndicatorColumns
) -> tuple[str, str, str, str]:
    """Rows of one indicator share the level-3 cell (merged) or its text, parents and 序号."""
    cell = row.cells[columns.level3]
    code = normalise_text(row.cells[columns.code].text) if columns.code is not None else ""
    return (parents.level1, parents.level2, normalise_text(cell.text), code)


def _indicator_row(group: _Group, columns: IndicatorColumns, file: str) -> IndicatorRow:
    first = group.first
    level3, points = split_points(first.cells[columns.level3].text)
    level1, level1_points = split_points(group.key[0])
    level2, level2_points = split_points(group.key[1])
    if not level1:
        raise TableReadError("一级指标为空", file, row=first.number, column="一级指标")
    if not level2:
        raise TableReadError("二级指标为空", file, row=first.number, column="二级指标")
    if columns.points is not None:
        column_points = _group_points(group, columns.points, columns, file)
        points = column_points if column_points is not None else points
    scoring, inspection = _lines(group, columns)
    return IndicatorRow(
        row_number=first.number,
        level1=level1,
        level2=level2,
        level3=level3,
        points=points,
        key_points=_joined(group, columns.key_points),
        scoring_lines=scoring,
        inspection=inspection,
        units=_units(group, columns.units),
        code=_joined(group, columns.code),
        level1_points=level1_points,
        level2_points=level2_points,
        bonus=level1.startswith("加分"),
    )


def _group_points(group: _Group, column: int, columns: IndicatorColumns, file: str) -> float | None:
    cells = _cells(group, column)
    label = columns.labels.get(column, "分值")
    values = [_points_value(cell.text, file, group.first.number, label) for cell in cells]
    found = [value for value in values if value is not None]
    return found[0] if found else None


def _cells(group: _Group, column: int | None) -> list[GridCell]:
    """The distinct (by merge origin) non-empty cells of a column over the group's rows."""
    if column is None:
        return []
    return _distinct([row.cells[column] for row in group.rows])


def _joined(group: _Group, column: int | None) -> str:
    """The column's texts over the group, each distinct text once (unmerged repeats)."""
    texts = dict.fromkeys(normalise_text(cell.text) for cell in _cells(group, column))
    return "\n".join(texts)


def _units(group: _Group, column: int | None) -> tuple[UnitName, ...]:
    found: list[UnitName] = []
    for cell in _cells(group, column):
        for unit in split_units(cell.text):
            if all(unit.name != known.name for known in found):
                found.append(unit)
    return tuple(found)


def _cell_lines(cell: GridCell) -> list[str]:
    return [line for line in map(normalise_text, LINE_SPLIT_RE.split(cell.text)) if line]


def _lines(group: _Group, columns: IndicatorColumns) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(scoring lines, inspection lines) of the group, each source cell read once."""
    scoring: list[str] = []
    inspection: list[str] = []
    seen: set[tuple[int, int]] = set()
    for row in group.rows:
        if columns.scoring is not None:
            cell = row.cells[columns.scoring]
            if cell.origin not in seen:
                seen.add(cell.origin)
                target = inspection if _is_inspection_label(row, columns) else scoring
                target.extend(_cell_lines(cell))
        if columns.inspection is not None:
            cell = row.cells[columns.inspection]
            if cell.origin not in seen:
                seen.add(cell.origin)
                inspection.extend(_cell_lines(cell))
    return tuple(scoring), tuple(inspection)


def _is_inspection_label(row: GridRow, columns: IndicatorColumns) -> bool:
    if columns.label is None or columns.scoring is None:
        return False
    label = row.cells[columns.label]
    if label.origin == row.cells[columns.scoring].origin:
        return False
    return header_key(label.text) in INSPECTION_NAMES
