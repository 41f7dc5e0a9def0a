"""Web blueprints, error pages and the template context."""

from __future__ import annotations

from flask import Flask, abort, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker import clock
from tracker.domain.lag import LAG_COLOURS, LAG_LABELS
from tracker.domain.periods import period_text
from tracker.domain.policy import ROLE_LABELS, Action
from tracker.extensions import talisman
from tracker.models._types import MAX_ID
from tracker.services.errors import Conflict, NotFound, ServiceError
from tracker.web import labels
from tracker.web.access import allowed
from tracker.web.busy import register_busy_page
from tracker.web.inspections.blueprints import register_supervision


def register_web(app: Flask) -> None:
    """Blueprints, the user loader, error handlers and template globals."""
    from tracker.web.admin.views import bp as admin_bp
    from tracker.web.api import bp as api_bp
    from tracker.web.assessment.views import bp as assessment_bp
    from tracker.web.auth.views import bp as auth_bp
    from tracker.web.dashboard.views import bp as dashboard_bp
    from tracker.web.evidence.views import bp as evidence_bp
    from tracker.web.inbox.views import bp as inbox_bp
    from tracker.web.instructions.views import bp as instructions_bp
    from tracker.web.ledger.views import bp as ledger_bp
    from tracker.web.my.views import bp as my_bp
    from tracker.web.notices.views import bp as notices_bp
    from tracker.web.notifications.views import bp as notifications_bp
    from tracker.web.plans.views import bp as plans_bp
    from tracker.web.review.views import bp as review_bp
    from tracker.web.tasks.views import bp as tasks_bp

    for blueprint in (auth_bp, ledger_bp, tasks_bp, inbox_bp, instructions_bp, evidence_bp, api_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(admin_bp)
    app.register_blueprint(my_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(assessment_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(dashboard_bp)
    from tracker.web.people import bp as people_bp

    app.register_blueprint(people_bp)
    register_supervision(app)
    app.register_blueprint(review_bp)

    app.before_request(_ids_in_range)
    _security_headers(app)
    register_busy_page(app)

    # The user loader (session tokens) is registered by the auth blueprint.
    # Globals rather than a context processor, so that imported macros see them too.
    app.jinja_env.globals.update(
        lag_labels=LAG_LABELS,
        lag_colours=LAG_COLOURS,
        role_labels=ROLE_LABELS,
        allowed=allowed,
        Action=Action,
        current_user=current_user,
    )

    app.jinja_env.filters["comparator"] = lambda symbol: _COMPARATOR_SIGNS.get(symbol, symbol)
    app.jinja_env.filters["period_label"] = period_text
    app.jinja_env.filters["local_time"] = labels.local_time
    app.jinja_env.globals.update(
        entity_labels=labels.ENTITY_LABELS,
        action_labels=labels.ACTION_LABELS,
        field_labels=labels.FIELD_LABELS,
    )

    @app.context_processor
    def template_clock() -> dict[str, object]:
        return {"fixed_today": clock.today() if clock.is_fixed() else None}

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        message = "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试。"
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError) -> tuple[str, int]:
        """A refusal no view turned into a field error: 404 for :class:`NotFound`, 409 for
        :class:`Conflict`, else 422, with the service's own message."""
        code = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
        message = _MESSAGES[404] if code == 404 else error.message
        return render_template("error.html", code=code, message=message), code

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int, dict[str, str]]:
        code = error.code or 500
        page = render_template("error.html", code=code, message=_MESSAGES.get(code))
        # A 405 must name the allowed methods (RFC 9110 §15.5.6).
        allow = getattr(error, "valid_methods", None)
        return page, code, {"Allow": ", ".join(allow)} if code == 405 and allow else {}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        app.logger.exception("unhandled error", exc_info=error)
        return render_template("error.html", code=500, message=_MESSAGES[500]), 500


#: Everything from this site only; no inline script or style, no framing (GB/T 22239 等保
#: and OWASP's header guidance). Charts are PNGs served by the app; data: for none.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _security_headers(app: Flask) -> None:
    """CSP, X-Frame-Options DENY, nosniff and Referrer-Policy same-origin on every response
    (flask-talisman). HTTPS is the proxy's business: no redirect here; HSTS and Secure
    cookies follow ``TRACKER_SECURE_COOKIES``."""
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
    talisman.init_app(
        app,
        force_https=False,
        strict_transport_security=secure,
        session_cookie_secure=secure,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
    )


def _ids_in_range() -> None:
    """A path id beyond any stored one is a 404, not an overflow in the database driver.
    Runs before every blueprint's hooks, the API's too (whose error handlers answer it in
    JSON)."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            abort(404)


_COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", "=": "", None: ""}

_MESSAGES = {
    400: "请求内容有误。",
    403: "您没有权限访问此页面。",
    404: "页面不存在，或您要找的内容已不存在。",
    405: "不支持此操作。",
    409: "与当前状态冲突。",
    413: "上传的文件太大。",
    500: "系统出现错误，请稍后再试；如问题持续，请联系管理员。",
}
