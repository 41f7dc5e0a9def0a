"""The header of an indicator table: which grid column holds which role.

A column is recognised by its header text (the name lists below); the three level columns
are required, every other role is optional.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.io.table_grid import Grid, HeaderField, TableReadError, header_fields, header_key

_LEVEL1_NAMES = ("一级指标",)
_LEVEL2_NAMES = ("二级指标",)
_LEVEL3_NAMES = ("三级指标",)
_CODE_NAMES = ("序号", "编号")
_KEY_POINT_NAMES = ("考核要点", "指标具体内涵", "指标内涵", "考核内容")
_SCORING_NAMES = ("评分要点和操作指南", "评分要点", "评分标准", "评分细则", "评分办法")
INSPECTION_NAMES = ("检查要求", "检查方法", "检查方式", "考核方式")
_UNIT_NAMES = ("考核对象", "责任单位", "责任部门", "牵头单位")
_POINTS_NAMES = ("分值", "分数", "标准分", "标准分值")
_ALL_NAMES = frozenset(
    _LEVEL1_NAMES
    + _LEVEL2_NAMES
    + _LEVEL3_NAMES
    + _CODE_NAMES
    + _KEY_POINT_NAMES
    + _SCORING_NAMES
    + INSPECTION_NAMES
    + _UNIT_NAMES
    + _POINTS_NAMES
)
_HEADER_SCAN_ROWS = 50


@dataclass(frozen=True)
class IndicatorColumns:
    """Grid column of each role; ``label`` is the label column of a two-column scoring
    field; ``labels`` the header text of every column (for error messages)."""

    level1: int
    level2: int
    level3: int
    header_index: int
    labels: dict[int, str]
    code: int | None = None
    key_points: int | None = None
    scoring: int | None = None
    label: int | None = None
    inspection: int | None = None
    units: int | None = None
    points: int | None = None


def find_header(grid: Grid) -> int | None:
    """The first row naming 三级指标 and at least one other known column."""
    for index, row in enumerate(grid.rows[:_HEADER_SCAN_ROWS]):
        keys = {header_key(cell.text) for cell in row.cells}
        if keys & set(_LEVEL3_NAMES) and len(keys & _ALL_NAMES) >= 2:
            return index
    return None


def indicator_columns(grid: Grid, header_index: int, file: str) -> IndicatorColumns:
    """The column of each role in the header row at ``header_index`` of ``grid``.

    Raises:
        TableReadError: a level column (一级/二级/三级指标) is missing (one message lists all).
    """
    header = grid.rows[header_index]
    fields = header_fields(header)
    roles: dict[str, HeaderField] = {}
    for role, names in (
        ("level1", _LEVEL1_NAMES),
        ("level2", _LEVEL2_NAMES),
        ("level3", _LEVEL3_NAMES),
        ("code", _CODE_NAMES),
        ("key_points", _KEY_POINT_NAMES),
        ("scoring", _SCORING_NAMES),
        ("inspection", INSPECTION_NAMES),
        ("units", _UNIT_NAMES),
        ("points", _POINTS_NAMES),
    ):
        found = _field_named(fields, names, {f.columns[0] for f in roles.values()})
        if found is not None:
            roles[role] = found
    _require(roles, file, header.number)
    labels = {column: f.label for f in fields for column in f.columns}
    scoring = roles.get("scoring")
    two_columns = scoring is not None and len(scoring.columns) >= 2
    return IndicatorColumns(
        level1=roles["level1"].columns[0],
        level2=roles["level2"].columns[0],
        level3=roles["level3"].columns[0],
        header_index=header_index,
        labels=labels,
        code=_first(roles.get("code")),
        key_points=_first(roles.get("key_points")),
        scoring=scoring.columns[-1] if scoring is not None else None,
        label=scoring.columns[0] if scoring is not None and two_columns else None,
        inspection=_first(roles.get("inspection")),
        units=_first(roles.get("units")),
        points=_first(roles.get("points")),
    )


def _field_named(
    fields: Sequence[HeaderField], names: Sequence[str], taken: set[int]
) -> HeaderField | None:
    """The first field (in ``names`` order) called one of ``names`` and not yet taken."""
    for name in names:
        for candidate in fields:
            if candidate.key == name and candidate.columns[0] not in taken:
                return candidate
    return None


def _first(found: HeaderField | None) -> int | None:
    return found.columns[0] if found is not None else None


_REQUIRED = (
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("level3", "三级指标"),
)


def _require(roles: dict[str, HeaderField], file: str, header_row: int) -> None:
    """Raise one error listing every missing level column."""
    missing = [f"缺少「{label}」列" for role, label in _REQUIRED if role not in roles]
    if missing:
        raise TableReadError("表头" + "；".join(missing), file, row=header_row)
