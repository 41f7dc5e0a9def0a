"""Evidence pages: upload to a report or a contribution, download, remove.

Who may attach or remove is decided by :mod:`tracker.domain.policy` (the lead unit on its
report, the cooperating unit on its contribution) plus ownership of the report or
contribution; who may download is whoever may see the task.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from tracker import settings as app_settings
from tracker.domain.policy import Action
from tracker.models import Contribution, Evidence, ProgressReport
from tracker.services import evidence as evidence_service
from tracker.services.errors import ServiceError
from tracker.services.evidence import StoredUpload
from tracker.unit_of_work import begin_writing, writes_late
from tracker.web.access import allowed, require
from tracker.web.actions import act, submit
from tracker.web.evidence.forms import EvidenceForm, RemoveEvidenceForm
from tracker.web.files import private_download, sandboxed

bp = Blueprint("evidence", __name__)


# ---------------------------------------------------------------------------- settings


def storage_dir() -> Path:
    """The folder evidence files are kept in (``TRACKER_UPLOAD_DIR``)."""
    return app_settings.current().uploads.folder


def max_upload_mb() -> int:
    """The size limit of one file in MiB (``TRACKER_MAX_UPLOAD_MB``)."""
    return app_settings.current().uploads.max_upload_mb


# ---------------------------------------------------------------------------- permissions


def _owns(unit_id: int) -> bool:
    return current_user.is_authenticated and current_user.unit_id == unit_id


def may_attach_to_report(report: ProgressReport) -> bool:
    """Whether the current user may attach to (and remove from) the report: a user of the
    report's own lead unit, while the report is not accepted."""
    return (
        _owns(report.unit_id)
        and allowed(Action.ATTACH_EVIDENCE, report.task)
        and evidence_service.is_open(report)
    )


def may_attach_to_contribution(contribution: Contribution) -> bool:
    """Whether the current user may attach to (and remove from) the contribution: a user
    of that cooperating unit, while the report is not accepted."""
    return (
        _owns(contribution.unit_id)
        and allowed(Action.ATTACH_CONTRIBUTION_EVIDENCE, contribution.report.task)
        and evidence_service.is_open(contribution.report)
    )


def may_remove_evidence(evidence: Evidence) -> bool:
    """Whether the current user may remove the evidence (as for attaching to its owner)."""
    if evidence.removed_at is not None:
        return False
    if evidence.report is not None:
        return may_attach_to_report(evidence.report)
    return evidence.contribution is not None and may_attach_to_contribution(evidence.contribution)


def _require_report_owner(report: ProgressReport) -> None:
    require(Action.ATTACH_EVIDENCE, report.task)
    if not _owns(report.unit_id):
        abort(403)


def _require_contribution_owner(contribution: Contribution) -> None:
    require(Action.ATTACH_CONTRIBUTION_EVIDENCE, contribution.report.task)
    if not _owns(contribution.unit_id):
        abort(403)


# ---------------------------------------------------------------------------- template helpers


@bp.app_template_global()
def evidence_rows_of_report(report: ProgressReport) -> list[evidence_service.EvidenceRow]:
    """The report's own files, for the task page."""
    return evidence_service.describe(evidence_service.evidence_of_report(report.id))


@bp.app_template_global()
def evidence_rows_of_contribution(
    contribution: Contribution,
) -> list[evidence_service.EvidenceRow]:
    """A contribution's files, for the task page."""
    return evidence_service.describe(evidence_service.evidence_of_contribution(contribution.id))


@bp.app_context_processor
def evidence_helpers() -> dict[str, object]:
    """Permission checks and upload hints for the evidence partial."""
    return {
        "may_attach_to_report": may_attach_to_report,
        "may_attach_to_contribution": may_attach_to_contribution,
        "may_remove_evidence": may_remove_evidence,
        "evidence_accept": evidence_service.ACCEPT_ATTRIBUTE,
        "evidence_accept_label": evidence_service.ACCEPTED_LABEL,
        "max_upload_mb": max_upload_mb,
    }


# ---------------------------------------------------------------------------- views


def _back_to(report: ProgressReport) -> str:
    return url_for("tasks.show", task_id=report.task_id, _anchor=f"report-{report.id}")


@bp.route("/reports/<int:report_id>/evidence", methods=["POST"])
@writes_late  # the file is stored before the write transaction begins
@login_required
def upload_to_report(report_id: int) -> str | BaseResponse:
    """The lead unit attaches a file to its report."""
    report = evidence_service.get_report(report_id)
    _require_report_owner(report)
    return _upload(report, report, None)


