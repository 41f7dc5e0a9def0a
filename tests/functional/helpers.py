"""Helpers of the functional tests: the Cixi plan, users, logging in, reading forms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from config.settings import TEST_HASH_METHOD
from tests.conftest import csrf_token
from tests.paths import SEEDS
from tracker.domain.policy import Role, UnitRole
from tracker.extensions import db
from tracker.models import Contribution, ProgressReport, ReportStatus, Task, TaskUnit, Unit
from tracker.services.users import create_user

PASSWORD = "Secret#2020pass"
CIXI_DOCX = SEEDS / "cixi-key-tasks.docx"

#: The first Cixi task: level ≥20 % 2019, ≥35 % 2020, 100 % 2025.
FIRST_TASK_TEXT = "非公有制企业职工30人以上有党员、80人以上有党组织"
LEAD_UNIT = "市委组织部"
COOPERATING_UNITS = ("市总工会", "团市委", "市妇联")
UNRELATED_UNIT = "市司法局"


@dataclass(frozen=True, slots=True)
class Cixi:
    """Ids of the imported Cixi plan and of its first task."""

    plan_id: int
    task_id: int


def import_cixi(app: Flask, runner: FlaskCliRunner) -> Cixi:
    """Import the Cixi table with the CLI; the ids of the plan and of its first task."""
    result = runner.invoke(
        args=["plan", "import", str(CIXI_DOCX), "--period", "2019-2025", "--json"]
    )
    assert result.exit_code == 0, result.output
    plan_id = json.loads(result.output)["plan_id"]
    with app.app_context():
        task_id = db.session.scalar(
            sa.select(Task.id).where(Task.plan_id == plan_id, Task.text == FIRST_TASK_TEXT)
        )
    assert task_id is not None
    return Cixi(plan_id=plan_id, task_id=task_id)


def unit_id(app: Flask, name: str) -> int:
    """The id of the unit called ``name``."""
    with app.app_context():
        found = db.session.scalar(sa.select(Unit.id).where(Unit.name == name))
    assert found is not None, name
    return found


def add_lead_report(
    task_id: int, period: str, end: date, value: float, status: ReportStatus, on: date
) -> None:
    """Add (not commit) a report of ``period`` (ending ``end``) by the task's first lead
    unit, submitted ``on`` and, when accepted, reviewed the same day."""
    lead = db.session.scalar(
        sa.select(TaskUnit.unit_id).where(
            TaskUnit.task_id == task_id, TaskUnit.role == UnitRole.LEAD
        )
    )
    db.session.add(
        ProgressReport(
            task_id=task_id,
            unit_id=lead,
            period=period,
            period_end=end,
            status=status,
            value=value,
            submitted_on=on,
            reviewed_on=on if status is ReportStatus.ACCEPTED else None,
        )
    )


def contribution_id(report_id: int, unit_name: str) -> int:
    """The id of the contribution request of ``report_id`` addressed to ``unit_name``
    (inside an app context)."""
    found = db.session.scalar(
        sa.select(Contribution.id)
        .join(Unit, Unit.id == Contribution.unit_id)
        .where(Contribution.report_id == report_id, Unit.name == unit_name)
    )
    assert found is not None, unit_name
    return found


def add_user(app: Flask, username: str, role: Role, unit_name: str | None = None) -> None:
    """Create and commit a user with :data:`PASSWORD`."""
    with app.app_context():
        unit = (
            db.session.scalar(sa.select(Unit).where(Unit.name == unit_name)) if unit_name else None
        )
        create_user(
            username,
            PASSWORD,
            role,
            unit=unit,
            display_name=f"{username}测试",
            hash_method=TEST_HASH_METHOD,
        )
        db.session.commit()


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> TestResponse:
    """Log in through the form; the response to the POST."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={"csrf_token": csrf_token(page.text), "username": username, "password": password},
    )


def token(client: FlaskClient) -> str:
    """A CSRF token valid for the client's current session."""
    return csrf_token(client.get("/login", follow_redirects=True).text)


def location(response: TestResponse) -> str:
    """The path (and query, if any) a redirect points to."""
    assert response.status_code in (301, 302, 303), response.status_code
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


class _FormReader(HTMLParser):
    """Collects the fields of the first ``<form method="post">`` (not the header's logout
    form) as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._done = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._done:
            return
        if (
            tag == "form"
            and a.get("method", "").lower() == "post"
            and not a.get("action", "").endswith("/logout")
        ):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value") or "y"
            elif kind not in ("submit", "button"):
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select" and self._select:
            self.fields.setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            # Jinja/WTForms put a newline right after <textarea>; browsers drop it.
            text = self.fields[self._textarea] + data
            self.fields[self._textarea] = text.removeprefix("\r\n").removeprefix("\n")


def form_fields(html: str) -> dict[str, str]:
    """The name → value pairs the page's first POST form would submit unchanged."""
    reader = _FormReader()
    reader.feed(html)
    assert reader.fields, "page has no POST form"
    return reader.fields
