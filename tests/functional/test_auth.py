"""Logging in and out: Chinese errors, no session on failure, inactive users refused,
logout by POST only, and ``next`` never leaving the site."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.functional.helpers import PASSWORD, add_user, location, login, token
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import User


@pytest.fixture
def office(app: Flask) -> str:
    """An office user's name (no plan needed: the ledger shows its empty page)."""
    add_user(app, "office", Role.OFFICE)
    return "office"


def assert_logged_out(client: FlaskClient) -> None:
    """The ledger sends the client to the login page, and the session holds no user."""
    assert location(client.get("/")) == "/login?next=%2F"
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_right_password_logs_in(client: FlaskClient, office: str) -> None:
    """The counterpart of the failures below: the user lands on the ledger."""
    assert location(login(client, office)) == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "还没有实施方案" in page.text
    assert "office测试（改革办）" in page.text


@pytest.mark.parametrize(
    ("username", "password"),
    [("office", "wrong-password"), ("nobody", PASSWORD), ("OFFICE", PASSWORD)],
    ids=["wrong-password", "unknown-user", "wrong-case"],
)
def test_failed_login_shows_chinese_error_and_starts_no_session(
    client: FlaskClient, office: str, username: str, password: str
) -> None:
    """200 with 用户名或密码不正确, and still logged out."""
    response = login(client, username, password)
    assert response.status_code == 200
    assert "用户名或密码不正确。" in response.text
    assert_logged_out(client)


def test_empty_form_names_the_missing_fields(client: FlaskClient, office: str) -> None:
    """Both fields are required, with Chinese messages."""
    response = client.post("/login", data={"csrf_token": token(client)})
    assert response.status_code == 200
    assert "请输入用户名" in response.text
    assert "请输入密码" in response.text
    assert_logged_out(client)


def test_inactive_user_cannot_log_in(app: Flask, client: FlaskClient, office: str) -> None:
    """A deactivated account gets the same error as a wrong password."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == office))
        assert user is not None
        user.active = False
        db.session.commit()
    response = login(client, office)
    assert response.status_code == 200
    assert "用户名或密码不正确。" in response.text
    assert_logged_out(client)


def test_deactivated_user_loses_running_session(
    app: Flask, client: FlaskClient, office: str
) -> None:
    """Deactivating a logged-in user ends their access at the next request."""
    login(client, office)
    assert client.get("/").status_code == 200
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == office))
        assert user is not None
        user.active = False
        db.session.commit()
    assert location(client.get("/")) == "/login?next=%2F"


def test_login_without_csrf_token_is_refused(client: FlaskClient, office: str) -> None:
    """400 with the Chinese CSRF message, no session."""
    client.get("/login")
    response = client.post("/login", data={"username": office, "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF 校验失败" in response.text
    assert_logged_out(client)


def test_logout_is_post_only(client: FlaskClient, office: str) -> None:
    """GET /logout is 405 and leaves the user logged in; POST logs out."""
    login(client, office)
    assert client.get("/logout").status_code == 405
    page = client.get("/")
    assert page.status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(page.text)})
    assert location(response) == "/login"
    assert "已退出登录。" in client.get("/login").text
    assert_logged_out(client)


def test_protected_page_asks_to_log_in_then_returns(client: FlaskClient, office: str) -> None:
    """An anonymous visit to /review goes to the login page with a notice, then back."""
    response = client.get("/review")
    assert location(response) == "/login?next=%2Freview"
    page = client.get(location(response))
    assert "请先登录。" in page.text
    answer = client.post(
        "/login?next=%2Freview",
        data={"csrf_token": csrf_token(page.text), "username": office, "password": PASSWORD},
    )
    assert location(answer) == "/review"


NEXT_TARGETS = {
    "/review": "/review",
    "/plans/7?state=behind": "/plans/7?state=behind",
    "https://evil.example/phish": "/",
    "//evil.example/phish": "/",
    "/\\evil.example/phish": "/",
    "/\\/evil.example/phish": "/",
    "\\\\evil.example/phish": "/",
    "/\t/evil.example/phish": "/",
    "javascript:alert(1)": "/",
    "http:/evil.example": "/",
    "evil.example": "/",
}


def test_next_parameter_stays_on_site(app: Flask, office: str, subtests: pytest.Subtests) -> None:
    """After login the redirect follows ``next`` only to a path of this site (browsers
    read a backslash as a slash, so "/\\evil.example" would leave it)."""
    for target, landing in NEXT_TARGETS.items():
        with subtests.test(target=target):
            client = app.test_client()
            url = f"/login?next={quote(target, safe='')}"
            page = client.get(url)
            response = client.post(
                url,
                data={
                    "csrf_token": csrf_token(page.text),
                    "username": office,
                    "password": PASSWORD,
                },
            )
            assert location(response) == landing


@pytest.mark.parametrize(
    ("username", "password"),
    [("nobody", PASSWORD), ("office", "wrong-password"), ("office", PASSWORD)],
    ids=["unknown-user", "wrong-password", "right-password"],
)
def test_every_login_checks_exactly_one_password_hash(
    client: FlaskClient,
    office: str,
    monkeypatch: pytest.MonkeyPatch,
    username: str,
    password: str,
) -> None:
    """An unknown name costs the same work as a known one: one hash check, for an unknown
    name against a dummy hash made with the configured method (the test profile's)."""
    from config.settings import TEST_HASH_METHOD
    from tracker.services import logins

    checked: list[str] = []
    real = logins.check_password_hash

    def spy(stored: str, given: str) -> bool:
        checked.append(stored)
        return real(stored, given)

    monkeypatch.setattr(logins, "check_password_hash", spy)
    login(client, username, password)
    assert len(checked) == 1
    assert checked[0].startswith(f"{TEST_HASH_METHOD}$")
    if username == "nobody":
        assert checked[0] == logins.dummy_hash(TEST_HASH_METHOD)
