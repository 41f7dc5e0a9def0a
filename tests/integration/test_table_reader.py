"""Reading responsibility tables: the real Cixi files and other offices' layouts."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.paths import SEEDS
from tracker.domain.units import UnitName
from tracker.io.tables import (
    PlanRow,
    ResponsibilityTable,
    TableReadError,
    read_responsibility_table,
)

CIXI_DOCX = SEEDS / "cixi-key-tasks.docx"
CIXI_XLSX = SEEDS / "cixi-key-tasks.xlsx"
CIXI_TITLE = "《新时代慈溪产业工人队伍建设改革实施方案》重点任务责任分工"


# Word row number → lead units, read off the document by hand (vertical merges resolved).
CIXI_LEADS: list[tuple[int, tuple[str, ...]]] = [
    (2, ("市委组织部",)),
    (3, ("市委组织部",)),
    (4, ("市委组织部",)),
    (5, ("市总工会",)),
    (6, ("市总工会",)),
    (7, ("市委组织部",)),
    (8, ("市委组织部",)),
    (9, ("市总工会",)),
    (10, ("市总工会",)),
    (11, ("市总工会",)),
    (12, ("市总工会",)),
    (13, ("市教育局",)),
    (14, ("市教育局",)),
    (15, ("市教育局",)),
    (16, ("市教育局",)),
    (17, ("市教育局",)),
    (18, ("市人力社保局",)),
    (19, ("市人力社保局",)),
    (20, ("市人力社保局",)),
    (21, ("市人力社保局",)),
    (22, ("市人力社保局",)),
    (23, ("市人力社保局",)),
    (24, ("市人力社保局",)),
    (25, ("市总工会",)),
    (26, ("市人力社保局",)),
    (27, ("市人力社保局",)),
    (28, ("市总工会",)),
    (29, ("市人力社保局",)),
    (30, ("市人力社保局",)),
    (31, ("市人力社保局",)),
    (32, ("市人力社保局",)),
    (33, ("市人力社保局",)),
    (34, ("市人力社保局",)),
    (35, ("市人力社保局",)),
    (36, ("市人力社保局",)),
    (37, ("市人力社保局",)),
    (38, ("市人力社保局",)),
    (39, ("市人力社保局",)),
    (40, ("市人力社保局",)),
    (41, ("市人力社保局",)),
    (42, ("市人力社保局",)),
    (43, ("市财政局",)),
    (44, ("市教育局",)),
    (45, ("市教育局",)),
    (46, ("市教育局",)),
    (47, ("市教育局",)),
    (48, ("市人力社保局",)),
    (49, ("市人力社保局",)),
    (50, ("市应急管理局",)),
    (51, ("市卫生健康局",)),
    (52, ("市总工会",)),
    (53, ("市总工会",)),
    (54, ("市总工会",)),
    (55, ("团市委",)),
    (56, ("市住建局",)),
    (57, ("市文广旅体局",)),
    (58, ("市卫生健康局",)),
]

CIXI_CATEGORIES = [
    "（一）加强产业工人队伍思想政治建设",
    "（二）提升产业工人技能素质",
    "（三）运用互联网促进产业工人队伍建设",
    "（四）健全产业工人成长发展体系",
    "（四）创新产业工人发展制度",
    "（五）强化产业工人队伍建设支撑保障",
    "（六）加强产业工人公共服务工作",
]


@pytest.fixture(scope="module")
def cixi_docx() -> ResponsibilityTable:
    return read_responsibility_table(CIXI_DOCX)


@pytest.fixture(scope="module")
def cixi_xlsx() -> ResponsibilityTable:
    return read_responsibility_table(CIXI_XLSX)


def by_word_row(table: ResponsibilityTable) -> dict[int, PlanRow]:
    return {row.row_number: row for row in table.rows}


def unit_names(units: Sequence[UnitName]) -> tuple[str, ...]:
    return tuple(unit.name for unit in units)


def distinct_in_order(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


# ---------------------------------------------------------------------------
# Cixi


def test_cixi_docx_has_57_tasks_on_word_rows_2_to_58(cixi_docx: ResponsibilityTable) -> None:
    assert len(cixi_docx.rows) == 57
    assert [row.row_number for row in cixi_docx.rows] == list(range(2, 59))
    assert cixi_docx.source == "cixi-key-tasks.docx"
    assert cixi_docx.title == CIXI_TITLE


def test_cixi_xlsx_has_57_tasks_on_sheet_rows_3_to_59(cixi_xlsx: ResponsibilityTable) -> None:
    assert len(cixi_xlsx.rows) == 57
    assert [row.row_number for row in cixi_xlsx.rows] == list(range(3, 60))
    assert cixi_xlsx.source == "cixi-key-tasks.xlsx"
    assert cixi_xlsx.title == CIXI_TITLE


@pytest.mark.parametrize("fixture", ["cixi_docx", "cixi_xlsx"])
def test_cixi_categories_in_order_with_two_numbered_four(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    table: ResponsibilityTable = request.getfixturevalue(fixture)
    categories = distinct_in_order([row.category for row in table.rows])
    assert categories == CIXI_CATEGORIES
    assert sum(category.startswith("（四）") for category in categories) == 2


@pytest.mark.parametrize("fixture", ["cixi_docx", "cixi_xlsx"])
def test_cixi_has_22_measures_numbered_1_to_22(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    table: ResponsibilityTable = request.getfixturevalue(fixture)
    measures = distinct_in_order([row.measure for row in table.rows])
    assert len(measures) == 22
    assert [m.split(".")[0] for m in measures] == [str(n) for n in range(1, 23)]
    assert measures[0] == "1.创新产业工人队伍党建工作"
    assert measures[9] == "10.开展“互联网+”远程职业培训"


def test_cixi_docx_and_xlsx_give_the_same_rows(
    cixi_docx: ResponsibilityTable, cixi_xlsx: ResponsibilityTable
) -> None:
    for from_word, from_excel in zip(cixi_docx.rows, cixi_xlsx.rows, strict=True):
        assert from_excel.row_number == from_word.row_number + 1
        assert dataclasses.replace(from_excel, row_number=0) == dataclasses.replace(
            from_word, row_number=0
        )


@pytest.mark.parametrize("fixture", ["cixi_docx", "cixi_xlsx"])
def test_cixi_lead_units_of_every_row(fixture: str, request: pytest.FixtureRequest) -> None:
    table: ResponsibilityTable = request.getfixturevalue(fixture)
    offset = 0 if fixture == "cixi_docx" else 1
    expected = [(number + offset, leads) for number, leads in CIXI_LEADS]
    assert [(row.row_number, unit_names(row.lead_units)) for row in table.rows] == expected


@pytest.mark.parametrize(
    ("word_row", "cooperating"),
    [
        (2, ("市总工会", "团市委", "市妇联")),
        (4, ("市总工会", "团市委", "市妇联")),  # vertical merge from row 2
        (7, ("市委统战部", "市人大常委会办公室", "市政协办公室", "市级各群团组织")),
        (10, ("市人力社保局", "市工商联")),  # two units on two lines
        (12, ("市工商联",)),
        (25, ()),  # blank and not merged: stays blank
        (26, ("市总工会", "市大数据发展中心")),
        (27, ("市总工会", "市大数据发展中心")),  # measure 10 inherits through the merge
        (28, ()),
        (32, ("市发改局", "市财政局", "市经信局", "市总工会")),
        (49, ("市总工会", "市应急管理局")),
        (51, ("市住建局", "市财政局", "市总工会")),
        (58, ()),
    ],
)
def test_cixi_cooperating_units(
    cixi_docx: ResponsibilityTable, word_row: int, cooperating: tuple[str, ...]
) -> None:
    assert unit_names(by_word_row(cixi_docx)[word_row].cooperating_units) == cooperating


def test_cixi_alias_of_talent_office(cixi_docx: ResponsibilityTable) -> None:
    row = by_word_row(cixi_docx)[24]
    assert row.cooperating_units == (
        UnitName("市委组织部", ("市委人才办",)),
        UnitName("市总工会"),
        UnitName("市财政局"),
    )


def test_cixi_merged_schedule_and_measure_are_inherited(cixi_docx: ResponsibilityTable) -> None:
    rows = by_word_row(cixi_docx)
    assert rows[8].schedule == "常态化开展"  # vertical merge from row 7
    assert rows[8].measure == "3.健全保证产业工人主人翁地位的制度安排"
    assert rows[27].measure == "10.开展“互联网+”远程职业培训"
    assert rows[27].category == "（三）运用互联网促进产业工人队伍建设"


def test_cixi_text_is_whitespace_normalised(cixi_docx: ResponsibilityTable) -> None:
    rows = by_word_row(cixi_docx)
    assert rows[38].schedule == "每年新建1-2家，2025年市级技能大师工作室达到 25家"
    assert rows[2].task == "非公有制企业职工30人以上有党员、80人以上有党组织"
    assert rows[2].schedule == "2019年达到20%，2020年达到35%，2025年全覆盖"


# ---------------------------------------------------------------------------
# builders for other offices' tables

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)


def write_docx(
    path: Path,
    rows: Sequence[Sequence[str]],
    merges: Sequence[Merge] = (),
    paragraphs: Sequence[str] = ("附件1", "某区重点改革任务分工表"),
) -> Path:
    """A Word file with paragraphs then one table; merges use Word's own merge."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value:
                table.cell(r, c).text = value
    for first_row, first_col, last_row, last_col in merges:
        table.cell(first_row, first_col).merge(table.cell(last_row, last_col))
    document.save(str(path))
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[str | int | None]],
    merges: Sequence[Merge] = (),
    first_row: int = 1,
) -> Path:
    """An Excel file whose rows start at sheet row first_row; merges are 0-based in rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value not in ("", None):
                sheet.cell(first_row + r, c + 1, value)
    for top, left, bottom, right in merges:
        sheet.merge_cells(
            start_row=first_row + top,
            start_column=left + 1,
            end_row=first_row + bottom,
            end_column=right + 1,
        )
    workbook.save(path)
    return path


def simple(table: ResponsibilityTable) -> list[tuple[object, ...]]:
    return [
        (
            row.row_number,
            row.category,
            row.measure,
            row.task,
            row.schedule,
            unit_names(row.lead_units),
            unit_names(row.cooperating_units),
        )
        for row in table.rows
    ]


# ---------------------------------------------------------------------------
# other layouts


def test_number_column_other_order_and_header_under_a_title(tmp_path: Path) -> None:
    rows = [
        ["某区2021年改革任务清单", "", "", "", "", ""],
        ["（2021年3月）", "", "", "", "", ""],
        ["序号", "牵头单位", "责任分解", "配合单位", "时间节点", "主要任务"],
        [1, "区人社局", "新建技能大师工作室", "区总工会", "2021年达到10家", "（一）技能提升"],
        [2, "区教育局", "开展校企合作", "", "2021年6月底前", ""],
    ]
    path = write_xlsx(tmp_path / "区任务.xlsx", rows, merges=[(0, 0, 0, 5), (1, 0, 1, 5)])
    table = read_responsibility_table(path)
    assert table.title == "某区2021年改革任务清单（2021年3月）"
    assert simple(table) == [
        (
            4,
            "（一）技能提升",
            "",
            "新建技能大师工作室",
            "2021年达到10家",
            ("区人社局",),
            ("区总工会",),
        ),
        (5, "（一）技能提升", "", "开展校企合作", "2021年6月底前", ("区教育局",), ()),
    ]


def test_responsibility_unit_headers_with_lead_and_cooperating_in_brackets(
    tmp_path: Path,
) -> None:
    rows = [
        ["重点任务", "具体措施", "完成时限", "责任单位（牵头）", "责任单位(配合)"],
        ["（一）优化营商环境", "推行一网通办", "2022年底前", "区数据局", "区市场监管局、区税务局"],
    ]
    table = read_responsibility_table(write_docx(tmp_path / "营商.docx", rows))
    assert simple(table) == [
        (
            2,
            "（一）优化营商环境",
            "",
            "推行一网通办",
            "2022年底前",
            ("区数据局",),
            ("区市场监管局", "区税务局"),
        )
    ]
    assert table.title == "某区重点改革任务分工表"


@pytest.mark.parametrize("file_format", ["docx", "xlsx"])
def test_two_row_header_with_responsibility_units_over_lead_and_cooperating(
    tmp_path: Path, file_format: str
) -> None:
    rows = [
        ["序号", "主要任务", "工作任务", "时间进度", "责任单位", ""],
        ["", "", "", "", "牵头", "配合"],
        ["1", "一、强化党建", "建立党群服务中心", "2021年启动", "区委组织部", "区总工会"],
        ["2", "", "开展主题活动", "常态化开展", "区总工会", ""],
    ]
    merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 1, 3), (0, 4, 0, 5)]
    writer = write_docx if file_format == "docx" else write_xlsx
    table = read_responsibility_table(writer(tmp_path / f"two-row.{file_format}", rows, merges))
    assert simple(table) == [
        (3, "一、强化党建", "", "建立党群服务中心", "2021年启动", ("区委组织部",), ("区总工会",)),
        (4, "一、强化党建", "", "开展主题活动", "常态化开展", ("区总工会",), ()),
    ]


def test_header_names_are_matched_without_line_breaks(tmp_path: Path) -> None:
    rows = [
        ["具体\n措施", "完成\n时限", "牵头\n部门", "配合\n部门"],
        ["完成老旧小区改造", "2023年", "区住建\n局", "各街道"],
    ]
    table = read_responsibility_table(write_docx(tmp_path / "wrapped.docx", rows))
    assert simple(table) == [(2, "", "", "完成老旧小区改造", "2023年", ("区住建局",), ("各街道",))]


@pytest.mark.parametrize("file_format", ["docx", "xlsx"])
def test_merged_cells_are_inherited_and_blank_cells_stay_blank(
    tmp_path: Path, file_format: str
) -> None:
    rows = [
        ["主要举措", "", "责任分解", "时间进度", "牵头单位", "配合单位"],
        ["（一）甲类", "1.措施一", "任务A", "常态化开展", "区总\n工会", "区妇联"],
        ["", "", "任务B", "", "", ""],
        ["", "2.措施二", "任务C", "2022年完成", "", ""],
        ["（二）乙类", "3.措施三", "任务D", "2023年完成", "区财政局", ""],
    ]
    merges = [
        (0, 0, 0, 1),  # 主要举措 spans category + measure
        (1, 0, 3, 0),  # category over three rows
        (1, 1, 2, 1),  # measure 1 over two rows
        (1, 3, 2, 3),  # schedule over two rows
        (1, 4, 3, 4),  # lead over three rows
    ]
    writer = write_docx if file_format == "docx" else write_xlsx
    table = read_responsibility_table(writer(tmp_path / f"merged.{file_format}", rows, merges))
    assert simple(table) == [
        (2, "（一）甲类", "1.措施一", "任务A", "常态化开展", ("区总工会",), ("区妇联",)),
        (3, "（一）甲类", "1.措施一", "任务B", "常态化开展", ("区总工会",), ()),
        (4, "（一）甲类", "2.措施二", "任务C", "2022年完成", ("区总工会",), ()),
        (5, "（二）乙类", "3.措施三", "任务D", "2023年完成", ("区财政局",), ()),
    ]


def test_second_header_row_under_vertically_merged_headers_is_not_a_task(
    tmp_path: Path,
) -> None:
    rows = [
        ["主要举措", "", "责任分解", "时间进度", "牵头单位", "配合单位"],
        ["类别", "举措", "", "", "", ""],
        ["（一）甲类", "1.措施一", "任务A", "2021年", "区人社局", ""],
    ]
    merges = [(0, 0, 0, 1), (0, 2, 1, 2), (0, 3, 1, 3), (0, 4, 1, 4), (0, 5, 1, 5)]
    table = read_responsibility_table(write_docx(tmp_path / "deep.docx", rows, merges))
    assert simple(table) == [(3, "（一）甲类", "1.措施一", "任务A", "2021年", ("区人社局",), ())]


def test_single_category_column_with_numbered_lines(tmp_path: Path) -> None:
    rows = [
        ["主要举措", "责任分解", "时间进度", "牵头单位", "配合单位"],
        ["（一）加强思想引领\n1.创新党建工作", "任务A", "常态化开展", "区委组织部", ""],
        ["", "任务B", "2021年启动", "区总工会", ""],
        ["2.强化政治引领", "任务C", "常态化开展", "区总工会", ""],
        ["（二）提升技能素质", "", "", "", ""],
        ["（1）深化职业教育", "任务D", "2022年完成", "区教育局", ""],
        ["3、健全培训制度", "任务E", "2023年完成", "区人社局", ""],
    ]
    merges = [(1, 0, 2, 0), (4, 0, 4, 4)]  # first cell over two rows; heading row across
    table = read_responsibility_table(write_docx(tmp_path / "single.docx", rows, merges))
    assert [(r.row_number, r.category, r.measure, r.task) for r in table.rows] == [
        (2, "（一）加强思想引领", "1.创新党建工作", "任务A"),
        (3, "（一）加强思想引领", "1.创新党建工作", "任务B"),
        (4, "（一）加强思想引领", "2.强化政治引领", "任务C"),
        (6, "（二）提升技能素质", "（1）深化职业教育", "任务D"),
        (7, "（二）提升技能素质", "3、健全培训制度", "任务E"),
    ]


def test_key_tasks_column_is_the_task_when_no_other_task_column(tmp_path: Path) -> None:
    rows = [
        ["序号", "重点任务", "完成时限", "责任单位"],
        ["1", "编制改革方案", "2021年6月底前", "区发改局"],
    ]
    table = read_responsibility_table(write_xlsx(tmp_path / "key.xlsx", rows))
    assert simple(table) == [(2, "", "", "编制改革方案", "2021年6月底前", ("区发改局",), ())]


def test_excel_numbers_and_dates_read_as_a_user_sees_them(tmp_path: Path) -> None:
    import datetime as dt

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["序号", "工作任务", "完成时限", "牵头单位"])
    sheet.append([1, "培训", dt.datetime(2021, 6, 30), "区人社局"])
    sheet.append([2, 2022, 2023, "区人社局"])
    workbook.save(tmp_path / "values.xlsx")
    rows = read_responsibility_table(tmp_path / "values.xlsx").rows
    assert [(r.task, r.schedule) for r in rows] == [("培训", "2021年6月30日"), ("2022", "2023")]


def test_word_row_with_grid_before_is_shifted(tmp_path: Path) -> None:
    rows = [
        ["序号", "责任分解", "时间进度", "牵头单位"],
        ["1", "任务A", "2021年", "区人社局"],
        ["2", "任务B", "2022年", "区教育局"],
    ]
    path = write_docx(tmp_path / "grid-before.docx", rows)
    document = docx.Document(str(path))
    tr = document.tables[0].rows[2]._tr
    tr.remove(tr.tc_lst[0])  # row 3 starts one grid column in, without a 序号 cell
    tr_pr = tr.get_or_add_trPr()
    grid_before = OxmlElement("w:gridBefore")
    grid_before.set(qn("w:val"), "1")
    tr_pr.insert(0, grid_before)
    document.save(str(path))
    table = read_responsibility_table(path)
    assert [(r.task, r.schedule, unit_names(r.lead_units)) for r in table.rows] == [
        ("任务A", "2021年", ("区人社局",)),
        ("任务B", "2022年", ("区教育局",)),
    ]


def test_empty_rows_and_repeated_header_are_skipped(tmp_path: Path) -> None:
    header = ["责任分解", "时间进度", "牵头单位"]
    rows = [
        header,
        ["任务A", "2021年", "区人社局"],
        ["", "", ""],
        header,
        ["任务B", "", "区人社局"],
    ]
    table = read_responsibility_table(write_xlsx(tmp_path / "gaps.xlsx", rows))
    assert [(r.row_number, r.task) for r in table.rows] == [(2, "任务A"), (5, "任务B")]


def test_task_text_lines_are_joined(tmp_path: Path) -> None:
    rows = [
        ["责任分解", "时间进度", "牵头单位"],
        ["建设公共实训\n基地  2个", "2021年\n完成", "区人社局"],
    ]
    table = read_responsibility_table(write_docx(tmp_path / "lines.docx", rows))
    assert (table.rows[0].task, table.rows[0].schedule) == ("建设公共实训基地 2个", "2021年完成")


# ---------------------------------------------------------------------------
# errors a user sees


def test_unsupported_file_type_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "任务.txt"
    path.write_text("责任分解\t时间进度", encoding="utf-8")
    with pytest.raises(TableReadError) as caught:
        read_responsibility_table(path)
    assert caught.value.file == "任务.txt"
    assert str(caught.value).startswith("任务.txt：")
    assert ".txt" in str(caught.value)


@pytest.mark.parametrize("name", ["broken.docx", "broken.xlsx"])
def test_corrupt_file_names_the_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 this is not really an office file")
    with pytest.raises(TableReadError) as caught:
        read_responsibility_table(path)
    assert str(caught.value).startswith(f"{name}：无法打开文件")


def test_word_file_without_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("只有正文，没有表格")
    document.save(str(tmp_path / "plain.docx"))
    with pytest.raises(TableReadError, match="没有表格") as caught:
        read_responsibility_table(tmp_path / "plain.docx")
    assert caught.value.file == "plain.docx"


@pytest.mark.parametrize("file_format", ["docx", "xlsx"])
def test_table_without_header(tmp_path: Path, file_format: str) -> None:
    rows = [["姓名", "电话"], ["张三", "123"]]
    writer = write_docx if file_format == "docx" else write_xlsx
    with pytest.raises(TableReadError, match="未找到表头") as caught:
        read_responsibility_table(writer(tmp_path / f"contacts.{file_format}", rows))
    assert caught.value.file == f"contacts.{file_format}"


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["责任分解", "牵头单位", "配合单位"], "时间进度"),
        (["主要举措", "时间进度", "配合单位"], "牵头单位"),
        (["主要举措", "时间进度", "配合单位"], "责任分解"),
        (["序号", "时间进度", "牵头单位"], "责任分解"),
    ],
)
def test_missing_column_is_named(tmp_path: Path, header: list[str], missing: str) -> None:
    path = write_xlsx(tmp_path / "cols.xlsx", [header, ["甲", "乙", "丙"]])
    with pytest.raises(TableReadError) as caught:
        read_responsibility_table(path)
    assert f"缺少「{missing}」列" in str(caught.value)
    assert str(caught.value).startswith("cols.xlsx")


def test_empty_task_cell_names_row_and_column_in_excel(tmp_path: Path) -> None:
    rows = [
        ["重点任务责任分工", "", "", ""],
        ["具体措施", "完成时限", "牵头单位", "配合单位"],
        ["任务A", "2021年", "区人社局", ""],
        ["", "2022年", "区教育局", "区财政局"],
    ]
    path = write_xlsx(tmp_path / "cixi.xlsx", rows, merges=[(0, 0, 0, 3)], first_row=10)
    with pytest.raises(TableReadError) as caught:
        read_responsibility_table(path)
    assert str(caught.value) == "cixi.xlsx 第13行「具体措施」列：任务内容为空"
    assert (caught.value.row, caught.value.column) == (13, "具体措施")


def test_empty_task_cell_names_word_row(tmp_path: Path) -> None:
    rows = [
        ["责任分解", "时间进度", "牵头单位"],
        ["任务A", "2021年", "区人社局"],
        ["", "2022年", "区教育局"],
    ]
    with pytest.raises(TableReadError) as caught:
        read_responsibility_table(write_docx(tmp_path / "w.docx", rows))
    assert str(caught.value) == "w.docx 第3行「责任分解」列：任务内容为空"


def test_reading_does_not_change_the_file(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "keep.docx", [["责任分解", "时间进度", "牵头单位"], ["A", "B", "C局"]]
    )
    before = path.read_bytes()
    read_responsibility_table(path)
    assert path.read_bytes() == before
