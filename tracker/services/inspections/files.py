"""Evidence files of supervision: a problem's rectification, a self-check, a debriefing
report. The evidence rules apply unchanged (:func:`tracker.services.evidence_files.
detect_type`: judged by the bytes, no macro, program or script); files are kept outside
the web root under a generated name. Functions here flush; the caller commits."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tracker.extensions import db
from tracker.io.containers import ContainerLimits
from tracker.models import DebriefingReport, InspectionFile, Problem, SelfCheck, User
from tracker.models._types import utcnow
from tracker.services import audit
from tracker.services.errors import NotFound
from tracker.services.evidence import STORED_NAME, Upload, check_and_store

Owner = Problem | SelfCheck | DebriefingReport
_CHUNK = 64 * 1024


def attach_file(
    owner: Owner,
    upload: Upload,
    user: User,
    *,
    storage_dir: Path,
    max_bytes: int,
    limits: ContainerLimits,
) -> InspectionFile:
    """Keep ``upload`` as evidence of ``owner`` and audit it. Raises ServiceError (field
    "file") naming the file when it is empty, too large or not an accepted, clean type."""
    stored = check_and_store(upload, storage_dir=storage_dir, max_bytes=max_bytes, limits=limits)
    name, stored_name = stored.original_name, stored.stored_name
    try:
        item = InspectionFile(
            problem_id=owner.id if isinstance(owner, Problem) else None,
            self_check_id=owner.id if isinstance(owner, SelfCheck) else None,
            debriefing_report_id=owner.id if isinstance(owner, DebriefingReport) else None,
            **stored.columns(),
            uploaded_by_id=user.id,
            uploaded_at=utcnow(),
        )
        db.session.add(item)
        task_id = owner.task_id if isinstance(owner, Problem) else None
        audit.record("attach", item, user=user, task_id=task_id, summary=f"上传材料“{name}”")
    except Exception:
        (storage_dir / stored_name).unlink(missing_ok=True)
        raise
    return item


def files_of(owner: Owner) -> list[InspectionFile]:
    """The files kept for ``owner`` (not removed), oldest first."""
    column = {
        Problem: InspectionFile.problem_id,
        SelfCheck: InspectionFile.self_check_id,
        DebriefingReport: InspectionFile.debriefing_report_id,
    }[type(owner)]
    return list(
        db.session.scalars(
            sa.select(InspectionFile)
            .where(column == owner.id, InspectionFile.removed_at.is_(None))
            .order_by(InspectionFile.id)
        )
    )


def get_file(file_id: int) -> InspectionFile:
    """The file's record; NotFound when there is none or it was removed."""
    item = db.session.get(InspectionFile, file_id)
    if item is None or item.removed_at is not None:
        raise NotFound("没有这个材料。")
    return item


def owner_unit_id(item: InspectionFile) -> int | None:
    """The unit whose problem, self-check or debriefing report ``item`` belongs to."""
    if item.problem_id is not None:
        problem = db.session.get(Problem, item.problem_id)
        return problem.unit_id if problem else None
    if item.self_check_id is not None:
        check = db.session.get(SelfCheck, item.self_check_id)
        return check.unit_id if check else None
    report = db.session.get(DebriefingReport, item.debriefing_report_id)
    return report.unit_id if report else None


def open_file(item: InspectionFile, storage_dir: Path) -> Path:
    """The stored file's path; NotFound when its name is not ours or the file is gone."""
    path = storage_dir / item.stored_name
    if not STORED_NAME.fullmatch(item.stored_name) or not path.is_file():
        raise NotFound(f"材料“{item.original_name}”的文件已不在存储目录中，请联系管理员。")
    return path
