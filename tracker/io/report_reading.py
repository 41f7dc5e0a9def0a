"""Read a filled report template back (see :mod:`tracker.io.report_workbook`).

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
import zlib
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from tracker.domain.periods import parse_period
from tracker.io.containers import (
    ContainerLimits,
    ContainerRefused,
    NotAContainer,
    check_container,
)
from tracker.io.report_sheet import EDITABLE, HEADERS, REQUIRED, FilledRow, WorkbookError

#: Records one fault of a row: ``fault(column name, message)``.
_Fault = Callable[[str, str], None]
_HEADER_SEARCH_ROWS = 30


def read_filled(data: bytes, limits: ContainerLimits | None = None) -> list[FilledRow]:
    """The filled rows of a template, in sheet order.

    Raises :class:`WorkbookError` listing every fault: not an .xlsx file, no header row
    (one holding 任务编号, 填报期间, 完成值 and 进展情况), and per row: 任务编号 missing or
    not an integer, 填报期间 not a period code ("2020Q3") or label ("2020年第三季度"), 完成值
    not a number or negative, 进展情况 empty; or no filled row at all; or a file over
    ``limits`` (checked before openpyxl opens it).
    """
    try:
        check_container(data, "上传的文件", limits or ContainerLimits())
    except NotAContainer:
        pass  # _open_sheet says it is not an .xlsx file, in the words of the template page
    except ContainerRefused as error:
        raise WorkbookError([str(error)]) from error
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
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
        zlib.error,
    ) as error:
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
