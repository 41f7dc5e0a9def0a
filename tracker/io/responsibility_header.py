"""The header of a responsibility table: which grid column holds which role.

Column names come from the tables seen in practice (慈溪 and its peers); a header
"责任单位" on its own means the lead units; over sub-headers 牵头 / 配合 it names both unit
columns (see :mod:`tracker.io.tables` for the reading decisions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker.io.table_grid import (
    Grid,
    HeaderField,
    TableReadError,
    header_fields,
    header_key,
)

_CATEGORY_NAMES = ("主要举措", "主要任务", "重点任务")
_TASK_NAMES = ("责任分解", "具体措施", "工作任务", "实事项目", "项目名称", "项目内容")
_TASK_FALLBACK = "重点任务"
_SCHEDULE_NAMES = (
    "时间进度",
    "完成时限",
    "时间节点",
    "工作举措及实施计划",
    "实施计划",
    "进度安排",
)
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

#: The roles a column can be given, as the preview's column choice names them.
ROLE_LABELS: dict[str, str] = {
    "task": "任务内容",
    "schedule": "时间进度",
    "lead": "牵头单位",
    "cooperating": "配合单位",
    "category": "主要举措（分类）",
    "measure": "举措（分组）",
}
#: A column choice: header key (as :func:`header_key` writes it) → role of ROLE_LABELS;
#: a key mapped to anything else is ignored.
ColumnChoice = Mapping[str, str]


class HeaderUnknown(TableReadError):
    """The header's names do not say where the task, schedule or lead column is;
    ``labels`` are the candidate header row's keys (:func:`header_key`), for the office
    to choose from."""

    def __init__(self, message: str, file: str, row: int | None, labels: tuple[str, ...]) -> None:
        super().__init__(message, file, row=row)
        self.labels = labels


@dataclass(frozen=True)
class PlanColumns:
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


def known_role(key: str) -> str | None:
    """The role a header of this key has by the known names (for preselecting a column
    choice), or None."""
    for role, names in (
        ("task", (*_TASK_NAMES, _TASK_FALLBACK)),
        ("schedule", _SCHEDULE_NAMES),
        ("lead", (*_LEAD_NAMES, *_UNIT_GROUP_NAMES)),
        ("cooperating", _COOP_NAMES),
    ):
        if key in names:
            return role
    return None


def find_header(grid: Grid, choice: ColumnChoice | None = None) -> int | None:
    """Index of the first row (of the first 50) naming two known columns (the known names
    and those of ``choice``), else None."""
    known = _KNOWN_NAMES | frozenset(choice or ())
    for index, row in enumerate(grid.rows[:_HEADER_SCAN_ROWS]):
        keys = {header_key(cell.text) for cell in row.cells}
        if len(keys & known) >= 2:
            return index
    return None


def candidate_header(grid: Grid) -> tuple[int, tuple[str, ...]] | None:
    """The first row with three or more header-like cells (short text), as (index, labels):
    where the office is asked which column is which when no known header is found."""
    for index, row in enumerate(grid.rows[:_HEADER_SCAN_ROWS]):
        fields = [field for field in header_fields(row) if 0 < len(field.key) <= 20]
        if len(fields) >= 3:
            return index, tuple(field.key for field in fields)
    return None


def plan_columns(
    grid: Grid, header_index: int, file: str, choice: ColumnChoice | None = None
) -> PlanColumns:
    """The column of each role in the header row at ``header_index`` (and the sub-header
    row below it when 责任单位 spans 牵头 / 配合); the office's ``choice`` goes first.

    Raises:
        HeaderUnknown: the task, schedule or lead column is missing (one message lists all).
    """
    fields = header_fields(grid.rows[header_index])
    subheaders = _unit_subheaders(grid, header_index, fields)
    roles: dict[str, int] = dict(subheaders)
    _apply_choice(roles, fields, choice or {})
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
    _require(roles, file, grid.rows[header_index].number, fields)
    return PlanColumns(
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


def _apply_choice(roles: dict[str, int], fields: list[HeaderField], choice: ColumnChoice) -> None:
    """Give each role the column the office chose for it (by header key)."""
    for field in fields:
        role = choice.get(field.key)
        if role == "ignore":
            roles[f"ignore:{field.key}"] = field.columns[0]
        elif role in ROLE_LABELS and role not in roles:
            roles[role] = field.columns[0]
            if role == "category" and len(field.columns) >= 2 and "measure" not in roles:
                roles["measure"] = field.columns[1]


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


def _require(roles: dict[str, int], file: str, header_row: int, fields: list[HeaderField]) -> None:
    """Raise one error listing every missing required column."""
    missing = [
        f"缺少「{label}」列（可写作：{'、'.join(names)}）"
        for role, label, names in _REQUIRED
        if role not in roles
    ]
    if missing:
        labels = tuple(field.key for field in fields)
        raise HeaderUnknown("表头" + "；".join(missing), file, header_row, labels)
