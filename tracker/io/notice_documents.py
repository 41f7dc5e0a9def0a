"""Supervision notices (督办通知单) as Word (.docx, python-docx) and PDF (fpdf2) files.

Both files carry the same content, built from a :class:`NoticeData`: the title, the
number (慈产改督〔2020〕3号), the addressee unit, the task, what is overdue, the new
deadline, the issuing office and date, and a receipt block (签收人 / 签收时间) left blank
for the unit to fill in.

The PDF embeds a subset of Noto Sans CJK SC (the OpenType/CFF file shipped by the
``mplfonts`` wheel, found by :func:`tracker.io.charts.cjk_font_path`); fpdf2 reads it with
fontTools and writes a CID Type 0C font with a ToUnicode map, so Chinese text both renders
and can be extracted.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from fpdf import FPDF

from tracker.io.chart_fonts import cjk_font_path

__all__ = ["NoticeData", "notice_docx", "notice_lines", "notice_pdf"]

TITLE = "督办通知单"
SUBTITLE = "督 办 单"
DEFAULT_OFFICE = "市产业工人队伍建设改革协调小组办公室"
_FONT = "NotoSansCJKsc"
_DOCX_FONT = "宋体"
_pdf_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class NoticeData:
    """What a notice says: ``number`` "慈产改督〔2020〕3号", ``unit`` the addressee's name,
    ``task`` the task text, ``period`` the report period label or None, ``overdue_text``
    what is overdue, ``new_deadline`` and ``issued_on`` dates, ``office`` the issuer."""

    number: str
    unit: str
    task: str
    period: str | None
    overdue_text: str
    new_deadline: date
    issued_on: date
    office: str = DEFAULT_OFFICE


def chinese_date(day: date) -> str:
    """2020-10-09 → "2020年10月9日"."""
    return f"{day.year}年{day.month}月{day.day}日"


def notice_lines(data: NoticeData) -> list[tuple[str, str]]:
    """The labelled lines of the body, in order: [(label, text), …]."""
    lines = [("任务", data.task)]
    if data.period:
        lines.append(("报告期", data.period))
    lines += [
        ("逾期事项", data.overdue_text),
        ("整改期限", f"请于{chinese_date(data.new_deadline)}前完成并在系统中答复。"),
    ]
    return lines


def _salutation(data: NoticeData) -> str:
    return f"{data.unit}："


def _request_text() -> str:
    return (
        "经检查，贵单位承担的改革任务存在以下逾期事项，现予督办。"
        "请高度重视，按期整改，并及时签收、答复。"
    )


# ---------------------------------------------------------------------------- docx


def notice_docx(data: NoticeData) -> bytes:
    """The notice as a .docx file (bytes): title, number, addressee, body lines, issuer
    and date, and a receipt table 签收人 / 签收时间."""
    document = Document()
    _docx_default_font(document)
    _docx_centered(document, TITLE, size=22, bold=True)
    _docx_centered(document, SUBTITLE, size=16, bold=True)
    _docx_centered(document, data.number, size=14)
    document.add_paragraph(_salutation(data))
    document.add_paragraph(_request_text())
    for label, text in notice_lines(data):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(text)
    for text in (data.office, chinese_date(data.issued_on)):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _docx_receipt(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_default_font(document: DocxDocument) -> None:
    """Body text 12 pt in 宋体 for East Asian characters."""
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    style.font.name = _DOCX_FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _DOCX_FONT)


def _docx_centered(document: DocxDocument, text: str, *, size: int, bold: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _docx_receipt(document: DocxDocument) -> None:
    """A 2×2 table: 签收人 and 签收时间 with empty cells to sign in."""
    document.add_paragraph("签收回执")
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for row, label in zip(table.rows, ("签收人", "签收时间"), strict=True):
        row.cells[0].text = label


# ---------------------------------------------------------------------------- pdf


def notice_pdf(data: NoticeData) -> bytes:
    """The notice as a PDF file (bytes), A4, Noto Sans CJK SC embedded (subset).

    Raises FileNotFoundError when the mplfonts font file is missing.
    """
    with _pdf_lock:  # fpdf2 objects are not shared, but font parsing is heavy: one at a time
        pdf = FPDF(format="A4")
        pdf.set_margins(25, 25, 25)
        pdf.set_auto_page_break(auto=True, margin=25)
        pdf.add_font(_FONT, fname=str(cjk_font_path()))
        pdf.add_page()
        _pdf_body(pdf, data)
        return bytes(pdf.output())


def _pdf_line(pdf: FPDF, text: str, *, size: int = 12, align: str = "L", gap: float = 2) -> None:
    pdf.set_font(_FONT, size=size)
    pdf.multi_cell(0, size * 0.6, text, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _pdf_body(pdf: FPDF, data: NoticeData) -> None:
    _pdf_line(pdf, TITLE, size=22, align="C")
    _pdf_line(pdf, SUBTITLE, size=16, align="C")
    _pdf_line(pdf, data.number, size=13, align="C", gap=6)
    _pdf_line(pdf, _salutation(data))
    _pdf_line(pdf, _request_text(), gap=4)
    for label, text in notice_lines(data):
        _pdf_line(pdf, f"{label}：{text}")
    pdf.ln(6)
    _pdf_line(pdf, data.office, align="R")
    _pdf_line(pdf, chinese_date(data.issued_on), align="R", gap=10)
    _pdf_receipt(pdf)


def _pdf_receipt(pdf: FPDF) -> None:
    """A bordered receipt block: 签收人 / 签收时间 with blank cells."""
    _pdf_line(pdf, "签收回执")
    pdf.set_font(_FONT, size=12)
    for label in ("签收人", "签收时间"):
        pdf.cell(40, 10, label, border=1)
        pdf.cell(0, 10, "", border=1, new_x="LMARGIN", new_y="NEXT")
