"""Sessions (issue 9 §4): an idle timeout and an absolute lifetime; logout revokes the
remember-me cookie and every copy of the session cookie (the per-user session token in
Flask-Login's id); the remember-me cookie's lifetime and Secure flag follow the settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config.settings import Settings, load_settings
from tests.functional.account_helpers import client_with, cookie, login_remembered, logout
from tests.functional.helpers import add_user, location, login
from tracker.domain.policy import Role

LOGGED_OUT = "/login?next=%2F"


@pytest.fixture
def office(app: Flask) -> str:
    add_user(app, "office", Role.OFFICE)
    return "office"


def _shift(client: FlaskClient, key: str, seconds: float) -> None:
    """Move the session's instant ``key`` ("_seen", "_started") ``seconds`` into the past."""
    with client.session_transaction() as session:
        session[key] = session[key] - seconds


def test_a_session_idle_for_30_minutes_ends(client: FlaskClient, office: str) -> None:
    """29 minutes of silence keep the session; 31 end it with a notice."""
    login(client, office)
    _shift(client, "_seen", 29 * 60)
    assert client.get("/").status_code == 200
    _shift(client, "_seen", 31 * 60)
    assert location(client.get("/")) == LOGGED_OUT
    assert "登录已超时，请重新登录。" in client.get("/login").text


def test_requests_keep_a_session_alive(client: FlaskClient, office: str) -> None:
    """Each request counts as activity: the idle clock starts again."""
    login(client, office)
    _shift(client, "_seen", 20 * 60)
    assert client.get("/").status_code == 200
    _shift(client, "_seen", 20 * 60)
    assert client.get("/").status_code == 200


def test_the_idle_timeout_is_a_setting(
    client: FlaskClient, office: str, set_settings: Callable[..., Settings]
) -> None:
    set_settings("accounts", session_idle_minutes=5)
    login(client, office)
    _shift(client, "_seen", 6 * 60)
    assert location(client.get("/")) == LOGGED_OUT


def test_a_session_ends_12_hours_after_login_even_when_busy(
    client: FlaskClient, office: str
) -> None:
    login(client, office)
    _shift(client, "_started", 11 * 3600)
    assert client.get("/").status_code == 200
    _shift(client, "_started", 3600 + 1)
    assert location(client.get("/")) == LOGGED_OUT


def test_remember_me_starts_a_new_session_after_a_timeout(client: FlaskClient, office: str) -> None:
    """With 记住我 the cookie logs the user in again once the session timed out."""
    login_remembered(client, office)
    _shift(client, "_seen", 31 * 60)
    assert client.get("/").status_code == 200


def test_the_remember_cookie_alone_logs_in_until_logout(app: Flask, office: str) -> None:
    """Copied to another browser, the remember cookie logs in; after logout it does not,
    and the logged-out browser is told to delete it."""
    client = app.test_client()
    login_remembered(client, office)
    remembered = cookie(client, "remember_token")
    assert remembered is not None
    assert client_with(app, remember_token=remembered).get("/").status_code == 200
    response = logout(client)
    assert location(response) == "/login"
    assert cookie(client, "remember_token") is None
    assert location(client_with(app, remember_token=remembered).get("/")) == LOGGED_OUT


def test_an_old_session_cookie_stops_working_at_logout(app: Flask, office: str) -> None:
    client = app.test_client()
    login(client, office)
    copied = cookie(client, "session")
    assert copied is not None
    assert client_with(app, session=copied).get("/").status_code == 200
    logout(client)
    assert location(client_with(app, session=copied).get("/")) == LOGGED_OUT


def test_logout_ends_the_users_other_sessions(app: Flask, office: str) -> None:
    """The session token is the user's: logging out in one browser ends the others."""
    first, second = app.test_client(), app.test_client()
    login(first, office)
    login(second, office)
    logout(first)
    assert location(second.get("/")) == LOGGED_OUT
    assert location(login(second, office)) == "/"


def _remember_header(response_headers: list[str]) -> str:
    found = [h for h in response_headers if h.startswith("remember_token=")]
    assert len(found) == 1, response_headers
    return found[0]


def test_the_remember_cookie_lives_14_days_by_default(client: FlaskClient, office: str) -> None:
    assert "记住我（14 天内免登录，退出即失效）" in client.get("/login").text
    header = _remember_header(login_remembered(client, office).headers.getlist("Set-Cookie"))
    expires = parsedate_to_datetime(header.split("Expires=")[1].split(";")[0])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=14))) < timedelta(minutes=1)
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_the_remember_cookie_lifetime_is_a_setting(
    client: FlaskClient, office: str, set_settings: Callable[..., Settings]
) -> None:
    set_settings("accounts", remember_days=3)
    header = _remember_header(login_remembered(client, office).headers.getlist("Set-Cookie"))
    expires = parsedate_to_datetime(header.split("Expires=")[1].split(";")[0])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=3))) < timedelta(minutes=1)


def test_no_remember_me_when_its_lifetime_is_zero(
    client: FlaskClient, office: str, set_settings: Callable[..., Settings]
) -> None:
    """TRACKER_REMEMBER_DAYS=0: no 记住我 box, and a ticked box sets no cookie."""
    set_settings("accounts", remember_days=0)
    assert "记住我" not in client.get("/login").text
    response = login_remembered(client, office)
    assert not any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))


def test_the_remember_cookie_is_secure_under_secure_cookies(
    app: Flask, client: FlaskClient, office: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TRACKER_SECURE_COOKIES sets REMEMBER_COOKIE_SECURE (as SESSION_COOKIE_SECURE), and
    the cookie then carries Secure."""
    config = load_settings({"TRACKER_SETTINGS": "test", "TRACKER_SECURE_COOKIES": "1"})
    flask_keys = config.flask_config()
    assert flask_keys["REMEMBER_COOKIE_SECURE"] is True
    assert flask_keys["SESSION_COOKIE_SECURE"] is True
    assert (
        load_settings({"TRACKER_SETTINGS": "test"}).flask_config()["REMEMBER_COOKIE_SECURE"]
        is False
    )
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_SECURE", True)
    header = _remember_header(login_remembered(client, office).headers.getlist("Set-Cookie"))
    assert "; Secure" in header
