"""Real files of every accepted kind, and impostors, built in memory for the evidence tests."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
from PIL import Image

#: A minimal, valid one-page PDF.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _exe() -> bytes:
    """The headers of a Windows executable: "MZ", e_lfanew (at 0x3C) → "PE\\0\\0"."""
    header = bytearray(0x40 + 0x100)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = (0x40).to_bytes(4, "little")
    header[0x40:0x44] = b"PE\x00\x00"
    return bytes(header)


#: The start of a Windows executable.
EXE = _exe()

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


def image(kind: str) -> bytes:
    """A 4×4 red image saved as ``kind`` ("PNG", "JPEG", "GIF", "WEBP")."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def docx_bytes(text: str = "三季度工作进展") -> bytes:
    """A Word document written by python-docx."""
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """An Excel workbook written by openpyxl."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["单位", "覆盖率"])
    workbook.active.append(["市委组织部", 0.25])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    """A ZIP holding ``entries`` (name → content)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def pptx_bytes() -> bytes:
    """The package structure of a PowerPoint file (python-pptx is not a dependency)."""
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "ppt/presentation.xml": b"<p:presentation/>",
        }
    )


def docm_bytes() -> bytes:
    """A macro-enabled Word package (refused)."""
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"\x00macro",
        }
    )


def fake_ole(stream: str = "WordDocument") -> bytes:
    """An OLE signature and the UTF-16 name of ``stream`` in front of a Windows program:
    no compound file olefile can parse (once stored as a .doc for the name alone)."""
    return OLE_SIGNATURE + bytes(504) + stream.encode("utf-16-le") + b"\x00\x00" + EXE


#: A content types part as Office writes it.
CONTENT_TYPES = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_with_program() -> bytes:
    """A ZIP with the parts of a Word package and a program beside them."""
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": b"<w:document/>",
            "word/setup.exe": EXE,
        }
    )


def docx_with_hidden_macro() -> bytes:
    """A Word package whose macro part has an innocent name but is declared a VBA project
    in ``[Content_Types].xml``."""
    return zip_bytes(
        {
            "[Content_Types].xml": b'<Types><Override PartName="/word/styles2.xml" '
            b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            "word/document.xml": b"<w:document/>",
            "word/styles2.xml": b"\x00macro",
        }
    )


def pdf_with_javascript() -> bytes:
    """A PDF that runs JavaScript when opened."""
    return PDF.replace(
        b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>"
    )


def docx_bomb(inflated_mb: int = 4) -> bytes:
    """A Word package whose document part inflates to ``inflated_mb`` MiB of zeros from a
    few KB (ratio ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = bytes(1 << 20)
            for _ in range(inflated_mb):
                part.write(chunk)
    return buffer.getvalue()
