"""A briefing (专报) as Word (.docx, python-docx) in the layout of a government bulletin:
the red masthead, the issue number, the issuing office and date above a red rule, then
the title and numbered sections (一、总体情况 … 五、领导批示及落实情况) with the league
table, the lagging tasks with their reasons and the charts as pictures."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from tracker.io.briefing_data import LEAGUE_HEADERS, BriefingData, chinese_date, league_cells

_RED = RGBColor(0xC0, 0x00, 0x00)
_BODY_FONT = "仿宋"
_HEAD_FONT = "黑体"
_TITLE_FONT = "方正小标宋简体"


def briefing_docx(data: BriefingData) -> bytes:
    """The .docx file's bytes."""
    document = Document()
    _page(document)
    _masthead(document, data)
    _centred(document, data.title, size=18, font=_TITLE_FONT, bold=True)
    _heading(document, "一、总体情况")
    _para(document, data.overview)
    for image in data.images[:1]:
        _picture(document, image.png, image.caption)
    _heading(document, "二、责任单位推进情况排名")
    _league(document, data)
    _heading(document, "三、滞后任务及原因")
    if not data.lagging:
        _para(document, "目前没有滞后、未达标或逾期未报的任务。")
    for number, task in enumerate(data.lagging, start=1):
        _para(document, f"{number}．{task.text}（{task.state}；{task.units}；{task.figures}）")
        _para(document, f"原因：{task.reason or '单位未说明。'}", indent=True)
    for image in data.images[1:]:
        _picture(document, image.png, image.caption)
    _heading(document, "四、逾期未报单位")
    _para(document, "、".join(data.overdue_units) if data.overdue_units else "无。")
    _heading(document, "五、领导批示及落实情况")
    if not data.instructions:
        _para(document, "本期无领导批示。")
    for item in data.instructions:
        _para(document, f"{item.task}：{item.text}")
        _para(document, f"落实情况：{item.answer or '尚未回复。'}", indent=True)
    _closing(document, data)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    style = document.styles["Normal"]
    style.font.size = Pt(14)  # 四号
    style.font.name = _BODY_FONT
    style.element.rPr.rFonts.set(qn("w:eastAsia"), _BODY_FONT)


def _run_font(run: object, font: str) -> None:
    element = run._element  # type: ignore[attr-defined]
    element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _centred(
    document: DocxDocument,
    text: str,
    *,
    size: int,
    font: str,
    bold: bool = False,
    colour: RGBColor | None = None,
) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, font
    _run_font(run, font)
    if colour is not None:
        run.font.color.rgb = colour
    return paragraph


def _masthead(document: DocxDocument, data: BriefingData) -> None:
    _centred(document, data.masthead, size=36, font=_TITLE_FONT, bold=True, colour=_RED)
    _centred(document, data.issue, size=16, font=_BODY_FONT)
    line = document.add_paragraph()
    line.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), alignment=2)  # right
    run = line.add_run(f"{data.office}\t{chinese_date(data.issued_on)}")
    run.font.size = Pt(14)
    _red_rule(line)


def _red_rule(paragraph: Paragraph) -> None:
    """A thick red bottom border under ``paragraph`` (the bulletin's 红线)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "24"),
        ("w:space", "1"),
        ("w:color", "C00000"),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def _heading(document: DocxDocument, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.name, run.font.size = _HEAD_FONT, Pt(16)
    _run_font(run, _HEAD_FONT)
    paragraph.paragraph_format.space_before = Pt(8)


def _para(document: DocxDocument, text: str, *, indent: bool = False) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(28) if indent else None
    paragraph.paragraph_format.line_spacing = Pt(28)


def _picture(document: DocxDocument, png: bytes, caption: str) -> None:
    document.add_picture(io.BytesIO(png), width=Cm(15.5))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _centred(document, caption, size=12, font=_BODY_FONT)


def _league(document: DocxDocument, data: BriefingData) -> None:
    if not data.units:
        _para(document, "暂无可排名的单位。")
        return
    table = document.add_table(rows=1, cols=len(LEAGUE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, LEAGUE_HEADERS, strict=True):
        cell.text = header
    for unit in data.units:
        for cell, text in zip(table.add_row().cells, league_cells(unit), strict=True):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10.5)


def _closing(document: DocxDocument, data: BriefingData) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(18)
    _red_rule(paragraph)
    _para(document, f"报送：市委、市政府分管领导。  抄送：各责任单位。  （{data.office}编印）")
