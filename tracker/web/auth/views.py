"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.services.users import authenticate
from tracker.web.auth.forms import LoginForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Show the login form; on success start a fresh session and go on."""
    if current_user.is_authenticated:
        return redirect(url_for("ledger.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data or "", form.password.data or "")
        if user is not None:
            session.clear()
            login_user(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        flash("用户名或密码不正确。", "error")
    return render_template("auth/login.html", form=form)


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login. Browsers read "\\" as "/", so
    "/\\evil.example" would leave the site: a backslash is refused too."""
    if (
        target
        and urlsplit(target).netloc == ""
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return url_for("ledger.index")


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """End the session."""
    logout_user()
    session.clear()
    flash("已退出登录。", "info")
    return redirect(url_for("auth.login"))
