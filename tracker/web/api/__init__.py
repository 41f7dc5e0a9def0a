"""The JSON API at ``/api/v1`` (issue 3 §9): the same services and the same policy as
the web pages, authenticated by per-user bearer tokens (``flask --app tracker user token
USERNAME``), described by ``GET /api/v1/openapi.json``.

Built from schemas (issue 8): pydantic v2 models say what a request may hold
(:mod:`.schemas`) and what an answer holds (:mod:`.responses`); spectree
(:mod:`.spec`) validates both around each view and writes the OpenAPI 3.1 document from
the same models and the app's URL map, so no route goes undocumented and the document
cannot drift from the code. Views live in :mod:`.tasks`, :mod:`.reports` and
:mod:`.contributions`; errors are JSON (:mod:`.errors`); tokens, policy and the records a
path names are in :mod:`.auth`.

Why spectree: it decorates ordinary Flask views on an ordinary Blueprint, so the app
stays a :class:`tracker.unit_of_work.TrackerFlask` and the views keep Flask's routing,
error handlers and unit of work; flask-openapi3 and APIFlask want their own app or
blueprint classes, and Flask-Pydantic validates but writes no document. spectree is
maintained (3.0, 2026), speaks pydantic v2, emits OpenAPI 3.1.0, reads a view's body and
query models from its annotations, and lets us pass our own subclass of its Flask plugin,
where the API's contract is kept: a validation error becomes our ``{"error", "field"}``
422 and a body keeps its 400/415 rules (the stock plugin reads a malformed body as
``{}``). Its ``strict`` mode documents exactly the validated views.
"""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint, Response, current_app, request
from flask.sansio.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import PathConverter

from tracker.extensions import csrf
from tracker.web.api.auth import authenticate
from tracker.web.api.errors import register_errors

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, no cookies: nothing for a cross-site form to ride on
register_errors(bp)

#: Methods the JSON fallback answers (so that unknown paths and wrong methods get JSON,
#: a 405 with its Allow header). OPTIONS and HEAD are Flask's own.
_FALLBACK_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE")


class _AnyPath(PathConverter):
    """A path converter that also matches line breaks (werkzeug's ``path`` stops at one, so
    ``/api/v1/x%0A`` would miss the fallback and get the HTML 404 page)."""

    regex = "[^/](?s:.*?)"


@bp.record_once
def _register_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters.setdefault("api_path", _AnyPath)


@bp.route("/", endpoint="fallback", methods=_FALLBACK_METHODS, defaults={"rest": ""})
@bp.route("/<api_path:rest>", endpoint="fallback", methods=_FALLBACK_METHODS)
def fallback(rest: str) -> NoReturn:
    """Any other path under ``/api/v1``: a JSON 405 (with Allow) when another API route
    has this path with other methods, else a JSON 404."""
    allowed = _allowed_methods()
    if allowed:
        raise MethodNotAllowed(valid_methods=sorted(allowed))
    raise NotFound()


def _allowed_methods() -> set[str]:
    adapter = current_app.create_url_adapter(request)
    found: set[str] = set()
    if adapter is None:
        return found
    for method in _FALLBACK_METHODS:
        try:
            rule, _ = adapter.match(request.path, method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.endpoint != "api.fallback":
            found.add(method)
    return found


def _options() -> Response | None:
    """OPTIONS answers with the methods the API's own routes give this path (Flask's
    automatic answer would add every method of the fallback); a path no route has is a
    404. Before the token check, as a preflight carries no credentials."""
    if request.method != "OPTIONS":
        return None
    allowed = _allowed_methods()
    if not allowed:
        raise NotFound()
    extra = {"OPTIONS", "HEAD"} if "GET" in allowed else {"OPTIONS"}
    return current_app.response_class(
        status=200, headers={"Allow": ", ".join(sorted(allowed | extra))}
    )


bp.before_request(_options)
bp.before_request(authenticate)


from tracker.web.api import (  # noqa: E402
    contributions,
    dashboard,
    my,
    openapi,
    plan_imports,
    queue,
    reports,
    supervision,
    tasks,
)
from tracker.web.api import people as people  # noqa: E402  (units and users, issue 11)

__all__ = [
    "bp",
    "contributions",
    "dashboard",
    "my",
    "openapi",
    "plan_imports",
    "queue",
    "reports",
    "supervision",
    "tasks",
]

from tracker.web.api import bases  # noqa: E402

__all__ += ["bases"]
