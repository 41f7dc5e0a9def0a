"""Helpers of the API tests: tokens through the CLI and authenticated JSON requests."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

API = "/api/v1"


def cli_token(runner: FlaskCliRunner, username: str) -> str:
    """A token for ``username`` from ``flask --app tracker user token USERNAME --json``."""
    result = runner.invoke(args=["user", "token", username, "--json"])
    assert result.exit_code == 0, result.output
    return str(json.loads(result.output)["token"])


def call(
    client: FlaskClient,
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    raw: str | None = None,
) -> TestResponse:
    """Send ``method API+path`` with the bearer ``token`` (if any) and a JSON ``body`` (or
    the ``raw`` text as a JSON body)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return client.open(
        API + path, method=method, headers=headers, data=data, content_type="application/json"
    )
