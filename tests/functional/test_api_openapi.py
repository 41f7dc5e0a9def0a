"""The OpenAPI 3.1 document of ``/api/v1``: built by spectree from the request and
response models, it lists every API route of the app and nothing else."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.functional.api_helpers import API


def _openapi_path(rule: str) -> str:
    """``/api/v1/tasks/<int:task_id>`` as OpenAPI writes it: ``/api/v1/tasks/{task_id}``."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _document(client: FlaskClient) -> dict[str, Any]:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.is_json
    return json.loads(response.get_data(as_text=True))


def test_openapi_declares_version_3_1_and_bearer_tokens(client: FlaskClient) -> None:
    document = _document(client)
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    assert document["info"]["title"] == "改革任务台账 API"
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert document["security"] == [{"bearer": []}]
    assert document["paths"][f"{API}/openapi.json"]["get"]["security"] == []


def test_openapi_lists_every_api_route(app: Flask, client: FlaskClient) -> None:
    """Each (path, method) of ``app.url_map`` under /api/v1 is in the document, and the
    document lists nothing else."""
    document = _document(client)
    routes = {
        (_openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{API}/") and rule.endpoint != "api.fallback"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    documented = {
        (path, method) for path, operations in document["paths"].items() for method in operations
    }
    assert routes == documented
    assert len(routes) >= 15


def test_openapi_operations_are_complete(client: FlaskClient) -> None:
    """Every operation has its success answer, its path parameters, a 401 unless public,
    and every reference resolves."""
    document = _document(client)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "200" in operation["responses"] or "201" in operation["responses"], path
            names = [p["name"] for p in operation["parameters"] if p["in"] == "path"]
            assert names == re.findall(r"{(\w+)}", path), (path, method)
            if operation.get("security") != []:
                assert "401" in operation["responses"], (path, method)
            for ref in re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', json.dumps(operation)):
                assert ref[1] in document["components"][ref[0]], ref
    tasks = document["paths"][f"{API}/tasks"]["get"]
    assert {p["name"] for p in tasks["parameters"] if p["in"] == "query"} == {
        "plan",
        "unit",
        "state",
        "page",
    }
    submit = document["paths"][f"{API}/reports/{{report_id}}/submit"]["post"]
    assert submit["requestBody"]["required"] is False
    create = document["paths"][f"{API}/tasks/{{task_id}}/reports"]["post"]
    assert create["requestBody"]["required"] is True
    entry = document["components"]["schemas"]["HistoryEntry"]
    assert entry["properties"]["at"]["format"] == "date-time"
    new_report = document["components"]["schemas"]["NewReport"]
    assert new_report["required"] == ["period"]
    assert new_report["additionalProperties"] is False
