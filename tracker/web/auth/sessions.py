"""Sessions of logged-in users: starting and ending them, the user loader that checks the
session token, the idle and absolute timeouts, and the gate that sends a user whose
password is due to the change-password page (issue 9 §4, DESIGN.md §8).

A session keeps two instants (seconds since the epoch): ``_started`` (the login) and
``_seen`` (the last request). A request after ``TRACKER_SESSION_IDLE_MINUTES`` of silence
or ``TRACKER_SESSION_MAX_HOURS`` after login finds the session emptied: the user logs in
again — unless they ticked 记住我, whose cookie (``TRACKER_REMEMBER_DAYS``) starts a new
session until it expires or the user logs out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from tracker import settings as app_settings
from tracker.domain.passwords import PasswordPolicy
from tracker.models import User
from tracker.services import logins, passwords
from tracker.services.logins import LoginRules

STARTED, SEEN = "_started", "_seen"

#: Endpoints a user whose password is due may still reach.
OPEN_WHILE_PASSWORD_DUE = frozenset({"auth.change_password", "auth.logout", "static"})


def now() -> datetime:
    """The current instant (UTC). Sessions and locks run on the wall clock, never on the
    demo's ``TRACKER_TODAY``."""
    return datetime.now(UTC)


def login_rules() -> LoginRules:
    """The lockout rules of the current settings."""
    accounts = app_settings.current().accounts
    return LoginRules(
        max_failures=accounts.login_max_failures,
        window=timedelta(minutes=accounts.login_window_minutes),
        lock=timedelta(minutes=accounts.login_lock_minutes),
    )


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user when the id's session token is current. A
    stale id is dropped from the session and its remember cookie deleted."""
    user = logins.session_user(user_id)
    if user is None:
        session.pop("_user_id", None)
        session["_remember"] = "clear"
    return user


def start_session(user: User, *, remember: bool) -> None:
    """A fresh session for ``user`` (``session.clear()`` first against fixation), with a
    remember-me cookie when asked for and allowed (``TRACKER_REMEMBER_DAYS`` > 0)."""
    accounts = app_settings.current().accounts
    had_cookie = _remember_cookie() in request.cookies
    remember = remember and accounts.remember_days > 0
    session.clear()
    login_user(user, remember=remember, duration=accounts.remember_duration)
    if had_cookie and not remember:
        session["_remember"] = "clear"
    _stamp(started=True)


def end_session() -> None:
    """Empty the session and delete the remember-me cookie (the caller also replaces the
    user's session token, which voids copies of both)."""
    session.clear()
    logout_user()


def _remember_cookie() -> str:
    return str(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))


def _stamp(*, started: bool) -> None:
    moment = now().timestamp()
    if started:
        session[STARTED] = moment
    session[SEEN] = moment


def expire_sessions() -> None:
    """``before_request``: empty a session idle too long or older than its lifetime, else
    note this request as its last."""
    if request.blueprint == "api" or "_user_id" not in session:
        return
    accounts = app_settings.current().accounts
    moment = now().timestamp()
    started = session.get(STARTED, moment)
    seen = session.get(SEEN, moment)
    idle = moment - seen > accounts.session_idle_minutes * 60
    if idle or moment - started > accounts.session_max_hours * 3600:
        session.clear()
        if _remember_cookie() not in request.cookies:
            flash("登录已超时，请重新登录。", "warning")
        return
    session.setdefault(STARTED, moment)
    session[SEEN] = moment


def password_policy() -> PasswordPolicy:
    """The password policy of the current settings (``TRACKER_PASSWORD_PROFILE``)."""
    return passwords.policy_named(app_settings.current().accounts.password_profile)


def password_gate() -> Response | None:
    """``before_request``: a logged-in user whose password is older than the policy allows
    is sent to the change-password page, whatever page they ask for."""
    if request.blueprint == "api" or request.endpoint in OPEN_WHILE_PASSWORD_DUE:
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        flash("请先修改管理员为您设置的一次性密码。", "warning")
        return redirect(url_for("auth.change_password"))
    if not passwords.password_expired(current_user, password_policy(), now()):
        return None
    flash("密码已超过有效期，请先修改密码。", "warning")
    return redirect(url_for("auth.change_password"))
