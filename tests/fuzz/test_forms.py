"""Hypothesis over every HTML form (issue 9 §8, "no form answers 500"): each POST route of
``app.url_map`` outside ``/api/`` is posted by a user who may use it, with its CSRF token
and generated field values (text with NUL and lone surrogates, huge and negative numbers,
dates out of range, very long strings, missing and repeated fields, files of odd bytes),
and must never answer a 5xx. The fields posted are those the route's forms show (read
from the page holding them), starting from valid values and changing some, plus a few
names no form has."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import evidence_samples as samples
from tests.functional.helpers import login, token
from tests.fuzz.form_world import ROUTES, Route, build_world, page_fields
from tracker import settings as app_settings

pytestmark = pytest.mark.fuzz

#: Examples per route (29 routes; about half a minute on SQLite).
MAX_EXAMPLES = 40

#: Status codes answered, by endpoint (read by the report of a run).
STATUSES: dict[str, Counter[int]] = {}

_NASTY = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff\ud800",
    "\u202e\ufeff",
    "0",
    "-1",
    "-0",
    "1e309",
    "nan",
    "inf",
    "-2147483649",
    "2147483648",
    str(2**63),
    str(2**80),
    str(-(2**80)),
    "1.5",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2020-02-30",
    "2020-13-01",
    "-2020-01-01",
    "2020Q9",
    "99999Q1",
    "2020H3",
    "<script>",
    "' OR 1=1 --",
    "x" * 70_000,
    "测" * 20_000,
)

_values = st.one_of(
    st.sampled_from(_NASTY),
    st.text(max_size=40),
    st.text(st.characters(categories=["Cs", "Cc", "Lo"]), max_size=10),
    st.integers(min_value=-(2**90), max_value=2**90).map(str),
    st.dates().map(str),
)

_files = st.tuples(
    st.one_of(
        st.just(samples.PDF),
        st.binary(max_size=300),
        st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"MZ\x90\x00"]).map(
            lambda head: head + b"\x00" * 64
        ),
    ),
    st.one_of(
        st.sampled_from(["a.pdf", "报告.docx", "x.xlsx", ".pdf", "a", "../../etc/passwd", ""]),
        st.text(max_size=20),
    ),
)

#: Names no form has, posted now and then (a form must ignore what it does not know).
_STRAY = ("id", "version", "rows-0-x", "rows-99999999999999999999-kind", "rows--1-due")


@dataclass(frozen=True, slots=True)
class Posted:
    """One generated request: form fields (a name may repeat) and files."""

    fields: list[tuple[str, str]]
    files: dict[str, tuple[bytes, str]]


def _changed(value: str) -> Any:
    """Values posted instead of a valid ``value``: nasty ones, or ``value`` with NUL, a lone
    surrogate or a huge tail."""
    spoiled = st.sampled_from([f"{value}\x00", f"\ud800{value}", value * 5000, f"-{value}"])
    return st.one_of(_values, spoiled)


def _posted(fields: dict[str, str], file_names: tuple[str, ...]) -> Any:
    """A strategy of :class:`Posted` for a form whose valid values are ``fields``: each
    field mostly kept, else changed, left out or repeated; stray names now and then."""

    def one(name: str, value: str) -> Any:
        kept = st.just([(name, value)])
        changed = st.lists(st.one_of(st.just(value), _changed(value)), max_size=3)
        return st.one_of(kept, kept, kept, changed.map(lambda vs: [(name, v) for v in vs]))

    stray = st.lists(st.tuples(st.sampled_from(_STRAY), _values), max_size=2)
    every = [one(name, value) for name, value in fields.items()] + [stray]
    posted = st.tuples(*every).map(lambda parts: [pair for part in parts for pair in part])
    files = st.fixed_dictionaries({}, optional={name: _files for name in file_names})
    return st.builds(Posted, posted, files)


def _encode(value: str) -> bytes:
    # Lone surrogates cannot be UTF-8: send them as a broken browser would.
    return value.encode("utf-8", "surrogatepass")


def _post(client: FlaskClient, path: str, csrf: str, posted: Posted) -> int:
    """POST ``posted`` with the CSRF token; the status code."""
    pairs = [("csrf_token", csrf), *posted.fields]
    if not posted.files:
        body = "&".join(
            f"{quote_from_bytes(_encode(k))}={quote_from_bytes(_encode(v))}" for k, v in pairs
        )
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        return response.status_code
    data: dict[str, Any] = {}
    for key, value in pairs:
        data.setdefault(key, []).append(value.encode("utf-8", "replace").decode("utf-8"))
    for key, (content, filename) in posted.files.items():
        data[key] = (io.BytesIO(content), filename.encode("utf-8", "replace").decode("utf-8"))
    return client.post(path, data=data, content_type="multipart/form-data").status_code


@pytest.fixture(scope="module")
def world(
    app: Flask, shared_db: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, int]]:
    """The world of :mod:`tests.fuzz.form_world`, uploads in a temporary directory."""
    before = app.extensions[app_settings.EXTENSION]
    uploads = Path(tmp_path_factory.mktemp("uploads"))
    app.extensions[app_settings.EXTENSION] = before.updated("uploads", upload_dir=uploads)
    yield build_world(app, app.test_cli_runner())
    app.extensions[app_settings.EXTENSION] = before


def test_every_post_route_is_fuzzed(app: Flask) -> None:
    """The route list below covers every HTML POST route of the app."""
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/")
    }
    assert routes == {route.endpoint for route in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.endpoint)
def test_no_form_answers_a_server_error(app: Flask, world: dict[str, int], route: Route) -> None:
    """Generated posts to ``route`` as its user: never a 5xx."""
    client = app.test_client()
    if route.user:
        assert login(client, route.user).status_code == 302
    fields, file_names = page_fields(client, route, world)
    path = route.path.format(**world)
    counts = STATUSES.setdefault(route.endpoint, Counter())
    csrf = token(client)

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(posted=_posted(fields, file_names), where=route.paths)
    def post(posted: Posted, where: str | None) -> None:
        # Logging in or out ends the session: a new client (and token) for each example.
        sender, current = client, csrf
        if route.endpoint.startswith("auth."):
            sender = app.test_client()
            if route.user:
                login(sender, route.user)
            current = token(sender)
        status = _post(sender, where or path, current, posted)
        counts[status] += 1
        assert status < 500, (where or path, posted)

    post()
