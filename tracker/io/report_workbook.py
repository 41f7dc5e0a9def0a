"""The Excel template of a unit's period reports (进度填报模板): write it, read it back.

Pure I/O with openpyxl: no database, no Flask. The sheet has a title row, a note row, a
header row (:data:`HEADERS`) and one row per task. The columns a unit must not change
(序号, 任务编号, 责任分解, 时间进度, 填报期间, 单位 and the header) are grey and locked by
sheet protection; 完成值, 进展情况, 存在问题 and 下步打算 are unlocked for editing.

Reading finds the header row by its names (wherever it is), reads text cells as text
("007" stays "007") and checks every row, raising :class:`WorkbookError` with one Chinese
message per fault, e.g. "第5行「完成值」：不是数字". A row whose four editable cells are
all empty is skipped (that task is not reported this time).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tracker.domain.periods import parse_period

# ---------------------------------------------------------------------------- shapes

#: The header row, in column order.
HEADERS = (
    "序号",
    "任务编号",
    "责任分解",
    "时间进度",
    "填报期间",
    "单位",
    "完成值",
    "进展情况",
    "存在问题",
    "下步打算",
)
#: Columns a unit edits; every other column is locked.
EDITABLE = frozenset({"完成值", "进展情况", "存在问题", "下步打算"})
#: Columns the reader needs to find the header row.
REQUIRED = ("任务编号", "填报期间", "完成值", "进展情况")
#: Column widths in characters.
WIDTHS = {
    "序号": 6,
    "任务编号": 10,
    "责任分解": 40,
    "时间进度": 28,
    "填报期间": 16,
    "单位": 8,
    "完成值": 12,
    "进展情况": 50,
    "存在问题": 32,
    "下步打算": 32,
}
#: Columns stored as text (number format "@").
TEXT_COLUMNS = frozenset(HEADERS) - {"序号", "任务编号", "完成值"}

SHEET_TITLE = "进度填报"
NOTE = (
    "说明：灰色列请勿修改；完成值只填数字（不含单位，不填则留空）；进展情况必填；"
    "某任务本期不填报时，请将其完成值、进展情况、存在问题、下步打算全部留空。"
)
#: Records one fault of a row: ``fault(column name, message)``.
_Fault = Callable[[str, str], None]

_TITLE_ROW, _NOTE_ROW, _HEADER_ROW = 1, 2, 3
_LOCKED_FILL = PatternFill("solid", fgColor="E5E7EB")
_HEADER_FILL = PatternFill("solid", fgColor="D1D5DB")
_HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """One task's row of the template: the task (id, 责任分解 text, 时间进度 text), the
    period (code "2020Q3" and label "2020年第三季度"), the value's unit ("%", "人", or None
    for tasks without a number) and the prefilled value and texts (from the period's own
    draft or returned report, else the last accepted report; empty when there is none)."""

    task_id: int
    task_text: str
    schedule_text: str
    period_code: str
    period_label: str
    value_unit: str | None
    value: float | None = None
    progress: str = ""
    problems: str = ""
    next_steps: str = ""


@dataclass(frozen=True, slots=True)
class FilledRow:
    """One filled row read back: its sheet row number (1-based, as Excel shows it), the
    task id, the period code ("2020Q3"), the value (None when left empty) and the texts
    (stripped; ``progress`` is never empty)."""

    row: int
    task_id: int
    period: str
    value: float | None
    progress: str
    problems: str
    next_steps: str


class WorkbookError(ValueError):
    """The file cannot be imported. ``errors`` lists every fault in Chinese, one per
    message, each naming its sheet row and column ("第5行「完成值」：不是数字")."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors))
        self.errors = errors


# ---------------------------------------------------------------------------- writing


