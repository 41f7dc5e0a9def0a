"""Schemathesis over the JSON API (issue 9 §8): every operation of ``/api/v1/openapi.json``,
with an office token and a unit token, on the Cixi world, in-process through the WSGI app.

Each response must be no 5xx and must conform to the document: a documented status, the
documented body schema and content type, 401/403 for missing or foreign credentials.
Examples are generated from the schema (valid bodies and invalid ones); the budget is fixed
(``MAX_EXAMPLES`` per operation and token, no deadline, derandomized) so CI is repeatable.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskCliRunner
from hypothesis import HealthCheck, settings
from schemathesis.generation.case import Case

from tests.functional.api_helpers import call, make_world, new_draft
from tracker import create_app
from tracker.extensions import db
from tracker.models import Contribution, ProgressReport, Task

pytestmark = pytest.mark.fuzz

#: Examples per operation and token (15 operations × 2 tokens).
MAX_EXAMPLES = 25

#: The tokens of :func:`make_world` by username, and the ids of each path parameter.
World = tuple[dict[str, str], dict[str, list[int]]]

#: Path parameter → the table whose ids the world has.
_ID_TABLES: dict[str, type[Any]] = {
    "task_id": Task,
    "report_id": ProgressReport,
    "contribution_id": Contribution,
}


def _document_app() -> Flask:
    """An app on an empty in-memory database, only to serve the OpenAPI document at
    collection time (the document is built from the code, not from the data). Requests go
    to the test session's ``app`` (set on the schema in :func:`_check`); schemathesis' lazy
    ``from_fixture`` loader is not used because it breaks on pytest 9 (it sets the
    removed ``Function._nodeid``)."""
    return create_app({"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app())
# A request the schema allows may still be refused by a rule of the service (a period not
# open for reporting, a unit nobody is called): the document answers such a ServiceError
# with 422 {"error", "field"} (tracker/web/api/errors.py), so 422 is an acceptance of
# schema-valid data, not a contract breach. Every other check runs as schemathesis ships it.
schema.config.checks.positive_data_acceptance.expected_statuses.append("422")

#: Status codes answered during the session, by token (read by the report of the run).
STATUSES: dict[str, Counter[int]] = {"office": Counter(), "lead": Counter()}


def _world(app: Flask, runner: FlaskCliRunner) -> World:
    """The Cixi world, a draft and a submitted report of the lead unit; the tokens and the
    ids of each path parameter's table."""
    cixi, tokens = make_world(app, runner)
    client = app.test_client()
    new_draft(client, cixi.task_id, tokens["lead"])
    sent = new_draft(client, cixi.task_id, tokens["lead"], period="2020Q2")
    assert call(client, "POST", f"/reports/{sent['id']}/submit", tokens["lead"], {}).status_code
    with app.app_context():
        ids = {
            name: list(db.session.scalars(db.select(model.id).order_by(model.id).limit(20)))
            for name, model in _ID_TABLES.items()
        }
    return tokens, ids


def _aim(case: Case, ids: dict[str, list[int]]) -> None:
    """Point small generated ids at records that exist, so that operations get past their
    404; zero, negative and huge ids are kept as generated."""
    for name, value in (case.path_parameters or {}).items():
        known = ids.get(name)
        if known and isinstance(value, int) and 0 < value <= 1000:
            case.path_parameters[name] = known[value % len(known)]


#: Hypothesis settings of both tests: a fixed budget, repeatable, no deadline (a request
#: writes to the database; its time says nothing about the contract).
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _check(case: Case, app: Flask, world: World, who: str) -> None:
    tokens, ids = world
    _aim(case, ids)
    # The checks' own requests (a wrong token, an undeclared method) go to the schema's app.
    case.operation.app = case.operation.schema.app = app
    headers = {"Authorization": f"Bearer {tokens[who]}"}
    response = case.call(headers=headers)
    STATUSES[who][response.status_code] += 1
    case.validate_response(response, headers=headers)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_the_office(case: Case, app: Flask, world: World) -> None:
    """With the office's token: no 5xx, every answer one the document promises."""
    _check(case, app, world, "office")


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_a_unit(case: Case, app: Flask, world: World) -> None:
    """With the lead unit's token: no 5xx, every answer one the document promises."""
    _check(case, app, world, "lead")


@pytest.fixture(scope="module")
def world(app: Flask, shared_db: None) -> World:
    """See :func:`_world` (built once per module, shared by every operation and example)."""
    return _world(app, app.test_cli_runner())
