"""Evidence is judged by what it holds: macros, programs and scripts are refused whatever the
file is called; clean Word, Excel, PowerPoint, old Office and PDF files pass."""

from __future__ import annotations

import zlib

import pytest

from tests.evidence_samples import (
    EXE,
    OLE_SIGNATURE,
    PDF,
    docm_bytes,
    docx_bytes,
    pptx_bytes,
    xlsx_bytes,
    zip_bytes,
)
from tests.ole_samples import ole_file, word_97
from tracker.io.file_checks import ole_threat, ooxml_threat, pdf_threat

CONTENT_TYPES = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


@pytest.mark.parametrize("data", [docx_bytes(), xlsx_bytes(), pptx_bytes()])
def test_clean_office_packages_pass(data: bytes) -> None:
    assert ooxml_threat(data, "材料") is None


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        (
            {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w/>", "setup.exe": EXE},
            "不属于 Office 文档的部件 setup.exe",
        ),
        (
            {"[Content_Types].xml": CONTENT_TYPES, "word/media/image1.png": EXE},
            "word/media/image1.png 是可执行程序",
        ),
        (
            {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w/>", "word/a.bin": EXE},
            "word/a.bin 是可执行程序",
        ),
        (
            {
                "[Content_Types].xml": b'<Types><Override ContentType="application/'
                b'vnd.ms-office.vbaProject"/></Types>',
                "word/document.xml": b"<w/>",
                "word/payload.dat.xml": b"<x/>",
            },
            "含有宏或 ActiveX 控件",
        ),
        ({"word/document.xml": b"<w/>"}, "缺少 [Content_Types].xml"),
    ],
)
def test_packages_hiding_programs_or_macros_are_refused(
    entries: dict[str, bytes], reason: str
) -> None:
    refusal = ooxml_threat(zip_bytes(entries), "材料.docx")
    assert refusal is not None and reason in refusal and "材料.docx" in refusal


def test_a_macro_part_is_refused_under_its_own_name() -> None:
    refusal = ooxml_threat(docm_bytes(), "宏.docx")
    assert refusal is not None and "宏" in refusal


def test_an_embedded_ole_object_is_checked_too() -> None:
    embedded = ole_file({"\x01Ole10Native": b"\x10\x00\x00\x00run.exe\x00" + EXE})
    package = zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": b"<w/>",
            "word/embeddings/oleObject1.bin": embedded,
        }
    )
    refusal = ooxml_threat(package, "嵌入.docx")
    assert refusal is not None and "可执行程序" in refusal


def test_a_real_word_97_file_passes() -> None:
    assert ole_threat(word_97(), "旧版.doc") is None


def test_old_office_files_with_macros_or_programs_are_refused() -> None:
    macros = ole_file({"WordDocument": b"text"}, ("Macros", {"VBA": b"Attribute VB_Name"}))
    assert "含有宏" in (ole_threat(macros, "宏.doc") or "")
    package = ole_file({"WordDocument": b"x", "\x01Ole10Native": b"\x10\0\0\0a.exe\0" + EXE})
    assert "可执行程序" in (ole_threat(package, "包.doc") or "")


def test_a_fake_ole_header_in_front_of_a_program_is_refused() -> None:
    fake = OLE_SIGNATURE + bytes(504) + "WordDocument".encode("utf-16-le") + EXE
    refusal = ole_threat(fake, "伪装.doc")
    assert refusal is not None and "不是有效的 Office 文档" in refusal


def test_a_plain_pdf_passes() -> None:
    assert pdf_threat(PDF, "报告.pdf") is None


@pytest.mark.parametrize(
    "action",
    [
        b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>",
        b"/OpenAction<</S/Launch/F(cmd.exe)>>",
        b"/Names<</EmbeddedFiles 9 0 R>>",
        b"/OpenAction<</S/J#61vaScript/JS(x)>>",
    ],
)
def test_pdfs_with_scripts_launches_or_attachments_are_refused(action: bytes) -> None:
    data = PDF.replace(b"/Type/Catalog", b"/Type/Catalog" + action)
    refusal = pdf_threat(data, "报告.pdf")
    assert refusal is not None and "报告.pdf" in refusal


def _with_object(obj: bytes) -> bytes:
    return PDF.replace(b"trailer", obj + b"\ntrailer")


def _object_stream(objects: bytes, dictionary: bytes = b"/Type/ObjStm/N 1/First 4") -> bytes:
    packed = zlib.compress(objects)
    return _with_object(
        b"6 0 obj<<" + dictionary + b"/Length %d/Filter/FlateDecode>>stream\n" % len(packed)
        + packed + b"\nendstream endobj"
    )  # fmt: skip


def test_image_bytes_that_happen_to_read_js_pass() -> None:
    """Compressed image data holds "/JS" by chance about once in 20 MB: not a script."""
    body = b"\x8f\x02/JS\x07\x91\xee" * 3 + b"/JSP" + b"\x00" * 64
    image = b"4 0 obj<</Length %d/Filter/DCTDecode>>stream\n" % len(body) + body
    assert pdf_threat(_with_object(image + b"\nendstream endobj"), "扫描件.pdf") is None


@pytest.mark.parametrize(
    "dictionary", [b"/Type/ObjStm/N 1/First 4", b"/N 1/First 4", b"/Type/Obj#53tm/N 1/First 4"]
)
def test_a_script_packed_in_a_compressed_object_stream_is_refused(dictionary: bytes) -> None:
    data = _object_stream(b"5 0 <</S/JavaScript/JS(app.alert(1))>>", dictionary)
    refusal = pdf_threat(data, "压缩.pdf")
    assert refusal is not None and "/JavaScript" in refusal and "压缩.pdf" in refusal


def test_object_streams_without_actions_pass_and_unreadable_ones_are_refused() -> None:
    assert pdf_threat(_object_stream(b"5 0 <</Type/Font/Subtype/Type1>>"), "a.pdf") is None
    unreadable = _with_object(
        b"6 0 obj<</Type/ObjStm/N 1/First 4/Length 9/Filter/FlateDecode>>stream\n"
        b"encrypted\nendstream endobj"
    )
    assert "对象流无法解压检查" in (pdf_threat(unreadable, "加密.pdf") or "")
    lzw = _with_object(b"6 0 obj<</Type/ObjStm/N 1/First 4/Filter/LZWDecode>>stream\nx\nendstream")
    assert "对象流无法解压检查" in (pdf_threat(lzw, "旧.pdf") or "")


def test_a_chart_workbook_embedded_in_word_is_checked_like_the_file() -> None:
    """Word keeps a chart's data as word/embeddings/…xlsx: a clean one passes, one carrying
    a program is refused naming where it sits."""

    def word_with(embedded: bytes) -> bytes:
        return zip_bytes(
            {
                "[Content_Types].xml": CONTENT_TYPES,
                "word/document.xml": b"<w/>",
                "word/charts/chart1.xml": b"<c:chartSpace/>",
                "word/embeddings/Microsoft_Excel_Worksheet.xlsx": embedded,
            }
        )

    assert ooxml_threat(word_with(xlsx_bytes()), "图表.docx") is None
    bad = zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "xl/run.exe": EXE})
    refusal = ooxml_threat(word_with(bad), "图表.docx")
    assert refusal is not None
    assert "图表.docx 中的 word/embeddings/Microsoft_Excel_Worksheet.xlsx" in refusal
    assert "xl/run.exe" in refusal
