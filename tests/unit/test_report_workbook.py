"""The Excel template of a unit's period reports: written, filled, read back, refused."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from tracker.io.report_workbook import (
    HEADERS,
    FilledRow,
    TemplateRow,
    WorkbookError,
    period_code,
    read_filled,
    write_template,
)

ROWS = (
    TemplateRow(
        task_id=12,
        task_text="非公有制企业职工30人以上有党员",
        schedule_text="2019年达到20%，2020年达到35%",
        period_code="2020Q3",
        period_label="2020年第三季度",
        value_unit="%",
        value=27.0,
        progress="二季度已覆盖27%",
        problems="部分企业推进慢",
        next_steps="继续督促",
    ),
    TemplateRow(
        task_id=13,
        task_text="常态化开展技能培训",
        schedule_text="常态化开展",
        period_code="2020Q3",
        period_label="2020年第三季度",
        value_unit=None,
    ),
)

#: Sheet rows of the template: title 1, note 2, header 3, data from 4.
HEADER_ROW = 3
FIRST = 4


def _sheet(data: bytes) -> Worksheet:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return sheet


def _column(name: str) -> int:
    return HEADERS.index(name) + 1


def _fill(data: bytes, changes: dict[tuple[int, str], object]) -> bytes:
    """The workbook with cells set: (sheet row, header name) → value."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None
    for (row, name), value in changes.items():
        sheet.cell(row=row, column=_column(name)).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _errors(data: bytes) -> list[str]:
    with pytest.raises(WorkbookError) as caught:
        read_filled(data)
    return caught.value.errors


def test_template_has_title_header_and_prefilled_rows() -> None:
    sheet = _sheet(write_template(ROWS, "市委组织部", "2020年第三季度"))
    assert sheet["A1"].value == "市委组织部 2020年第三季度 改革任务进度填报表"
    assert [c.value for c in sheet[HEADER_ROW]] == list(HEADERS)
    first = {name: sheet.cell(row=FIRST, column=_column(name)).value for name in HEADERS}
    assert first["序号"] == 1 and first["任务编号"] == 12
    assert first["填报期间"] == "2020年第三季度" and first["单位"] == "%"
    assert first["完成值"] == 27 and first["进展情况"] == "二季度已覆盖27%"
    assert sheet.cell(row=FIRST + 1, column=_column("单位")).value in (None, "")


def test_template_locks_fixed_columns_and_checks_values() -> None:
    sheet = _sheet(write_template(ROWS, "市委组织部", "2020年第三季度"))
    assert sheet.protection.sheet
    for name in HEADERS:
        cell = sheet.cell(row=FIRST, column=_column(name))
        editable = name in ("完成值", "进展情况", "存在问题", "下步打算")
        assert cell.protection.locked is not editable, name
    assert sheet.cell(row=FIRST, column=_column("进展情况")).number_format == "@"
    assert sheet.cell(row=FIRST, column=_column("任务编号")).fill.fgColor.rgb.endswith("E5E7EB")
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].type == "decimal" and validations[0].formula1 == "0"
    assert str(validations[0].sqref) == f"G{FIRST}:G{FIRST + 1}"
    assert sheet.column_dimensions["H"].width == 50


def test_round_trip_reads_what_the_unit_filled() -> None:
    data = write_template(ROWS, "市委组织部", "2020年第三季度")
    filled = _fill(data, {(FIRST, "完成值"): 31.5, (FIRST + 1, "进展情况"): "007"})
    assert read_filled(filled) == [
        FilledRow(FIRST, 12, "2020Q3", 31.5, "二季度已覆盖27%", "部分企业推进慢", "继续督促"),
        FilledRow(FIRST + 1, 13, "2020Q3", None, "007", "", ""),
    ]


def test_untouched_rows_are_skipped_and_an_empty_file_is_refused() -> None:
    data = write_template(ROWS, "市委组织部", "2020年第三季度")
    assert [row.task_id for row in read_filled(data)] == [12]
    empty = _fill(
        data, {(FIRST, name): None for name in ("完成值", "进展情况", "存在问题", "下步打算")}
    )
    assert _errors(empty) == ["文件中没有填写任何任务的进展情况"]


def test_every_bad_row_is_listed_with_its_row_and_column() -> None:
    good = TemplateRow(12, "任务", "常态化开展", "2020Q3", "2020年第三季度", "%", 1.0, "进展")
    data = write_template([good] * 8, "市委组织部", "2020年第三季度")
    filled = _fill(
        data,
        {
            (4, "任务编号"): None,
            (5, "任务编号"): "十二",
            (6, "任务编号"): 12.5,
            (7, "填报期间"): "2020Q5",
            (8, "完成值"): "三十",
            (9, "完成值"): -1,
            (10, "进展情况"): "  ",
        },
    )
    assert _errors(filled) == [
        "第4行「任务编号」：不能为空",
        "第5行「任务编号」：不是整数（十二）",
        "第6行「任务编号」：不是整数（12.5）",
        "第7行「填报期间」：无法识别（2020Q5），应为“2020年第三季度”或“2020Q3”的形式",
        "第8行「完成值」：不是数字（三十），请只填数字，不含单位",
        "第9行「完成值」：不能为负数",
        "第10行「进展情况」：不能为空",
    ]


def test_text_stays_text_and_numbers_may_be_typed_as_text() -> None:
    data = write_template(ROWS[:1], "市委组织部", "2020年第三季度")
    filled = _fill(
        data,
        {
            (FIRST, "任务编号"): "012",
            (FIRST, "填报期间"): "2020Q3",
            (FIRST, "完成值"): "1,200.5",
            (FIRST, "进展情况"): "007",
            (FIRST, "存在问题"): 8,
        },
    )
    (row,) = read_filled(filled)
    assert (row.task_id, row.period, row.value) == (12, "2020Q3", 1200.5)
    assert (row.progress, row.problems) == ("007", "8")


def test_header_is_found_below_a_title_in_any_column_order() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["某单位进度填报"])
    sheet.append([])
    sheet.append(["备注：自制表格"])
    sheet.append(["进展情况", "完成值（%）", "任务 编号", "填报期间", "存在问题"])
    sheet.append(["007", 40, 5, "2021年上半年", None])
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_filled(buffer.getvalue()) == [FilledRow(5, 5, "2021H1", 40.0, "007", "", "")]


def test_files_that_are_not_templates_are_refused() -> None:
    assert _errors(b"%PDF-1.4 not a spreadsheet") == [
        "文件不是有效的 Excel（.xlsx）文件，请下载填报模板填写后再上传"
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "任务", "进展"])
    buffer = io.BytesIO()
    book.save(buffer)
    (message,) = _errors(buffer.getvalue())
    assert message.startswith("未找到表头行")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2020Q3", "2020Q3"),
        ("2020年第三季度", "2020Q3"),
        ("2020年下半年", "2020H2"),
        ("2020年7月", "2020M07"),
        ("2020年度", "2020"),
        (" 2020 Q1 ", "2020Q1"),
    ],
)
def test_period_codes_and_labels_are_read(text: str, code: str) -> None:
    assert period_code(text) == code


def test_an_empty_template_is_still_a_workbook() -> None:
    sheet = _sheet(write_template([], "市司法局", "2020年第三季度"))
    assert [c.value for c in sheet[HEADER_ROW]] == list(HEADERS)
    assert sheet.max_row == HEADER_ROW
