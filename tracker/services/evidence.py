"""Evidence (佐证材料): files attached to a progress report or to a contribution.

Files are checked by their bytes (never by their names), kept outside the web root under
a generated name (32 hex digits of a uuid4, nothing from the user's name), and recorded
with the user's file name, the content type found, the size in bytes and the SHA-256.
Removing evidence only sets ``removed_at``: neither the row nor the file is deleted.
Functions here flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import puremagic
import sqlalchemy as sa

from tracker.extensions import db
from tracker.io.files import store_new_file
from tracker.models import (
    Contribution,
    Evidence,
    ProgressReport,
    ReportStatus,
    SelfAssessment,
    Task,
    User,
)
from tracker.models._types import utcnow
from tracker.services import audit
from tracker.services.errors import Conflict, NotFound, ServiceError

MIB = 1024 * 1024
_CHUNK = 64 * 1024
STORED_NAME = re.compile(r"[0-9a-f]{32}")
#: Reports in these states are closed: their evidence can no longer change.
LOCKED_STATUSES = frozenset({ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED})


class Upload(Protocol):
    """What :func:`attach` reads: werkzeug's ``FileStorage`` or anything with a binary
    ``stream`` and the ``filename`` the user's browser sent."""

    @property
    def filename(self) -> str | None: ...

    @property
    def stream(self) -> IO[bytes]: ...


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
#: Streams of the old OLE compound documents, named in UTF-16 in the file's directory.
_OLE_STREAMS = (
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),
    ("PowerPoint Document", PPT),
)


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One evidence file as a page lists it: the record and the uploader's name."""

    evidence: Evidence
    uploader: str

    @property
    def size_text(self) -> str:
        """The size as "12.3 KB" or "1.5 MB"."""
        return format_size(self.evidence.size_bytes)

    @property
    def type_label(self) -> str:
        """The content type in Chinese ("PDF", "Word 文档" …)."""
        return type_label(self.evidence.content_type)


# ---------------------------------------------------------------------------- detection


def detect_type(data: bytes) -> FileType | None:
    """The accepted file type of ``data`` judged by its bytes alone, or None.

    ZIP files count only as Word/Excel/PowerPoint packages (``[Content_Types].xml`` and a
    ``word/``, ``xl/`` or ``ppt/`` folder, no macros); OLE files (D0 CF 11 E0 …) only when
    they hold a Word, Excel or PowerPoint stream; everything else is asked of puremagic
    and must be a PDF or a JPEG/PNG/GIF/WebP image.
    """
    if data.startswith(_ZIP_SIGNATURE):
        return _office_open_xml(data)
    if data.startswith(_OLE_SIGNATURE):
        return _ole_document(data)
    return _by_magic(data)