def write_template(rows: Sequence[TemplateRow], unit_name: str, period_label: str) -> bytes:
    """The template as .xlsx bytes: title "<unit> <period> 改革任务进度填报表", a note,
    the header row :data:`HEADERS` and one row per item of ``rows`` in the given order."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    _write_title(sheet, f"{unit_name} {period_label} 改革任务进度填报表")
    _write_header(sheet)
    for number, row in enumerate(rows, start=1):
        _write_row(sheet, _HEADER_ROW + number, number, row)
    if rows:
        _add_value_validation(sheet, _HEADER_ROW + 1, _HEADER_ROW + len(rows))
    sheet.freeze_panes = sheet.cell(row=_HEADER_ROW + 1, column=1)
    _protect(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_title(sheet: Worksheet, title: str) -> None:
    last = get_column_letter(len(HEADERS))
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(f"A{_TITLE_ROW}:{last}{_TITLE_ROW}")
    sheet.row_dimensions[_TITLE_ROW].height = 28
    sheet[f"A{_NOTE_ROW}"] = NOTE
    sheet[f"A{_NOTE_ROW}"].alignment = Alignment(wrap_text=True, vertical="center")
    sheet[f"A{_NOTE_ROW}"].font = Font(color="B91C1C", size=10)
    sheet.merge_cells(f"A{_NOTE_ROW}:{last}{_NOTE_ROW}")
    sheet.row_dimensions[_NOTE_ROW].height = 32


def _write_header(sheet: Worksheet) -> None:
    for column, name in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=_HEADER_ROW, column=column, value=name)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[name]


def _write_row(sheet: Worksheet, row_number: int, number: int, row: TemplateRow) -> None:
    values: dict[str, object] = {
        "序号": number,
        "任务编号": row.task_id,
        "责任分解": row.task_text,
        "时间进度": row.schedule_text,
        "填报期间": row.period_label,
        "单位": row.value_unit or "",
        "完成值": row.value,
        "进展情况": row.progress,
        "存在问题": row.problems,
        "下步打算": row.next_steps,
    }
    for column, name in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=row_number, column=column, value=values[name])
        if name in TEXT_COLUMNS:
            cell.number_format = "@"
        cell.alignment = Alignment(wrap_text=name in TEXT_COLUMNS, vertical="top")
        if name in EDITABLE:
            cell.protection = Protection(locked=False)
        else:
            cell.fill = _LOCKED_FILL


def _add_value_validation(sheet: Worksheet, first: int, last: int) -> None:
    letter = get_column_letter(HEADERS.index("完成值") + 1)
    validation = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成值有误",
        error="完成值应为不小于0的数字（不含单位）。",
        showInputMessage=True,
        promptTitle="完成值",
        prompt="填写数字，不含单位；无数值的任务留空。",
    )
    validation.add(f"{letter}{first}:{letter}{last}")
    sheet.add_data_validation(validation)


def _protect(sheet: Worksheet) -> None:
    """Lock the sheet so only unlocked cells can change; widths and heights stay free."""
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.formatCells = False


# ---------------------------------------------------------------------------- reading


def read_filled(data: bytes) -> list[FilledRow]:
    """The filled rows of a template, in sheet order.

    Raises :class:`WorkbookError` listing every fault: not an .xlsx file, no header row
    (one holding 任务编号, 填报期间, 完成值 and 进展情况), and per row: 任务编号 missing or
    not an integer, 填报期间 not a period code ("2020Q3") or label ("2020年第三季度"), 完成值
    not a number or negative, 进展情况 empty; or no filled row at all.
    """
    sheet = _open_sheet(data)
    header_row, columns = _find_header(sheet)
    rows: list[FilledRow] = []
    errors: list[str] = []
    for number, cells in _data_rows(sheet, header_row, columns):
        row, row_errors = _parse_row(number, cells)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    if not rows and not errors:
        errors.append("文件中没有填写任何任务的进展情况")
    if errors:
        raise WorkbookError(errors)
    return rows


def _open_sheet(data: bytes) -> Worksheet:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise WorkbookError(
            ["文件不是有效的 Excel（.xlsx）文件，请下载填报模板填写后再上传"]
        ) from error
    for sheet in book.worksheets:
        if _header_position(sheet) is not None:
            return sheet
    raise WorkbookError(
        [
            "未找到表头行：表中应有「任务编号」「填报期间」「完成值」「进展情况」等列，请使用下载的填报模板"
        ]
    )


def _header_name(value: object) -> str:
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


def _header_position(sheet: Worksheet) -> tuple[int, dict[str, int]] | None:
    """(row number, header name → column index 0-based) of the first header row."""
    limit = min(sheet.max_row, _HEADER_SEARCH_ROWS)
    for number, values in enumerate(
        sheet.iter_rows(min_row=1, max_row=limit, values_only=True), start=1
    ):
        columns: dict[str, int] = {}
        for index, value in enumerate(values):
            name = _header_name(value)
            match = next((h for h in HEADERS if name.startswith(h)), None)
            if match is not None and match not in columns:
                columns[match] = index
        if all(name in columns for name in REQUIRED):
            return number, columns
    return None


def _find_header(sheet: Worksheet) -> tuple[int, dict[str, int]]:
    position = _header_position(sheet)
    assert position is not None  # _open_sheet returns a sheet that has one
    return position


def _data_rows(
    sheet: Worksheet, header_row: int, columns: dict[str, int]
) -> Iterator[tuple[int, dict[str, object]]]:
    """(sheet row number, column name → cell value) of each row below the header."""
    for number, values in enumerate(
        sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
    ):
        yield (
            number,
            {
                name: values[index] if index < len(values) else None
                for name, index in columns.items()
            },
        )


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_row(number: int, cells: dict[str, object]) -> tuple[FilledRow | None, list[str]]:
    """The row read from ``cells`` (None when it is skipped or bad) and its faults."""
    if all(_is_blank(cells.get(name)) for name in EDITABLE):
        return None, []
    errors: list[str] = []

    def fault(column: str, message: str) -> None:
        errors.append(f"第{number}行「{column}」：{message}")

    task_id = _task_id(cells.get("任务编号"), fault)
    period = _period(cells.get("填报期间"), fault)
    value = _value(cells.get("完成值"), fault)
    progress = text_of(cells.get("进展情况")).strip()
    if not progress:
        fault("进展情况", "不能为空")
    if errors or task_id is None or period is None:
        return None, errors
    row = FilledRow(
        row=number,
        task_id=task_id,
        period=period,
        value=value,
        progress=progress,
        problems=text_of(cells.get("存在问题")).strip(),
        next_steps=text_of(cells.get("下步打算")).strip(),
    )
    return row, []


def text_of(value: object) -> str:
    """A cell's value as text: strings as they are ("007" stays "007"), whole numbers
    without ".0", dates as ISO dates, None as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _task_id(value: object, fault: _Fault) -> int | None:
    if _is_blank(value):
        fault("任务编号", "不能为空")
        return None
    if isinstance(value, bool):
        fault("任务编号", "不是整数")
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = text_of(value).strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    fault("任务编号", f"不是整数（{text}）")
    return None


