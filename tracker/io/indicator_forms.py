"""Two-level indicator forms (issue 11 §4) and the choice between the table shapes.

An enterprise self-assessment form has no 三级指标: its leaves are the 二级指标, with their
points in the name ("…情况（5分）"), the 一级指标 with theirs ("组织领导 (10分)"), a column
for the unit's own text (自评情况（每项100字左右）) and one for the score (评分), both left
empty; rows under a 一级指标 called 加分项 are bonus items. :func:`read_any_indicator_table`
reads a three-level table (national rubric, duty tables) with
:mod:`tracker.io.indicator_tables` and a two-level form here. A form's rows become
:class:`IndicatorRow` with an empty ``level2``: the leaf is stored directly under its
level-1 indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.io.containers import ContainerLimits
from tracker.io.indicator_header import find_header
from tracker.io.indicator_tables import (
    IndicatorRow,
    IndicatorTable,
    read_indicator_table,
    split_points,
)
from tracker.io.table_grid import (
    LINE_SPLIT_RE,
    Grid,
    GridRow,
    TableReadError,
    header_key,
    is_blank_row,
    normalise_text,
    read_grids,
    repeats_header,
)

_SCORING_NAMES = (
    "评分标准",
    "评分要点",
    "评分细则",
    "评分办法",
    "考核内容",
    "考核要点",
    "指标内容",
)
_CODE_NAMES = ("序号", "编号")
_FILLED_PREFIXES = ("自评", "评分", "得分", "备注", "佐证")
_HEADER_ROWS = 30


@dataclass(frozen=True, slots=True)
class _FormColumns:
    header_index: int
    level1: int
    level2: int
    code: int | None
    scoring: int | None


def _form_header(grid: Grid) -> _FormColumns | None:
    """The first row naming 一级指标 and 二级指标 (and no 三级指标)."""
    for index, row in enumerate(grid.rows[:_HEADER_ROWS]):
        keys = [header_key(cell.text) for cell in row.cells]
        if "一级指标" in keys and "二级指标" in keys and "三级指标" not in keys:
            return _FormColumns(
                header_index=index,
                level1=keys.index("一级指标"),
                level2=keys.index("二级指标"),
                code=_index(keys, _CODE_NAMES),
                scoring=_index(keys, _SCORING_NAMES),
            )
    return None


def _index(keys: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in keys and not name.startswith(_FILLED_PREFIXES):
            return keys.index(name)
    return None


def read_any_indicator_table(path: Path, limits: ContainerLimits | None = None) -> IndicatorTable:
    """An indicator table of any shape the offices use: three levels (national rubric,
    duty tables with responsible units and no points) or a two-level form.

    Raises TableReadError (file, row, column) as :func:`read_indicator_table` does.
    """
    path = Path(path)
    grids = read_grids(path, limits)
    if not grids:
        raise TableReadError("文件中没有表格", path.name)
    if any(find_header(grid) is not None for grid in grids):
        return read_indicator_table(path, limits)
    for grid in grids:
        columns = _form_header(grid)
        if columns is not None:
            rows = tuple(_form_rows(grid, columns, path.name))
            if not rows:
                raise TableReadError("表格中没有指标", path.name)
            return IndicatorTable(_title(grid, columns.header_index), path.name, rows)
    raise TableReadError(
        "未找到表头（需要「一级指标」「二级指标」列，三级表另需「三级指标」列）", path.name
    )


def _title(grid: Grid, header_index: int) -> str:
    lines = list(grid.title_lines)
    for row in grid.rows[:header_index]:
        lines.extend(normalise_text(cell.text) for cell in row.cells)
    kept = [line for line in dict.fromkeys(lines) if line and not line.startswith("附件")]
    return kept[-1] if kept else ""


def _form_rows(grid: Grid, columns: _FormColumns, file: str) -> list[IndicatorRow]:
    header = grid.rows[columns.header_index]
    level1 = ""
    found: list[IndicatorRow] = []
    seen: set[tuple[int, int]] = set()
    for row in grid.rows[columns.header_index + 1 :]:
        if is_blank_row(row) or repeats_header(row, header):
            continue
        level1 = normalise_text(row.cells[columns.level1].text) or level1
        cell = row.cells[columns.level2]
        if cell.origin in seen or not normalise_text(cell.text):
            continue
        seen.add(cell.origin)
        if not level1:
            raise TableReadError("一级指标为空", file, row=row.number, column="一级指标")
        found.append(_form_row(row, level1, columns))
    return found


def _form_row(row: GridRow, level1_text: str, columns: _FormColumns) -> IndicatorRow:
    name, points = split_points(row.cells[columns.level2].text)
    level1, level1_points = split_points(level1_text)
    scoring = ""
    if columns.scoring is not None:
        scoring = row.cells[columns.scoring].text
    lines = tuple(line for line in map(normalise_text, LINE_SPLIT_RE.split(scoring)) if line)
    code = normalise_text(row.cells[columns.code].text) if columns.code is not None else ""
    bonus = level1.startswith("加分")
    return IndicatorRow(
        row_number=row.number,
        level1=level1,
        level2="",
        level3=name,
        points=points,
        key_points="",
        scoring_lines=lines or ((f"{name}（最高加{points:g}分）",) if bonus and points else ()),
        inspection=(),
        units=(),
        code=code,
        level1_points=level1_points,
        bonus=bonus,
    )
