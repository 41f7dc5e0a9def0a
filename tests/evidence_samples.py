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


def ole_bytes(stream: str) -> bytes:
    """An OLE compound file whose directory names ``stream`` (e.g. "WordDocument")."""
    return OLE_SIGNATURE + bytes(504) + stream.encode("utf-16-le") + b"\x00\x00" + bytes(512)
