"""Supervision notices (督办单): the office and leaders see every notice (and who has not
signed); a unit's users see their unit's notices, download them, sign for them (签收)
and answer them."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.domain.policy import Action
from tracker.models import SupervisionNotice
from tracker.services import notices as notice_service
from tracker.services.notices import DocumentKind
from tracker.web.access import allowed, require
from tracker.web.actions import act
from tracker.web.files import private_download, sandboxed
from tracker.web.forms import TrackerForm
from tracker.web.notices.forms import AnswerForm

bp = Blueprint("notices", __name__, url_prefix="/notices")

_CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _own_unit(notice: SupervisionNotice) -> bool:
    """Whether the current user is a unit user of the notice's unit."""
    return allowed(Action.SIGN_NOTICE) and current_user.unit_id == notice.unit_id


def _readable(notice_id: int) -> SupervisionNotice:
    """The notice, if the current user may read it: NotFound (404) when missing, 403
    unless office, leader or a user of the notice's unit."""
    require(Action.VIEW_NOTICES)
    notice = notice_service.get_notice(notice_id)
    if not (allowed(Action.VIEW_ALL_NOTICES) or _own_unit(notice)):
        abort(403)
    return notice


def _signable(notice_id: int) -> SupervisionNotice:
    """The notice, if the current user signs and answers for its unit (else 404/403)."""
    notice = _readable(notice_id)
    if not _own_unit(notice):
        abort(403)
    return notice


@bp.route("")
@login_required
def index() -> str:
    """Office and leaders: every notice, ?unsigned=1 only those not signed for; unit
    users: their unit's notices."""
    require(Action.VIEW_NOTICES)
    overseer = allowed(Action.VIEW_ALL_NOTICES)
    unsigned = overseer and request.args.get("unsigned") == "1"
    if overseer:
        rows = notice_service.all_notices(unsigned_only=unsigned)
    else:
        unit_id = current_user.unit_id
        rows = notice_service.notices_of_unit(unit_id) if unit_id else []
    return render_template(
        "notices/index.html",
        notices=rows,
        overseer=overseer,
        unsigned=unsigned,
        status_of=notice_service.status_of,
    )


@bp.route("/<int:notice_id>")
@login_required
def show(notice_id: int) -> str:
    """The notice's details and downloads; for its unit the 签收 button and the answer
    form."""
    notice = _readable(notice_id)
    return render_template(
        "notices/show.html",
        notice=notice,
        status=notice_service.status_of(notice),
        period=notice_service.period_label(notice.period),
        own_unit=_own_unit(notice),
        sign_form=TrackerForm(),
        answer_form=AnswerForm(),
    )


@bp.route("/<int:notice_id>/document.<any(docx, pdf):kind>")
@login_required
@sandboxed
def document(notice_id: int, kind: str) -> Response:
    """The stored .docx or PDF, as an attachment (the PDF is made on first download, the
    .docx too if a reminder pass died before writing it); a missing file is a 404."""
    notice = _readable(notice_id)
    document: DocumentKind = "pdf" if kind == "pdf" else "docx"
    notice_dir = app_settings.current().uploads.notice_dir
    path = notice_service.ensure_document(notice, document, notice_dir)
    return private_download(path, _CONTENT_TYPES[kind], f"督办单{notice.number}.{kind}")


@bp.route("/<int:notice_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(notice_id: int) -> Response:
    """The unit signs for the notice (签收)."""
    notice = _signable(notice_id)
    return act(
        lambda: notice_service.acknowledge(notice, current_user),
        f"已签收督办单{notice.number}。",
        url_for("notices.show", notice_id=notice.id),
        form=TrackerForm(),
    )


@bp.route("/<int:notice_id>/answer", methods=["POST"])
@login_required
def answer(notice_id: int) -> Response:
    """The unit answers the notice (and signs for it, if not yet)."""
    notice = _signable(notice_id)
    form = AnswerForm()
    return act(
        lambda: notice_service.answer(notice, current_user, form.answer.data or ""),
        f"已答复督办单{notice.number}。",
        url_for("notices.show", notice_id=notice.id),
        form=form,
    )
