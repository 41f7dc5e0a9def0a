"""Login, logout and changing one's own password (issue 9 §4). Sessions, timeouts and the
user loader are in :mod:`tracker.web.auth.sessions`."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.services import logins, passwords
from tracker.unit_of_work import after_commit, writes_late
from tracker.web import labels
from tracker.web.actions import submit
from tracker.web.auth import sessions
from tracker.web.auth.forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)
bp.before_app_request(sessions.expire_sessions)
bp.before_app_request(sessions.password_gate)


@bp.record_once
def _prepare(state: BlueprintSetupState) -> None:
    """At start-up: the user loader, and the dummy hash unknown usernames are checked
    against (made now, so that no login pays for it)."""
    from tracker.extensions import login_manager

    login_manager.user_loader(sessions.load_user)
    app = state.app
    assert isinstance(app, Flask)
    logins.dummy_hash(app_settings.of(app).passwords.hash_method)


@bp.route("/login", methods=["GET", "POST"])
@writes_late
def login() -> str | Response:
    """Show the login form; on success start a fresh session and go on (to the
    change-password page when the password is due). A success only reads: its time and
    history entry are written after the commit, skipped when the database is busy."""
    if current_user.is_authenticated:
        return redirect(url_for("ledger.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = _check(form)
        if result.user is not None:
            _record_later(result.user.id)
            sessions.start_session(result.user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        flash(_refusal(result.locked_until), "error")
    return render_template("auth/login.html", form=form, **_login_page())


def _check(form: LoginForm) -> logins.LoginResult:
    settings = app_settings.current()
    return logins.check_login(
        form.username.data or "",
        form.password.data or "",
        rules=sessions.login_rules(),
        hash_method=settings.passwords.hash_method,
        now=sessions.now(),
        source=request.remote_addr or "",
    )


def _record_later(user_id: int) -> None:
    moment, source = sessions.now(), request.remote_addr or ""
    after_commit(lambda: logins.record_login(user_id, moment, source))


def _refusal(locked_until: datetime | None) -> str:
    """The same words for a wrong password, an unknown name and an inactive or locked
    account; the lock is told only to whoever gave the right password."""
    if locked_until is not None:
        until = labels.local_time(locked_until)[-5:]
        return f"该账号因连续登录失败已被锁定，请于 {until} 后再试，或联系改革办解除锁定。"
    rules = sessions.login_rules()
    minutes = int(rules.lock.total_seconds() // 60)
    return f"用户名或密码不正确。连续失败 {rules.max_failures} 次将锁定账号 {minutes} 分钟。"


def _login_page() -> dict[str, object]:
    return {"remember_days": app_settings.current().accounts.remember_days}


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
    """End the session here and every other session and remember-me cookie of the user."""
    logins.end_sessions(current_user._get_current_object(), request.remote_addr or "")
    sessions.end_session()
    flash("已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    """Change one's own password; the session goes on under the new session token, every
    other session of the user ends."""
    form = ChangePasswordForm()
    policy = sessions.password_policy()
    if form.validate_on_submit() and submit(form, lambda: _change(form)).ok:
        sessions.start_session(current_user._get_current_object(), remember=False)
        flash("密码已修改。", "success")
        return redirect(url_for("ledger.index"))
    expired = passwords.password_expired(current_user, policy, sessions.now())
    return render_template(
        "auth/change_password.html", form=form, rule=policy.describe(), expired=expired
    )


def _change(form: ChangePasswordForm) -> None:
    passwords.change_password(
        current_user._get_current_object(),
        form.current_password.data or "",
        form.new_password.data or "",
        policy=sessions.password_policy(),
        hash_method=app_settings.current().passwords.hash_method,
        now=sessions.now(),
    )
