"""Ids beyond any stored row, in every route that takes one, answer 404 (HTML) — never the
database driver's overflow as a 500."""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.functional.helpers import add_user, login
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Unit

HUGE = 2**70


def _routes_with_int_ids(app: Flask) -> list[tuple[str, str]]:
    """(method, url) for every non-API route with an integer path parameter, ids huge."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            kinds = {name: type(c).__name__ for name, c in rule._converters.items()}
            if rule.rule.startswith("/api/") or "IntegerConverter" not in kinds.values():
                continue
            values = {
                name: HUGE if kind == "IntegerConverter" else _a_value(rule._converters[name])
                for name, kind in kinds.items()
            }
            url = url_for(rule.endpoint, **values)
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                found.append((method, url))
    return found


def _a_value(converter: object) -> str:
    """A value the converter accepts: the first of an ``any(…)``, else a period code."""
    items = getattr(converter, "items", None)
    return str(sorted(items)[0]) if items else "2020Q3"


@pytest.mark.parametrize("role", [Role.OFFICE, Role.UNIT, Role.LEADER])
def test_huge_ids_are_not_found(app: Flask, client: FlaskClient, role: Role) -> None:
    with app.app_context():
        db.session.add(Unit(name="市委组织部"))
        db.session.commit()
    add_user(app, "someone", role, "市委组织部" if role is Role.UNIT else None)
    login(client, "someone")
    landing = client.get("/my" if role is Role.UNIT else "/", follow_redirects=True)
    token = csrf_token(landing.text)  # a leader lands on /dashboard
    routes = _routes_with_int_ids(app)
    assert len(routes) > 20
    answers = {}
    for method, url in routes:
        if method == "GET":
            answers[(method, url)] = client.get(url).status_code
        else:
            answers[(method, url)] = client.post(url, data={"csrf_token": token}).status_code
    assert {key: code for key, code in answers.items() if code != 404} == {}
