"""The briefing (专报) of a plan as Word and PDF, on demand."""

from __future__ import annotations

import io

from flask import send_file
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.clock import today
from tracker.domain.policy import Action
from tracker.io.briefing_docx import briefing_docx
from tracker.io.briefing_pdf import briefing_pdf
from tracker.services.briefing import briefing_data
from tracker.web.access import require
from tracker.web.dashboard.views import bp

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/plans/<int:plan_id>/briefing.docx")
@login_required
def briefing_word(plan_id: int) -> Response:
    """The briefing as .docx (the figures of today; numbered as issued, else 样稿)."""
    require(Action.VIEW_ALL_TASKS)
    data = briefing_data(plan_id, today())
    name = f"产改工作专报{data.issue}.docx"
    return send_file(
        io.BytesIO(briefing_docx(data)), mimetype=DOCX, as_attachment=True, download_name=name
    )


@bp.route("/plans/<int:plan_id>/briefing.pdf")
@login_required
def briefing_pdf_file(plan_id: int) -> Response:
    """The briefing as PDF, the same content as the Word file."""
    require(Action.VIEW_ALL_TASKS)
    data = briefing_data(plan_id, today())
    name = f"产改工作专报{data.issue}.pdf"
    return send_file(
        io.BytesIO(briefing_pdf(data)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name,
    )
