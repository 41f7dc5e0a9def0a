"""Evidence (佐证材料): files attached to a progress report or to a contribution.

Files are checked by their bytes (never by their names), kept outside the web root under
a generated name (32 hex digits of a uuid4, nothing from the user's name), and recorded
with the user's file name, the content type found, the size in bytes and the SHA-256.
Removing evidence only sets ``removed_at``: neither the row nor the file is deleted.
Functions here flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import sqlalchemy as sa

from tracker.extensions import db
from tracker.io.containers import ContainerLimits
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
from tracker.services.evidence_files import (  # the file rules, re-exported for pages
    ACCEPT_ATTRIBUTE as ACCEPT_ATTRIBUTE,
)
from tracker.services.evidence_files import (
    ACCEPTED_LABEL as ACCEPTED_LABEL,
)
from tracker.services.evidence_files import MIB as MIB
from tracker.services.evidence_files import (
    FileRefused,
    clean_name,
    detect_type,
    format_size,
    type_label,
)

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


# ---------------------------------------------------------------------------- use cases


def attach(
    target: ProgressReport | Contribution | SelfAssessment,
    upload: Upload | StoredUpload,
    user: User,
    *,
    storage_dir: Path,
    max_bytes: int,
    limits: ContainerLimits,
) -> Evidence:
    """Store ``upload`` as evidence of a report, a contribution or a self-assessment
    entry (自评), and audit it.

    ``max_bytes`` is the size limit of one file in bytes; ``limits`` those of a .docx/
    .xlsx/.pptx container (the ``imports`` settings). The file is written to
    ``storage_dir`` (created if missing) under a generated name; the row records the
    user's file name, the content type found from the bytes, the size and the SHA-256.
    Flushes; the caller commits.

    Raises ServiceError (field "file") naming the file when it is empty, larger than
    ``max_bytes``, not an accepted type, or an accepted type holding a macro, a program,
    a script or breaking ``limits`` (:func:`~tracker.services.evidence_files.detect_type`);
    Conflict when the report is already accepted. Nothing is stored then.

    ``upload`` may be a :class:`StoredUpload` already read, checked and stored
    (:func:`check_and_store`), so that a web request does that slow part before its write
    transaction begins.
    """
    report = None if isinstance(target, SelfAssessment) else _report_of_target(target)
    if report is not None:
        _check_open(report)
    stored = (
        upload
        if isinstance(upload, StoredUpload)
        else check_and_store(upload, storage_dir=storage_dir, max_bytes=max_bytes, limits=limits)
    )
    name, stored_name = stored.original_name, stored.stored_name
    try:
        evidence = Evidence(
            report_id=target.id if isinstance(target, ProgressReport) else None,
            contribution_id=target.id if isinstance(target, Contribution) else None,
            self_assessment_id=target.id if isinstance(target, SelfAssessment) else None,
            **stored.columns(),
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


@dataclass(frozen=True, slots=True)
class StoredUpload:
    """An upload read, checked and kept under a new storage name: the columns every
    evidence-like row records (``size_bytes`` in bytes, ``sha256`` hex)."""

    original_name: str
    stored_name: str
    content_type: str
    size_bytes: int
    sha256: str

    def columns(self) -> dict[str, object]:
        """The values as keyword arguments of ``Evidence`` or ``InspectionFile``."""
        return {field: getattr(self, field) for field in self.__slots__}


def check_and_store(
    upload: Upload, *, storage_dir: Path, max_bytes: int, limits: ContainerLimits
) -> StoredUpload:
    """Read ``upload`` (at most ``max_bytes``), check its type and contents
    (:func:`~tracker.services.evidence_files.detect_type`) and store it in ``storage_dir``.
    Raises ServiceError (field "file") naming the file when it is empty, too large or not
    an accepted, clean type; nothing is stored then. The caller removes the stored file
    if its own row then fails."""
    name = clean_name(upload.filename)
    data = _read_limited(upload.stream, max_bytes, name)
    try:
        kind = detect_type(data, name, limits=limits)
    except FileRefused as refused:
        raise ServiceError(str(refused), "file") from refused
    return StoredUpload(
        original_name=name,
        stored_name=store_new_file(data, storage_dir),
        content_type=kind.content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
