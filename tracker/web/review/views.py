"""The review queue (待审核, issue 12 §1): the office's list of every report waiting for
review or approval, oldest first; accept or return one, or accept several at once. A
unit's approver sees its own unit's reports waiting for approval and signs them off on the
task page. Accepting a report whose cooperating units have not all confirmed asks first."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.clock import today
from tracker.domain.policy import Action
from tracker.models import Contribution, ProgressReport, ReportStatus
from tracker.services import contributions as contribution_service
from tracker.services import plans, review_queue
from tracker.services import reports as report_service
from tracker.services.review_queue import UnconfirmedContributions
from tracker.unit_of_work import attempt
from tracker.web.access import allowed, require
from tracker.web.actions import flash_form_errors
from tracker.web.review import queue
from tracker.web.review.forms import BulkAcceptForm, QueueDecisionForm

bp = Blueprint("review", __name__)


@bp.app_template_global()
def review_queue_count() -> int:
    """Reports waiting in the current user's queue (0 for those without one), for the menu."""
    if not allowed(Action.VIEW_REVIEW_QUEUE):
        return 0
    return review_queue.waiting_count(queue.scope())


@bp.app_template_global()
def contribution_open(item: Contribution) -> bool:
    """Whether a contribution request may still be answered (today, by the clock)."""
    return contribution_service.is_open(item, today())


@bp.route("/review/reports")
@login_required
def index() -> str:
    """The queue, oldest first, 50 a page; ``?plan=&unit=&status=`` filter it."""
    require(Action.VIEW_REVIEW_QUEUE)
    filters = queue.filters_from_args()
    page = review_queue.waiting_reports(filters, today(), request.args.get("page", 1, type=int))
    return render_template(
        "review/queue.html",
        page=page,
        filters=filters,
        plans=plans.plan_choices(),
        office=allowed(Action.REVIEW_REPORT),
        units=review_queue.waiting_units(filters),
        form=QueueDecisionForm(formdata=None),
        bulk_form=BulkAcceptForm(formdata=None),
        here=request.full_path.rstrip("?"),
    )


@bp.route("/review/reports/<int:report_id>/decide", methods=["POST"])
@login_required
def decide(report_id: int) -> Response:
    """Accept or return one report from the queue (or the warning page); a report with
    unconfirmed contributions goes to the warning first."""
    require(Action.REVIEW_REPORT)
    report = report_service.get_report(report_id)
    form = QueueDecisionForm()
    back = queue.back_url(form.back.data)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    outcome = attempt(lambda: _decide(report, form))
    if isinstance(outcome.error, UnconfirmedContributions):
        return redirect(url_for("review.confirm", report_id=report.id, back=back))
    if outcome.error is not None:
        flash(outcome.error.message, "error")
    else:
        flash(
            "已审核通过。" if form.decision.data == "accept" else "已退回，已通知填报单位。",
            "success",
        )
    return redirect(back)


def _decide(report: ProgressReport, form: QueueDecisionForm) -> ProgressReport:
    if form.decision.data == "accept":
        despite = form.despite.data == "1"
        return review_queue.accept(report, current_user, today(), despite_unconfirmed=despite)
    reason = form.reason.data or ""
    return report_service.review_report(report, current_user, False, reason, today())


@bp.route("/review/reports/<int:report_id>/confirm")
@login_required
def confirm(report_id: int) -> str | Response:
    """The warning before accepting a report whose cooperating units have not all
    confirmed: who has not, and a button to accept all the same."""
    require(Action.REVIEW_REPORT)
    report = report_service.get_report(report_id)
    back = queue.back_url(request.args.get("back"))
    if report.status is not ReportStatus.SUBMITTED:
        flash(f"这份填报的状态是「{report.status_label}」，不需要审核。", "info")
        return redirect(back)
    form = QueueDecisionForm(formdata=None, decision="accept", despite="1", back=back)
    return render_template(
        "review/confirm.html",
        report=report,
        unconfirmed=review_queue.unconfirmed_of(report),
        form=form,
        back=back,
    )


@bp.route("/review/reports/accept", methods=["POST"])
@login_required
def accept_several() -> Response:
    """Accept the ticked reports, each on its own (one refused undoes nothing else);
    flashes what passed and why each other did not."""
    require(Action.REVIEW_REPORT)
    form = BulkAcceptForm()
    back = queue.back_url(form.back.data)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    result = queue.accept_several(
        queue.ticked_ids(), current_user, today(), bool(form.despite.data)
    )
    for category, line in queue.describe(result):
        flash(line, category)
    return redirect(back)


from tracker.web.review import notice_views  # noqa: E402, F401  (its routes join this blueprint)
