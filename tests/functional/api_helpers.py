"""Helpers of the API tests: tokens through the CLI, authenticated JSON requests and the
world most API tests start from."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from tests.functional.helpers import (
    COOPERATING_UNITS,
    LEAD_UNIT,
    UNRELATED_UNIT,
    Cixi,
    add_user,
    import_cixi,
)
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import User

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


#: The API users of the tests: username → (role, unit).
USERS = {
    "office": (Role.OFFICE, None),
    "lead": (Role.UNIT, LEAD_UNIT),
    "coop": (Role.UNIT, COOPERATING_UNITS[0]),
    "coop2": (Role.UNIT, COOPERATING_UNITS[1]),
    "other": (Role.UNIT, UNRELATED_UNIT),
    "leader": (Role.LEADER, None),
}

#: The Cixi plan and a token per username of :data:`USERS`.
World = tuple[Cixi, dict[str, str]]


def make_world(app: Flask, runner: FlaskCliRunner) -> World:
    """The Cixi plan, the users of :data:`USERS`, and a CLI token for each."""
    cixi = import_cixi(app, runner)
    for name, (role, unit) in USERS.items():
        add_user(app, name, role, unit)
    return cixi, {name: cli_token(runner, name) for name in USERS}


def change_user(app: Flask, username: str, **fields: Any) -> None:
    """Set ``fields`` of the user ``username`` (committed)."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        assert user is not None
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()


def new_draft(client: FlaskClient, task: int, token: str, **fields: Any) -> dict[str, Any]:
    """Create a 2020Q3 draft of ``task`` through the API (201) and return it."""
    body = {"period": "2020Q3", "value": 30, "progress": "三季度按计划推进", **fields}
    response = call(client, "POST", f"/tasks/{task}/reports", token, body)
    assert response.status_code == 201, response.json
    result: dict[str, Any] = response.get_json()
    return result
