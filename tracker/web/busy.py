"""A busy database is a 503, never a 500 (issue 18 §2).

A write that cannot get its lock in time — SQLite's "database is locked" after the busy
timeout, PostgreSQL's lock timeout, a serialization failure or deadlock — has been rolled
back by the unit of work (or failed before anything was written, at SQLite's ``BEGIN
IMMEDIATE``). The page says "系统繁忙，请稍后重试" and the API answers ``{"error"}``, both with
HTTP 503 and ``Retry-After``. Any other database error stays a logged 500.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template
from sqlalchemy.exc import OperationalError

from tracker.extensions import db, is_busy

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 5

BUSY_MESSAGE = "系统繁忙，请稍后重试。"


def register_busy_page(app: Flask) -> None:
    """The HTML answer for every blueprint but the API."""

    @app.errorhandler(OperationalError)
    def busy_page(error: OperationalError) -> tuple[str, int, dict[str, str]]:
        db.session.rollback()
        if not is_busy(error):
            current_app.logger.exception("database error", exc_info=error)
            page = render_template("error.html", code=500, message=_SERVER_ERROR)
            return page, 500, {}
        current_app.logger.warning("database busy, answered 503: %s", error.orig)
        page = render_template("error.html", code=503, message=BUSY_MESSAGE)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def register_busy_json(bp: Blueprint) -> None:
    """The JSON answer of ``/api/v1`` (``{"error"}``, as every API error)."""

    @bp.errorhandler(OperationalError)
    def busy_json(error: OperationalError) -> tuple[Response, int]:
        db.session.rollback()
        if not is_busy(error):
            current_app.logger.exception("database error in the API", exc_info=error)
            return jsonify({"error": "系统出现错误，请稍后再试"}), 500
        current_app.logger.warning("database busy, API answered 503: %s", error.orig)
        response = jsonify({"error": BUSY_MESSAGE.rstrip("。"), "field": None})
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response, 503


_SERVER_ERROR = "系统出现错误，请稍后再试；如问题持续，请联系管理员。"
