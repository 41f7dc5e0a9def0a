"""How an HTML view hands a validated form to a service and reports what happened.

The shape every view follows (docs/ARCHITECTURE.md, "A request"):

    form = SomeForm()
    if form.validate_on_submit() and submit(form, lambda: service.do(...)).ok:
        flash("已保存。", "success")
        return redirect(url_for(...))
    return render_template(..., form=form)

or, for a one-button POST that always goes back to a page:

    return act(lambda: service.do(...), "已审核通过。", url_for(...), form=ReviewForm())

or, for a POST with nothing to flash (marking an alert read):

    require_valid()
    service.do(...)
    return redirect(url_for(...))

The request's unit of work (:class:`tracker.unit_of_work.TrackerFlask`) commits; a refusal
is undone by :func:`tracker.unit_of_work.attempt`'s savepoint. A service's
:class:`~tracker.services.errors.NotFound` that no view catches becomes the 404 page (see
:func:`tracker.web.register_web`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from tracker.unit_of_work import Outcome, attempt
from tracker.web.forms import TrackerForm, show_service_error

T = TypeVar("T")


def submit(form: Any, action: Callable[[], T]) -> Outcome[T]:
    """Run the service behind a validated ``form``; a refusal is shown beside the field it
    names (or flashed) and its writes are undone."""
    outcome = attempt(action)
    if outcome.error is not None:
        show_service_error(form, outcome.error)
    return outcome


def flash_form_errors(form: FlaskForm) -> None:
    """Flash every validation message of ``form`` (for forms that redirect, not re-render)."""
    for messages in form.errors.values():
        for message in messages:
            flash(str(message), "error")


def require_valid(form: FlaskForm | None = None) -> None:
    """Abort with 400 unless ``form`` (by default a bare form: the CSRF token) validates."""
    if not (form or TrackerForm()).validate_on_submit():
        abort(400)


def act(
    action: Callable[[], object], done: str, next_url: str, form: FlaskForm | None = None
) -> Response:
    """A one-button POST: validate ``form`` (CSRF at least), run the service, flash ``done``
    or the refusal, and redirect to ``next_url``."""
    if form is not None and not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(next_url)
    outcome = attempt(action)
    if outcome.error is not None:
        flash(outcome.error.message, "error")
    else:
        flash(done, "success")
    return redirect(next_url)