_LABEL_RE = re.compile(r"^(\d{4})年(?:第([一二三四])季度|(上|下)半年|(\d{1,2})月|度)?$")
_QUARTERS = "一二三四"


def period_code(text: str) -> str:
    """The period code of a code ("2020Q3") or label ("2020年第三季度", "2020年上半年",
    "2020年7月", "2020年度"). Raises ValueError (Chinese message) for anything else."""
    text = re.sub(r"\s+", "", text)
    match = _LABEL_RE.match(text)
    if match is not None:
        year, quarter, half, month = match.groups()
        if quarter:
            text = f"{year}Q{_QUARTERS.index(quarter) + 1}"
        elif half:
            text = f"{year}H{1 if half == '上' else 2}"
        elif month:
            text = f"{year}M{int(month):02d}"
        else:
            text = year
    return parse_period(text).code


def _period(value: object, fault: _Fault) -> str | None:
    text = text_of(value).strip()
    if not text:
        fault("填报期间", "不能为空")
        return None
    try:
        return period_code(text)
    except ValueError:
        fault("填报期间", f"无法识别（{text}），应为“2020年第三季度”或“2020Q3”的形式")
        return None


def _value(value: object, fault: _Fault) -> float | None:
    if _is_blank(value):
        return None
    number = _number(value)
    if number is None:
        fault("完成值", f"不是数字（{text_of(value).strip()}），请只填数字，不含单位")
        return None
    if number < 0:
        fault("完成值", "不能为负数")
        return None
    return number


def _number(value: object) -> float | None:
    """A finite number from a numeric cell or a text such as "1,200.5"; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = text_of(value).strip().replace(",", "").replace("，", "")
        try:
            number = float(Decimal(text))
        except (InvalidOperation, ValueError):
            return None
    return number if math.isfinite(number) else None
