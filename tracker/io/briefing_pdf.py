"""A briefing (专报) as PDF (fpdf2), the same content as the Word file; A4, Noto Sans CJK
SC embedded as a subset (as the supervision notices do), charts as pictures."""

from __future__ import annotations

import io
import threading

from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace, TTFFont

from tracker.io.briefing_data import LEAGUE_HEADERS, BriefingData, chinese_date, league_cells
from tracker.io.chart_fonts import cjk_font_path

_FONT = "NotoSansCJKsc"
_RED = (192, 0, 0)
_lock = threading.Lock()


def briefing_pdf(data: BriefingData) -> bytes:
    """The PDF file's bytes. Raises FileNotFoundError when the font file is missing."""
    with _lock:
        pdf = FPDF(format="A4")
        pdf.set_margins(25, 25, 22)
        pdf.set_auto_page_break(auto=True, margin=22)
        pdf.add_font(_FONT, fname=str(cjk_font_path()))
        for font in pdf.fonts.values():  # the source's bounding box stays right for a subset;
            if isinstance(font, TTFFont):  # recomputing it walks every CFF glyph (seconds)
                font.ttfont.recalcBBoxes = False
        pdf.add_page()
        _masthead(pdf, data)
        _line(pdf, data.title, size=16, align="C", gap=4)
        _heading(pdf, "一、总体情况")
        _line(pdf, data.overview)
        for image in data.images[:1]:
            _picture(pdf, image.png, image.caption)
        _heading(pdf, "二、责任单位推进情况排名")
        _league(pdf, data)
        _heading(pdf, "三、滞后任务及原因")
        if not data.lagging:
            _line(pdf, "目前没有滞后、未达标或逾期未报的任务。")
        for number, task in enumerate(data.lagging, start=1):
            _line(
                pdf, f"{number}. {task.text}（{task.state}；{task.units}；{task.figures}）", gap=0
            )
            _line(pdf, f"    原因：{task.reason or '单位未说明。'}")
        for image in data.images[1:]:
            _picture(pdf, image.png, image.caption)
        _heading(pdf, "四、逾期未报单位")
        _line(pdf, "、".join(data.overdue_units) if data.overdue_units else "无。")
        _heading(pdf, "五、领导批示及落实情况")
        if not data.instructions:
            _line(pdf, "本期无领导批示。")
        for item in data.instructions:
            _line(pdf, f"{item.task}：{item.text}", gap=0)
            _line(pdf, f"    落实情况：{item.answer or '尚未回复。'}")
        _rule(pdf)
        _line(pdf, f"报送：市委、市政府分管领导。抄送：各责任单位。（{data.office}编印）", size=10)
        return bytes(pdf.output())


def _line(pdf: FPDF, text: str, *, size: float = 11, align: str = "L", gap: float = 2) -> None:
    pdf.set_font(_FONT, size=size)
    pdf.multi_cell(  # CJK runs have no spaces: wrap at any character
        0, size * 0.55, text, align=align, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR
    )
    pdf.ln(gap)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    _line(pdf, text, size=13, gap=1)


def _rule(pdf: FPDF) -> None:
    pdf.set_draw_color(*_RED)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)


def _masthead(pdf: FPDF, data: BriefingData) -> None:
    pdf.set_text_color(*_RED)
    _line(pdf, data.masthead, size=30, align="C", gap=2)
    pdf.set_text_color(0, 0, 0)
    _line(pdf, data.issue, size=13, align="C", gap=3)
    pdf.set_font(_FONT, size=11)
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.cell(width, 7, data.office)
    pdf.cell(width, 7, chinese_date(data.issued_on), align="R", new_x="LMARGIN", new_y="NEXT")
    _rule(pdf)


def _picture(pdf: FPDF, png: bytes, caption: str) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=width)
    _line(pdf, caption, size=9, align="C")


def _league(pdf: FPDF, data: BriefingData) -> None:
    if not data.units:
        _line(pdf, "暂无可排名的单位。")
        return
    pdf.set_font(_FONT, size=8.5)
    widths = (10, 12, 48, 12, 12, 14, 16, 20)
    with pdf.table(
        col_widths=widths,
        text_align="CENTER",
        headings_style=FontFace(emphasis=None, fill_color=(238, 242, 246)),
        line_height=5,
    ) as table:
        table.row(LEAGUE_HEADERS)
        for unit in data.units:
            table.row(league_cells(unit))
    pdf.ln(2)
