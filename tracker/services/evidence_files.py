"""What evidence files may be, judged by their bytes and what they hold, and how their
names and sizes are shown (see :mod:`tracker.services.evidence`)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import puremagic

from tracker.io.containers import ContainerLimits
from tracker.io.file_checks import ole_streams, ole_threat, ooxml_threat, pdf_threat

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileType:
    """An accepted kind of file: its MIME type and a Chinese label for the page."""

    content_type: str
    label: str


PDF = FileType("application/pdf", "PDF")
JPEG = FileType("image/jpeg", "JPEG 图片")
PNG = FileType("image/png", "PNG 图片")
GIF = FileType("image/gif", "GIF 图片")
WEBP = FileType("image/webp", "WebP 图片")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"
)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格")
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint 演示文稿",
)
DOC = FileType("application/msword", "Word 文档（97-2003）")
XLS = FileType("application/vnd.ms-excel", "Excel 表格（97-2003）")
PPT = FileType("application/vnd.ms-powerpoint", "PowerPoint 演示文稿（97-2003）")

ACCEPTED_TYPES = (PDF, JPEG, PNG, GIF, WEBP, DOCX, XLSX, PPTX, DOC, XLS, PPT)
#: What the page tells users they may upload.
ACCEPTED_LABEL = "PDF、JPEG/PNG/GIF/WebP 图片、Word、Excel、PowerPoint"
#: Extensions offered by the browser's file picker (a hint only; the bytes decide).
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx"

_BY_MAGIC = {kind.content_type: kind for kind in (PDF, JPEG, PNG, GIF, WEBP)}
_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
#: Folders of the Office Open XML packages (a .docx is a ZIP with word/…).
_OOXML_FOLDERS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
#: Root streams of the old OLE compound documents, in order of precedence.
_OLE_STREAMS = (
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),
    ("PowerPoint Document", PPT),
)


class FileRefused(ValueError):
    """A file that may not be kept as evidence; the message (Chinese) names the file and
    the reason: not an accepted kind, or a macro, program, script or over-limit container
    inside an accepted one."""


# ---------------------------------------------------------------------------- detection


def detect_type(data: bytes, name: str, *, limits: ContainerLimits) -> FileType:
    """The accepted file type of ``data`` (called ``name`` in messages), judged by its bytes
    alone and by what it holds.

    ZIP files count only as Word/Excel/PowerPoint packages (``[Content_Types].xml`` and a
    ``word/``, ``xl/`` or ``ppt/`` folder) and must pass :func:`~tracker.io.file_checks.
    ooxml_threat` with ``limits`` (members, inflated size, ratio, a sheet's rows/columns; no
    macro or ActiveX part, no program under any name). OLE files (D0 CF 11 E0 …) must parse
    and pass :func:`~tracker.io.file_checks.ole_threat`; their kind comes from their root
    streams (WordDocument → .doc, Workbook/Book → .xls, PowerPoint Document → .ppt).
    Everything else is asked of puremagic and must be a JPEG/PNG/GIF/WebP image or a PDF
    that passes :func:`~tracker.io.file_checks.pdf_threat` (no JavaScript, launch action or
    embedded file).

    Raises :class:`FileRefused` naming ``name`` and the reason.
    """
    if data.startswith(_ZIP_SIGNATURE):
        kind = _office_open_xml(data)
        reason = ooxml_threat(data, name, limits) if kind else None
    elif data.startswith(_OLE_SIGNATURE):
        reason = ole_threat(data, name)
        kind = None if reason else _ole_document(data)
    else:
        kind = _by_magic(data)
        reason = pdf_threat(data, name) if kind is PDF else None
    if reason:
        raise FileRefused(f"{reason}，未上传。")
    if kind is None:
        raise FileRefused(
            f"文件“{name}”的内容不是允许的类型（{ACCEPTED_LABEL}），未上传。"
            "系统按文件内容判断类型，改扩展名无效。"
        )
    return kind


def _office_open_xml(data: bytes) -> FileType | None:
    """DOCX/XLSX/PPTX by the entries of the ZIP (names only: nothing is decompressed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for folder, kind in _OOXML_FOLDERS:
        if any(name.startswith(folder) for name in names):
            return kind
    return None


def _ole_document(data: bytes) -> FileType | None:
    """DOC/XLS/PPT by the root streams of the compound file; other OLE files (installers,
    summary-only files …) are refused."""
    try:
        streams = ole_streams(data)
    except (OSError, ValueError):
        return None
    for stream, kind in _OLE_STREAMS:
        if stream in streams:
            return kind
    return None


def _by_magic(data: bytes) -> FileType | None:
    """PDF or an image by puremagic's best-confidence matches."""
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return None
    if not matches:
        return None
    best = max(match.confidence for match in matches)
    for match in matches:
        if match.confidence == best and match.mime_type in _BY_MAGIC:
            return _BY_MAGIC[match.mime_type]
    return None


def type_label(content_type: str) -> str:
    """The Chinese label of a stored content type; the type itself when unknown."""
    for kind in ACCEPTED_TYPES:
        if kind.content_type == content_type:
            return kind.label
    return content_type


def format_size(size_bytes: int) -> str:
    """Bytes as "0.5 KB", "12.3 KB", "1.5 MB" or "20 MB" (1 KB = 1024 bytes)."""
    if size_bytes < MIB:
        return f"{max(round(size_bytes / 1024, 1), 0.1):g} KB"
    return f"{round(size_bytes / MIB, 1):g} MB"


def clean_name(raw: str | None) -> str:
    """The user's file name without any folder part or control characters, at most 255
    characters (the extension kept); "未命名文件" when nothing is left. Kept for display
    and downloads only: it never becomes part of a path."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        keep = f"{dot}{extension}" if dot and len(extension) <= 10 else ""
        name = (stem if keep else name)[: 255 - len(keep)] + keep
    return name or "未命名文件"
