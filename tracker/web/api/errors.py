"""JSON errors of ``/api/v1``: every failure is ``{"error": str, "field"?: str}`` with the
right status, never an HTML page (the :class:`~tracker.web.api.responses.Error` model).

Statuses: 400 malformed JSON or a body that is not an object, 401 no or bad token, 403
refused by the policy, 404 unknown id or path, 405 wrong method, 409 :class:`Conflict`
(a stale ``version`` adds ``theirs``, ``mine`` and ``version``), 413 body too large, 415
a body that is not ``application/json``, 422 a :class:`ServiceError` or a field the
request models refuse (with ``field``), 500 anything unexpected (logged, rolled back).

The request's unit of work has rolled back before these handlers run when the view
raised; they roll back too, for refusals raised before the view (a bad token).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from tracker.extensions import db
from tracker.services.errors import Conflict, NotFound, ServiceError
from tracker.services.reports import EditConflict
from tracker.web.api.responses import ReportContent
from tracker.web.busy import register_busy_json

MESSAGES = {
    400: "请求内容有误",
    401: "缺少或无效的 API 令牌",
    403: "您没有权限进行此操作",
    404: "资源不存在",
    405: "不支持此请求方法",
    409: "与当前状态冲突",
    413: "请求体太大",
    415: "请求体应为 JSON",
    422: "请求内容未通过校验",
    500: "系统出现错误，请稍后再试",
}

#: Sent with every 401 (RFC 6750).
WWW_AUTHENTICATE = 'Bearer realm="tracker-api"'


class ApiError(Exception):
    """A refusal of the API itself (bad body, no token, policy): a status, a Chinese
    message, optionally the field at fault and ``extra`` members of the error body."""

    def __init__(
        self, status: int, message: str | None = None, field: str | None = None, **extra: Any
    ) -> None:
        super().__init__(message or MESSAGES.get(status, ""))
        self.status = status
        self.message = message or MESSAGES.get(status, "")
        self.field = field
        self.extra = extra


def error_response(
    status: int, message: str, field: str | None = None, **extra: Any
) -> tuple[Response, int]:
    """``{"error", "field"?, …extra}`` with ``status``; a 401 carries WWW-Authenticate."""
    body: dict[str, Any] = {"error": message}
    if field:
        body["field"] = field
    body.update(extra)
    response = jsonify(body)
    if status == 401:
        response.headers["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response, status


def conflict_details(error: EditConflict) -> dict[str, Any]:
    """What a 409 for a stale save adds: ``version`` stored now, ``theirs`` (stored) and
    ``mine`` (sent) as report contents."""
    return {
        "version": error.version,
        "theirs": ReportContent.of(error.theirs).model_dump(),
        "mine": ReportContent.of(error.mine).model_dump(),
    }


def register_errors(bp: Blueprint) -> None:
    """Attach the JSON error handlers to the API blueprint (a busy database: 503 with
    Retry-After, :mod:`tracker.web.busy`)."""
    register_busy_json(bp)

    @bp.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[Response, int]:
        db.session.rollback()
        return error_response(error.status, error.message, error.field, **error.extra)

    @bp.errorhandler(EditConflict)
    def edit_conflict(error: EditConflict) -> tuple[Response, int]:
        db.session.rollback()
        return error_response(409, error.message, error.field, **conflict_details(error))

    @bp.errorhandler(ServiceError)
    def service_error(error: ServiceError) -> tuple[Response, int]:
        db.session.rollback()
        status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
        return error_response(status, error.message, error.field)

    @bp.errorhandler(StaleDataError)
    @bp.errorhandler(IntegrityError)
    def race(error: Exception) -> tuple[Response, int]:
        db.session.rollback()
        current_app.logger.info("API write lost a race: %s", error)
        return error_response(409, "数据已被同时修改，请重新读取后再试")

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        db.session.rollback()
        status = error.code or 500
        response, _ = error_response(status, MESSAGES.get(status, error.name))
        allow = getattr(error, "valid_methods", None)
        if status == 405 and allow:
            response.headers["Allow"] = ", ".join(allow)
        return response, status

    @bp.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        current_app.logger.exception("unhandled API error", exc_info=error)
        db.session.rollback()
        return error_response(500, MESSAGES[500])
