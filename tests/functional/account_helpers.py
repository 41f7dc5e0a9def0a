"""Helpers of the account tests: logging in with 记住我, cookies, editing a user row."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from tests.functional.helpers import PASSWORD
from tracker.extensions import db
from tracker.models import User

DOMAIN = "tracker.test"


def login_remembered(client: FlaskClient, username: str, password: str = PASSWORD) -> TestResponse:
    """Log in through the form with 记住我 ticked."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page.text),
            "username": username,
            "password": password,
            "remember": "y",
        },
    )


def cookie(client: FlaskClient, name: str) -> str | None:
    """The value of the client's cookie ``name``, or None."""
    found = client.get_cookie(name, domain=DOMAIN)
    return found.value if found is not None else None


def client_with(app: Flask, **cookies: str) -> FlaskClient:
    """A new client holding only ``cookies`` (as copied from another browser)."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value, domain=DOMAIN)
    return other


def logout(client: FlaskClient) -> TestResponse:
    """POST /logout with a token of the client's session."""
    return client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})


def edit_user(app: Flask, username: str, change: Callable[[User], object]) -> None:
    """Apply ``change`` to the stored user and commit."""
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.username == username)).one()
        change(user)
        db.session.commit()


def flashes(response: TestResponse) -> list[str]:
    """The flash messages of a page."""
    import re

    return re.findall(r'<div class="flash flash-\w+" role="alert">([^<]*)</div>', response.text)
