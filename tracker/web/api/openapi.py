"""The OpenAPI 3.1 document of ``/api/v1``, written by spectree from the views' models
and the app's URL map (:mod:`tracker.web.api.spec`); ``GET /api/v1/openapi.json``
serves it without a token. A test checks that it lists every API route of the app.

Two things spectree cannot know are said here: a body that may be left out is not
``required``, and a route that takes no body and no query string never answers 422.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Response as FlaskResponse
from flask import jsonify
from spectree import Response

from tracker.web.api import bp
from tracker.web.api.schemas import OPTIONAL_BODIES
from tracker.web.api.spec import spec

_OPTIONAL_REFS = {f"#/components/schemas/{name}" for name in OPTIONAL_BODIES}


def document() -> dict[str, Any]:
    """The document (needs an app context: spectree reads the app's URL map once)."""
    result = copy.deepcopy(spec.spec)
    for operations in result["paths"].values():
        for operation in operations.values():
            _refine(operation)
    return result


def _refine(operation: dict[str, Any]) -> None:
    body = operation.get("requestBody")
    if body is not None:
        schema = body["content"].get("application/json", {}).get("schema", {})  # or multipart
        body["required"] = schema.get("$ref") not in _OPTIONAL_REFS
    takes_query = any(p["in"] == "query" for p in operation.get("parameters", ()))
    if body is None and not takes_query:
        operation["responses"].pop("422", None)


@bp.get("/openapi.json")
@spec.validate(resp=Response(HTTP_200=(None, "OpenAPI 3.1 文档")), security={})
def openapi() -> FlaskResponse:
    """本文档（无需令牌）"""
    return jsonify(document())
