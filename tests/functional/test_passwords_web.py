"""Changing one's own password (issue 9 §4): the form's refusals in Chinese, the new
password in force at once, other sessions ended; under the "dengbao" profile a password
older than 90 days sends the user to the change-password page whatever they ask for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from config.settings import Settings
from tests.conftest import csrf_token
from tests.functional.account_helpers import edit_user
from tests.functional.helpers import PASSWORD, add_user, location, login
from tracker.domain.policy import Role

NEW_PASSWORD = "Another#2021pass"
PAGE = "/account/password"


@pytest.fixture
def office(app: Flask) -> str:
    add_user(app, "office", Role.OFFICE)
    return "office"


def change(client: FlaskClient, current: str, new: str, confirm: str | None = None) -> TestResponse:
    page = client.get(PAGE)
    return client.post(
        PAGE,
        data={
            "csrf_token": csrf_token(page.text),
            "current_password": current,
            "new_password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def test_the_page_states_the_rule(client: FlaskClient, office: str) -> None:
    login(client, office)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "密码至少 10 位，不得与当前密码相同。" in page.text
    assert 'href="/account/password"' in client.get("/notifications").text


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong-password", NEW_PASSWORD, None, "当前密码不正确"),
        (PASSWORD, NEW_PASSWORD, "Different#2021", "两次输入的新密码不一致"),
        (PASSWORD, "short-pw1", None, "密码至少 10 位"),
        (PASSWORD, PASSWORD, None, "新密码不得与当前密码相同"),
    ],
    ids=["wrong-current", "mismatch", "too-short", "same-as-current"],
)
def test_refusals_are_shown_and_change_nothing(
    app: Flask,
    client: FlaskClient,
    office: str,
    current: str,
    new: str,
    confirm: str | None,
    message: str,
) -> None:
    login(client, office)
    response = change(client, current, new, confirm)
    assert response.status_code == 200
    assert message in response.text
    assert location(login(app.test_client(), office)) == "/"


def test_a_changed_password_is_in_force_at_once(app: Flask, office: str) -> None:
    """The old password no longer logs in, the new one does; the changing session goes on;
    the user's other sessions end; the change is in the account history."""
    client, elsewhere = app.test_client(), app.test_client()
    login(client, office)
    login(elsewhere, office)
    response = change(client, PASSWORD, NEW_PASSWORD)
    assert location(response) == "/"
    assert "密码已修改。" in client.get("/notifications").text
    assert location(elsewhere.get("/")) == "/login?next=%2F"
    assert "用户名或密码不正确。" in login(app.test_client(), office).text
    assert location(login(app.test_client(), office, NEW_PASSWORD)) == "/"
    history = client.get("/admin/accounts").text.split("账号日志")[1]
    assert "修改密码" in history and "本人修改密码" in history


def test_an_old_password_under_dengbao_leads_to_the_change_page(
    app: Flask, client: FlaskClient, office: str, set_settings: Callable[..., Settings]
) -> None:
    """91 days old: every page but the change page and logout sends the user there; after
    the change the pages open again."""
    set_settings("accounts", password_profile="dengbao")
    long_ago = datetime.now(UTC) - timedelta(days=91)
    edit_user(app, office, lambda u: setattr(u, "password_changed_at", long_ago))
    assert location(login(client, office)) == "/"
    assert location(client.get("/")) == PAGE
    assert location(client.get("/admin/accounts")) == PAGE
    page = client.get(PAGE)
    assert "您的密码已超过有效期" in page.text
    assert "密码已超过有效期，请先修改密码。" in page.text
    assert "每 90 天须更换一次" in page.text
    refused = change(client, PASSWORD, "abcdefgh12")  # two classes only
    assert (refused.status_code, "至少 3 类" in refused.text) == (200, True)
    assert location(change(client, PASSWORD, NEW_PASSWORD)) == "/"
    assert client.get("/notifications").status_code == 200


def test_an_old_password_is_fine_under_basic(app: Flask, client: FlaskClient, office: str) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=400)
    edit_user(app, office, lambda u: setattr(u, "password_changed_at", long_ago))
    login(client, office)
    assert client.get("/notifications").status_code == 200


def test_an_89_day_old_password_is_fine_under_dengbao(
    app: Flask, client: FlaskClient, office: str, set_settings: Callable[..., Settings]
) -> None:
    set_settings("accounts", password_profile="dengbao")
    recent = datetime.now(UTC) - timedelta(days=89)
    edit_user(app, office, lambda u: setattr(u, "password_changed_at", recent))
    login(client, office)
    assert client.get("/notifications").status_code == 200
