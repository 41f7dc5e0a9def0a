"""Read lists of units and of users from an Excel (or Word) table (issue 11 §3).

Units: a header naming the unit (单位名称 / 企业名称 / 名称 / 单位), optionally 序号, 别名,
类型, 上级单位, 分管领导 and any extra columns (地市, 行业, 联系人, 电话 …), which are kept as
the unit's details. Users: 用户名 and 角色, optionally 姓名, 单位, 邮箱. The header is the first
row (of the first 20) naming the required column. Rows are numbered as in the file; a row
without the required cell is an error naming its row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tracker.io.containers import ContainerLimits
from tracker.io.table_grid import (
    Grid,
    GridRow,
    TableReadError,
    header_key,
    is_blank_row,
    normalise_text,
    read_grids,
)

_UNIT_NAMES = ("单位名称", "企业名称", "单位", "名称", "企业")
_UNIT_ROLES = {
    "aliases": ("别名", "简称", "曾用名"),
    "kind": ("类型", "单位类型"),
    "parent": ("上级单位", "上级", "所属单位"),
    "leader": ("分管领导",),
}
_SKIPPED = ("序号", "编号")
_USER_ROLES = {
    "display_name": ("姓名", "显示名", "名字"),
    "unit": ("单位", "所属单位", "单位名称"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail"),
}
_HEADER_ROWS = 20


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One unit of the list: the row number, name, aliases, kind text (may be empty),
    parent name, leader username and the extra columns."""

    row: int
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = ""
    parent: str = ""
    leader: str = ""
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UserRow:
    """One user of the list: the row number, username, role text, name, unit name, e-mail."""

    row: int
    username: str
    role: str
    display_name: str = ""
    unit: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class _Header:
    index: int
    columns: dict[int, str]


def _find_header(grids: list[Grid], required: tuple[str, ...], file: str) -> tuple[Grid, _Header]:
    for grid in grids:
        for index, row in enumerate(grid.rows[:_HEADER_ROWS]):
            columns = {i: header_key(cell.text) for i, cell in enumerate(row.cells)}
            if set(columns.values()) & set(required):
                return grid, _Header(index, columns)
    raise TableReadError(f"未找到表头（需要「{'」或「'.join(required)}」列）", file)


def _column(header: _Header, names: tuple[str, ...]) -> int | None:
    for name in names:
        for index, key in header.columns.items():
            if key == name or key.lower() == name:
                return index
    return None


def _text(row: GridRow, column: int | None) -> str:
    return normalise_text(row.cells[column].text) if column is not None else ""


def _data_rows(grid: Grid, header: _Header) -> list[GridRow]:
    return [row for row in grid.rows[header.index + 1 :] if not is_blank_row(row)]


def _split(text: str) -> tuple[str, ...]:
    for mark in ("，", "、", ";", "；", "\n"):
        text = text.replace(mark, ",")
    return tuple(part.strip() for part in text.split(",") if part.strip())


def read_unit_rows(path: Path, limits: ContainerLimits | None = None) -> list[UnitRow]:
    """The units listed in the file. Raises TableReadError (file, row, column)."""
    path = Path(path)
    grid, header = _find_header(read_grids(path, limits), _UNIT_NAMES, path.name)
    name = _column(header, _UNIT_NAMES)
    assert name is not None
    roles = {role: _column(header, names) for role, names in _UNIT_ROLES.items()}
    used = {name, *(c for c in roles.values() if c is not None)}
    extra = {
        i: key for i, key in header.columns.items() if key and i not in used and key not in _SKIPPED
    }
    found: list[UnitRow] = []
    for row in _data_rows(grid, header):
        unit = _text(row, name)
        if not unit:
            raise TableReadError(
                "单位名称为空", path.name, row=row.number, column=header.columns[name]
            )
        details = {key: _text(row, i) for i, key in extra.items() if _text(row, i)}
        found.append(
            UnitRow(
                row=row.number,
                name=unit,
                aliases=_split(_text(row, roles["aliases"])),
                kind=_text(row, roles["kind"]),
                parent=_text(row, roles["parent"]),
                leader=_text(row, roles["leader"]),
                details=details,
            )
        )
    if not found:
        raise TableReadError("表格中没有单位", path.name)
    return found


def read_user_rows(path: Path, limits: ContainerLimits | None = None) -> list[UserRow]:
    """The users listed in the file. Raises TableReadError (file, row, column)."""
    path = Path(path)
    grid, header = _find_header(read_grids(path, limits), ("用户名",), path.name)
    username = _column(header, ("用户名",))
    role = _column(header, ("角色",))
    if role is None:
        raise TableReadError("表头缺少「角色」列", path.name, row=header.index + 1)
    assert username is not None
    other = {key: _column(header, names) for key, names in _USER_ROLES.items()}
    found: list[UserRow] = []
    for row in _data_rows(grid, header):
        for column, what in ((username, "用户名"), (role, "角色")):
            if not _text(row, column):
                raise TableReadError(f"{what}为空", path.name, row=row.number, column=what)
        found.append(
            UserRow(
                row=row.number,
                username=_text(row, username),
                role=_text(row, role),
                display_name=_text(row, other["display_name"]),
                unit=_text(row, other["unit"]),
                email=_text(row, other["email"]),
            )
        )
    if not found:
        raise TableReadError("表格中没有用户", path.name)
    return found