def _office_open_xml(data: bytes) -> FileType | None:
    """DOCX/XLSX/PPTX by the entries of the ZIP (names only: nothing is decompressed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names or any("vbaproject" in n.lower() for n in names):
        return None
    for folder, kind in _OOXML_FOLDERS:
        if any(name.startswith(folder) for name in names):
            return kind
    return None


def _ole_document(data: bytes) -> FileType | None:
    """DOC/XLS/PPT by the stream names of the compound file; other OLE files (installers,
    …) are refused."""
    for stream, kind in _OLE_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in data:
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


# ---------------------------------------------------------------------------- use cases


def attach(
    target: ProgressReport | Contribution | SelfAssessment,
    upload: Upload,
    user: User,
    *,
    storage_dir: Path,
    max_bytes: int,
) -> Evidence:
    """Store ``upload`` as evidence of a report, a contribution or a self-assessment
    entry (自评), and audit it.

    ``max_bytes`` is the size limit of one file in bytes. The file is written to
    ``storage_dir`` (created if missing) under a generated name; the row records the
    user's file name, the content type found from the bytes, the size and the SHA-256.
    Flushes; the caller commits.

    Raises ServiceError (field "file") naming the file when it is empty, larger than
    ``max_bytes`` or not an accepted type; Conflict when the report is already accepted.
    """
    report = None if isinstance(target, SelfAssessment) else _report_of_target(target)
    if report is not None:
        _check_open(report)
    name = clean_name(upload.filename)
    data = _read_limited(upload.stream, max_bytes, name)
    kind = detect_type(data)
    if kind is None:
        raise ServiceError(
            f"文件“{name}”的内容不是允许的类型（{ACCEPTED_LABEL}），未上传。"
            "系统按文件内容判断类型，改扩展名无效。",
            "file",
        )
    stored_name = store_new_file(data, storage_dir)
    try:
        evidence = Evidence(
            report_id=target.id if isinstance(target, ProgressReport) else None,
            contribution_id=target.id if isinstance(target, Contribution) else None,
            self_assessment_id=target.id if isinstance(target, SelfAssessment) else None,
            original_name=name,
            stored_name=stored_name,
            content_type=kind.content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=user.id,
            uploaded_at=utcnow(),
        )
        db.session.add(evidence)
        audit.record(
            "attach",
            evidence,
            user=user,
            task_id=report.task_id if report is not None else None,
            summary=f"上传佐证材料“{name}”",
        )
    except Exception:
        (storage_dir / stored_name).unlink(missing_ok=True)
        raise
    return evidence


def remove(evidence: Evidence, user: User) -> Evidence:
    """Mark ``evidence`` removed (``removed_at`` now) and audit it; the row and the file
    stay. Flushes; the caller commits.

    Raises Conflict when it is already removed or its report is already accepted.
    """
    if evidence.removed_at is not None:
        raise Conflict(f"佐证材料“{evidence.original_name}”已删除。")
    report = report_of(evidence)
    _check_open(report)
    before = audit.snapshot(evidence)
    evidence.removed_at = utcnow()
    audit.record(
        "remove",
        evidence,
        user=user,
        task_id=report.task_id,
        before=before,
        summary=f"删除佐证材料“{evidence.original_name}”",
    )
    return evidence


def open_evidence(evidence: Evidence, storage_dir: Path) -> Path:
    """The path of the stored file of ``evidence`` inside ``storage_dir``.

    Raises NotFound when the evidence was removed, its stored name is not one this module
    generates, or the file is missing.
    """
    if evidence.removed_at is not None:
        raise NotFound(f"佐证材料“{evidence.original_name}”已删除。")
    if not STORED_NAME.fullmatch(evidence.stored_name):
        raise NotFound(f"佐证材料“{evidence.original_name}”的存储名无效。")
    path = storage_dir / evidence.stored_name
    if not path.is_file():
        raise NotFound(f"佐证材料“{evidence.original_name}”的文件已不在存储目录中，请联系管理员。")
    return path


# ---------------------------------------------------------------------------- queries


def get_evidence(evidence_id: int) -> Evidence:
    """The evidence with this id (removed or not). Raises NotFound."""
    found = db.session.get(Evidence, evidence_id)
    if found is None:
        raise NotFound("佐证材料不存在。")
    return found


def get_report(report_id: int) -> ProgressReport:
    """The report evidence is attached to. Raises NotFound."""
    found = db.session.get(ProgressReport, report_id)
    if found is None:
        raise NotFound("填报不存在。")
    return found


def get_contribution(contribution_id: int) -> Contribution:
    """The contribution evidence is attached to. Raises NotFound."""
    found = db.session.get(Contribution, contribution_id)
    if found is None:
        raise NotFound("配合确认不存在。")
    return found


def evidence_of_report(report_id: int, *, include_removed: bool = False) -> list[Evidence]:
    """Evidence attached to the report itself (not to its contributions), oldest first."""
    return _listed(Evidence.report_id == report_id, include_removed)


def evidence_of_contribution(
    contribution_id: int, *, include_removed: bool = False
) -> list[Evidence]:
    """Evidence attached to a contribution, oldest first."""
    return _listed(Evidence.contribution_id == contribution_id, include_removed)


def describe(items: list[Evidence]) -> list[EvidenceRow]:
    """Rows for a page: each evidence with its uploader's name (one query for all)."""
    ids = {item.uploaded_by_id for item in items if item.uploaded_by_id is not None}
    names: dict[int, str] = {}
    if ids:
        for user in db.session.scalars(sa.select(User).where(User.id.in_(ids))):
            names[user.id] = user.display_name or user.username
    return [EvidenceRow(item, names.get(item.uploaded_by_id or 0, "—")) for item in items]


def report_of(evidence: Evidence) -> ProgressReport:
    """The report the evidence belongs to, directly or through its contribution."""
    if evidence.report is not None:
        return evidence.report
    if evidence.contribution is not None:
        return evidence.contribution.report
    raise NotFound("佐证材料不属于任何填报。")


def task_of(evidence: Evidence) -> Task:
    """The task whose report (or contribution) the evidence belongs to."""
    return report_of(evidence).task


def is_open(report: ProgressReport) -> bool:
    """True while evidence of the report (and of its contributions) may change."""
    return report.status not in LOCKED_STATUSES


# ---------------------------------------------------------------------------- helpers


def _listed(condition: sa.ColumnElement[bool], include_removed: bool) -> list[Evidence]:
    query = sa.select(Evidence).where(condition).order_by(Evidence.uploaded_at, Evidence.id)
    if not include_removed:
        query = query.where(Evidence.removed_at.is_(None))
    return list(db.session.scalars(query))


def _report_of_target(target: ProgressReport | Contribution) -> ProgressReport:
    return target if isinstance(target, ProgressReport) else target.report


def _check_open(report: ProgressReport) -> None:
    if not is_open(report):
        raise Conflict(f"该填报{report.status_label}，佐证材料不能再增删。", "file")


def _read_limited(stream: IO[bytes], max_bytes: int, name: str) -> bytes:
    """All bytes of ``stream``, reading at most ``max_bytes + 1`` of them."""
    buffer = bytearray()
    while chunk := stream.read(_CHUNK):
        buffer += chunk
        if len(buffer) > max_bytes:
            raise ServiceError(
                f"文件“{name}”超过 {format_size(max_bytes)} 的大小上限，未上传。"
                "请压缩或拆分后再上传。",
                "file",
            )
    if not buffer:
        raise ServiceError(f"文件“{name}”是空文件（0 字节），未上传。", "file")
    return bytes(buffer)
