"""The self-assessment form (自评表) as a .docx in the layout of the source table: 序号,
一级指标, 二级指标, 三级指标（分值）, 考核要点, 自评情况, 自评分, 审核意见, 审核得分, the level-1
and level-2 cells merged down the rows they cover (issue 5 §4)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Protocol

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

HEADERS = (
    "序号",
    "一级指标",
    "二级指标",
    "三级指标（分值）",
    "考核要点",
    "自评情况",
    "自评分",
    "审核意见",
    "审核得分",
)
WIDTHS_CM = (1.0, 2.4, 2.6, 3.6, 5.0, 5.0, 1.4, 3.6, 1.4)
FONT = "宋体"


# Read-only members (properties), so that the models' Mapped attributes and FormRow match.
class _Node(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def points(self) -> float | None: ...
    @property
    def key_points(self) -> str: ...


class _Entry(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def proposed_score(self) -> float | None: ...
    @property
    def opinion(self) -> str: ...
    @property
    def final_score(self) -> float | None: ...


class Row(Protocol):
    """What a row of the form gives (see ``tracker.services.self_assessment.FormRow``)."""

    @property
    def number(self) -> int: ...
    @property
    def indicator(self) -> _Node: ...
    @property
    def level1(self) -> _Node | None: ...
    @property
    def level2(self) -> _Node | None: ...
    @property
    def entry(self) -> _Entry | None: ...
    @property
    def level1_span(self) -> int: ...
    @property
    def level2_span(self) -> int: ...


def score_text(value: float | None) -> str:
    """A score as "4" or "3.5"; empty when none."""
    return "" if value is None else f"{value:g}"


def indicator_title(node: _Node) -> str:
    """The level-3 name with its points, "（15分）" added unless the name already says."""
    if node.points is None or "分" in node.name[-6:]:
        return node.name
    return f"{node.name}（{node.points:g}分）"


def row_cells(row: Row) -> list[str]:
    """The nine texts of a row."""
    entry = row.entry
    return [
        str(row.number),
        row.level1.name if row.level1 else "",
        row.level2.name if row.level2 else "",
        indicator_title(row.indicator),
        row.indicator.key_points,
        entry.text if entry else "",
        score_text(entry.proposed_score) if entry else "",
        entry.opinion if entry else "",
        score_text(entry.final_score) if entry else "",
    ]


def self_assessment_docx(rows: Sequence[Row], set_name: str, unit_name: str) -> bytes:
    """The form of ``unit_name`` for ``set_name`` as .docx bytes (landscape A4)."""
    document = Document()
    _landscape(document)
    _set_font(document)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{set_name}自评表")
    run.bold = True
    run.font.size = Pt(16)
    document.add_paragraph(f"被考核单位：{unit_name}")
    table = document.add_table(rows=1 + len(rows), cols=len(HEADERS))
    table.style = "Table Grid"
    _fill(table, rows)
    _merge(table, rows)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _landscape(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))


def _set_font(document: DocxDocument) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(9)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _fill(table: Table, rows: Sequence[Row]) -> None:
    for index, header in enumerate(HEADERS):
        cell = table.rows[0].cells[index]
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
        cell.width = Cm(WIDTHS_CM[index])
    for offset, row in enumerate(rows, start=1):
        for index, text in enumerate(row_cells(row)):
            cell = table.rows[offset].cells[index]
            cell.text = text
            cell.width = Cm(WIDTHS_CM[index])


def _merge(table: Table, rows: Sequence[Row]) -> None:
    """Merge each level-1/2 cell down the rows it covers (text kept once)."""
    for offset, row in enumerate(rows, start=1):
        for column, span in ((1, row.level1_span), (2, row.level2_span)):
            if span > 1:
                top = table.cell(offset, column)
                text = top.text
                merged = top.merge(table.cell(offset + span - 1, column))
                merged.text = text
