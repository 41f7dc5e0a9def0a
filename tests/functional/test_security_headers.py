"""Every page carries the security headers, and no page needs inline script or style (the
CSP forbids both)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.functional.helpers import add_user, import_cixi, login
from tracker.domain.policy import Role

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def _assert_secured(response_headers: dict[str, str]) -> None:
    policy = response_headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response_headers["X-Frame-Options"] == "DENY"
    assert response_headers["X-Content-Type-Options"] == "nosniff"
    assert response_headers["Referrer-Policy"] == "same-origin"


def test_the_login_page_and_the_api_send_the_headers(client: FlaskClient) -> None:
    _assert_secured(dict(client.get("/login").headers))
    _assert_secured(dict(client.get("/api/v1/openapi.json").headers))


@pytest.fixture
def office(app: Flask, runner: FlaskCliRunner, client: FlaskClient) -> tuple[FlaskClient, int]:
    cixi = import_cixi(app, runner)
    add_user(app, "office", Role.OFFICE)
    login(client, "office")
    return client, cixi.task_id


def test_pages_hold_no_inline_script_or_style(office: tuple[FlaskClient, int]) -> None:
    client, task_id = office
    for url in ("/", f"/tasks/{task_id}", f"/tasks/{task_id}/milestones", "/review", "/inbox"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        _assert_secured(dict(response.headers))
        assert INLINE.findall(response.text) == [], url