@bp.route("/contributions/<int:contribution_id>/evidence", methods=["POST"])
@writes_late  # the file is stored before the write transaction begins
@login_required
def upload_to_contribution(contribution_id: int) -> str | BaseResponse:
    """The cooperating unit attaches a file to its contribution."""
    contribution = evidence_service.get_contribution(contribution_id)
    _require_contribution_owner(contribution)
    return _upload(contribution, contribution.report, contribution)


def _upload(
    target: ProgressReport | Contribution,
    report: ProgressReport,
    contribution: Contribution | None,
) -> str | BaseResponse:
    """Validate the form and store the file; on a refusal show the upload page (200) with
    the message beside the file field."""
    form = EvidenceForm()
    if form.validate_on_submit():
        kept = submit(form, lambda: store_files([form.file.data]))  # before the write lock
        stored = kept.value
        if stored is not None:
            begin_writing_with(stored)
            outcome = submit(form, lambda: _attach(target, stored[0]))
            if outcome.value is not None:
                flash(f"已上传佐证材料“{outcome.value.original_name}”。", "success")
                return redirect(_back_to(report))
            discard_files(stored)
    return render_template(
        "evidence/upload.html",
        form=form,
        report=report,
        contribution=contribution,
        task=report.task,
        back=_back_to(report),
    )


def store_files(files: list[FileStorage]) -> list[StoredUpload]:
    """Read, check, hash and store uploaded files (:func:`evidence.check_and_store`) before
    the request's write transaction begins (:func:`begin_writing`): slow work that must not
    hold the write lock. Raises ServiceError (field "file") for a refused file, after
    removing those stored before it."""
    stored: list[StoredUpload] = []
    try:
        for upload in files:
            stored.append(
                evidence_service.check_and_store(
                    upload,
                    storage_dir=storage_dir(),
                    max_bytes=max_upload_mb() * evidence_service.MIB,
                    limits=app_settings.container_limits(),
                )
            )
    except ServiceError:
        discard_files(stored)
        raise
    return stored


def begin_writing_with(stored: Sequence[StoredUpload]) -> None:
    """:func:`begin_writing` for a save of the files ``stored`` before; when the database
    is busy (no lock in time: a 503) the files are removed again."""
    try:
        begin_writing()
    except Exception:
        discard_files(stored)
        raise


def discard_files(stored: Sequence[StoredUpload]) -> None:
    """Remove files stored for a save that did not happen."""
    for item in stored:
        (storage_dir() / item.stored_name).unlink(missing_ok=True)


def _attach(target: ProgressReport | Contribution, stored: StoredUpload) -> Evidence:
    return evidence_service.attach(
        target,
        stored,
        current_user,
        storage_dir=storage_dir(),
        max_bytes=max_upload_mb() * evidence_service.MIB,
        limits=app_settings.container_limits(),
    )


@bp.route("/evidence/<int:evidence_id>")
@login_required
@sandboxed
def download(evidence_id: int) -> Response:
    """The stored file with its original name, as an attachment, to users who may see
    the task; 404 when the file is removed or gone from storage."""
    item = evidence_service.get_evidence(evidence_id)
    require(Action.VIEW_TASK, evidence_service.task_of(item))
    path = evidence_service.open_evidence(item, storage_dir())
    return private_download(path, item.content_type, item.original_name, etag=item.sha256)


@bp.route("/evidence/<int:evidence_id>/remove", methods=["POST"])
@login_required
def remove(evidence_id: int) -> BaseResponse:
    """The owning unit removes a file (the row and the file are kept)."""
    item = evidence_service.get_evidence(evidence_id)
    if item.contribution is not None:
        _require_contribution_owner(item.contribution)
    else:
        _require_report_owner(evidence_service.report_of(item))
    return act(
        lambda: evidence_service.remove(item, current_user),
        f"已删除佐证材料“{item.original_name}”。",
        _back_to(evidence_service.report_of(item)),
        form=RemoveEvidenceForm(),
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """A request over ``MAX_CONTENT_LENGTH``: say what the limit is."""
    message = (
        f"上传的文件太大：每个佐证材料不能超过 {max_upload_mb()} MB。"
        "请压缩或拆分后，返回任务页面重新上传。"
    )
    return render_template("error.html", code=413, message=message), 413
