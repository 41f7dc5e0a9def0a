"""Every API route for every role: the exact status each one gets, and the same verdict
as the web page doing the same thing (issue 3 §9: "a user can do through the API
exactly what the policy lets them do on the web").

The table is written out by hand; a route of ``app.url_map`` under ``/api/v1`` that it
does not list fails :func:`test_table_lists_every_api_route`.

World of each walk: the Cixi plan; its first task ``{task}`` (lead 市委组织部, cooperating
市总工会、团市委、市妇联); a submitted 2020Q3 report ``{report}`` asking the cooperating
units (``{contribution}`` is 市总工会's request, ``{other}`` 团市委's); a 2020Q2 draft
``{draft}``; ``{missing}`` is an id nothing has. The lead unit's user is its approver.
Requests run in table order: reads first, then writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.functional import test_route_access as web
from tests.functional.api_helpers import API, call, cli_token
from tests.functional.helpers import (
    COOPERATING_UNITS,
    LEAD_UNIT,
    UNRELATED_UNIT,
    add_user,
    contribution_id,
    import_cixi,
)
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Reminder, Task, User
from tracker.services import reports

ROLES = (
    "no_token",
    "bad_token",
    "office",
    "leader",
    "assessor",
    "admin",
    "lead",
    "cooperating",
    "unrelated",
)

USERS: dict[str, tuple[str, Role, str | None]] = {
    "office": ("office", Role.OFFICE, None),
    "leader": ("leader", Role.LEADER, None),
    "assessor": ("assessor", Role.ASSESSOR, None),
    "admin": ("admin", Role.ADMIN, None),
    "lead": ("lead", Role.UNIT, LEAD_UNIT),
    "cooperating": ("coop", Role.UNIT, COOPERATING_UNITS[0]),
    "unrelated": ("other", Role.UNIT, UNRELATED_UNIT),
}

#: The web request doing the same thing, as (method, path, body) of the web table.
WebTwin = tuple[str, str, str]
SHOW: WebTwin = ("GET", "/tasks/{task}", "")
REPORT: WebTwin = ("POST", "/tasks/{task}/report", "report")
CONFIRM: WebTwin = ("POST", "/contributions/{contribution}", "confirm")


@dataclass(frozen=True, slots=True)
class Case:
    """One API request, its body, its endpoint and the status for each role (in the
    order of :data:`ROLES`), and the web request that does the same, if any."""

    method: str
    path: str
    endpoint: str
    body: dict[str, Any] | None
    expected: tuple[int, ...]
    web: WebTwin | None = None


NEW = {"period": "2020Q1", "value": 15, "progress": "一季度推进"}
ACCEPT = {"decision": "accept"}

# fmt: off
CASES: tuple[Case, ...] = (
    #    method  path  endpoint  body
    #    no_token bad_token office leader assessor admin lead cooperating unrelated
    Case("GET", "/openapi.json", "api.openapi", None,
         (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Case("GET", "/no/such/route", "api.fallback", None,
         (404, 404, 404, 404, 404, 404, 404, 404, 404)),
    Case("DELETE", "/tasks/{task}", "api.fallback", None,
         (405, 405, 405, 405, 405, 405, 405, 405, 405)),
    Case("GET", "/tasks", "api.list_tasks", None,
         (401, 401, 200, 200, 200, 200, 200, 200, 200)),
    Case("GET", "/tasks?plan={missing}", "api.list_tasks", None,
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/plans/{plan}/dashboard", "api.plan_dashboard", None,
         (401, 401, 200, 200, 200, 200, 403, 403, 403), ("GET", "/dashboard", "")),
    Case("GET", "/plans", "api.list_plans", None,
         (401, 401, 200, 200, 200, 200, 403, 403, 403), ("GET", "/dashboard", "")),
    Case("GET", "/plans/{missing}/dashboard", "api.plan_dashboard", None,
         (401, 401, 404, 404, 404, 404, 403, 403, 403)),
    Case("GET", "/tasks/{task}", "api.get_task", None,
         (401, 401, 200, 200, 200, 200, 200, 200, 403), SHOW),
    Case("GET", "/tasks/{missing}", "api.get_task", None,
         (401, 401, 404, 404, 404, 404, 404, 404, 404), ("GET", "/tasks/{missing}", "")),
    Case("GET", "/tasks/{task}/reports", "api.task_reports", None,
         (401, 401, 200, 200, 200, 200, 200, 200, 403), SHOW),
    Case("GET", "/tasks/{missing}/reports", "api.task_reports", None,
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/tasks/{task}/history", "api.task_history", None,
         (401, 401, 200, 200, 200, 200, 200, 200, 403), SHOW),
    Case("GET", "/tasks/{missing}/history", "api.task_history", None,
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/reports/{report}", "api.get_report", None,
         (401, 401, 200, 200, 200, 200, 200, 200, 403), SHOW),
    Case("GET", "/reports/{missing}", "api.get_report", None,
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/contributions/{contribution}", "api.get_contribution", None,
         (401, 401, 403, 403, 403, 403, 403, 200, 403),
         ("GET", "/contributions/{contribution}", "")),
    Case("GET", "/contributions/{other}", "api.get_contribution", None,
         (401, 401, 403, 403, 403, 403, 403, 403, 403), ("GET", "/contributions/{other}", "")),
    Case("GET", "/contributions/{missing}", "api.get_contribution", None,
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    # Units and users (issue 11 §3): the office and the admin, as on the web.
    Case("GET", "/units", "api.list_units", None,
         (401, 401, 200, 403, 403, 200, 403, 403, 403), ("GET", "/admin/units", "")),
    Case("GET", "/users", "api.list_users", None,
         (401, 401, 200, 403, 403, 200, 403, 403, 403), ("GET", "/admin/users", "")),
    # The review queue (issue 12 §1): the office; the lead unit's approver its own unit's.
    Case("GET", "/reports?status=submitted", "api.list_reports", None,
         (401, 401, 200, 403, 403, 403, 200, 403, 403)),
    Case("GET", "/reports?status=waiting", "api.list_reports", None,
         (401, 401, 422, 422, 422, 422, 422, 422, 422)),
    # Notifications (issue 12 §2): everyone their own; another's is not found.
    Case("GET", "/notifications?unread=1", "api.list_notifications", None,
         (401, 401, 200, 200, 200, 200, 200, 200, 200)),
    # 本单位待办 (issue 14 §3): unit users, their own unit; as the /my template download.
    Case("GET", "/my/owed?period=2020Q3", "api.my_owed", None,
         (401, 401, 403, 403, 403, 403, 200, 200, 200), ("GET", "/my/template.xlsx", "")),
    Case("GET", "/my/contributions", "api.my_contributions", None,
         (401, 401, 403, 403, 403, 403, 200, 200, 200), ("GET", "/my/template.xlsx", "")),
    # Writes.
    Case("POST", "/units", "api.create_unit", {"name": "新设单位", "kind": "enterprise"},
         (401, 401, 201, 403, 403, 201, 403, 403, 403)),
    Case("PATCH", "/units/{lead_unit}", "api.update_unit", {"aliases": ["别名甲"]},
         (401, 401, 200, 403, 403, 200, 403, 403, 403)),
    Case("PATCH", "/units/{missing}", "api.update_unit", {"active": True},
         (401, 401, 404, 403, 403, 404, 403, 403, 403), ("GET", "/admin/units/{missing}", "")),
    Case("POST", "/users", "api.create_user", {"username": "newbie", "role": "leader"},
         (401, 401, 201, 403, 403, 201, 403, 403, 403)),
    Case("PATCH", "/users/{lead_user}", "api.update_user", {"display_name": "改名"},
         (401, 401, 200, 403, 403, 200, 403, 403, 403)),
    Case("PATCH", "/users/{missing}", "api.update_user", {"active": False},
         (401, 401, 404, 403, 403, 404, 403, 403, 403), ("GET", "/admin/users/{missing}", "")),
    Case("POST", "/tasks/{task}/reports", "api.create_report", NEW,
         (401, 401, 403, 403, 403, 403, 201, 403, 403), REPORT),
    Case("PUT", "/tasks/{task}/bases/2018", "api.put_base", {"value": 100},
         (401, 401, 403, 403, 403, 403, 422, 403, 403), REPORT),
    Case("PUT", "/tasks/{missing}/bases/2018", "api.put_base", {"value": 100},
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/tasks/{missing}/reports", "api.create_report", NEW,
         (401, 401, 404, 404, 404, 404, 404, 404, 404), ("POST", "/tasks/{missing}/report",
                                                           "report")),
    Case("PATCH", "/reports/{draft}", "api.patch_report", {"progress": "二季度推进（补）"},
         (401, 401, 403, 403, 403, 403, 200, 403, 403), REPORT),
    Case("PATCH", "/reports/{report}", "api.patch_report", {"value": 1},
         (401, 401, 403, 403, 403, 403, 409, 403, 403), REPORT),
    Case("PATCH", "/reports/{missing}", "api.patch_report", {"value": 1},
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/reports/{draft}/submit", "api.submit_report", None,
         (401, 401, 403, 403, 403, 403, 200, 403, 403), REPORT),
    Case("POST", "/reports/{missing}/submit", "api.submit_report", None,
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/reports/{report}/approve", "api.approve_report", ACCEPT,
         (401, 401, 403, 403, 403, 403, 409, 403, 403)),
    Case("POST", "/reports/{missing}/approve", "api.approve_report", ACCEPT,
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/contributions/{contribution}/confirm", "api.confirm", {"text": "已配合"},
         (401, 401, 403, 403, 403, 403, 403, 200, 403), CONFIRM),
    Case("POST", "/contributions/{other}/confirm", "api.confirm", {"text": "已配合"},
         (401, 401, 403, 403, 403, 403, 403, 403, 403),
         ("POST", "/contributions/{other}", "confirm")),
    Case("POST", "/contributions/{missing}/confirm", "api.confirm", None,
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/contributions/{contribution}/dispute", "api.dispute", {"reason": "未参与"},
         (401, 401, 403, 403, 403, 403, 403, 200, 403), CONFIRM),
    Case("POST", "/contributions/{missing}/dispute", "api.dispute", {"reason": "未参与"},
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/reports/{report}/review", "api.review_report", ACCEPT,
         (401, 401, 200, 403, 403, 403, 403, 403, 403),
         ("POST", "/reports/{report}/review", "accept")),
    Case("POST", "/reports/{missing}/review", "api.review_report", ACCEPT,
         (401, 401, 404, 403, 403, 403, 403, 403, 403),
         ("POST", "/reports/{missing}/review", "accept")),
    # Plan import (issue 11): office and admin; a request without a file is a 422.
    Case("POST", "/plans/import", "api.import_plan", None,
         (401, 401, 422, 403, 403, 422, 403, 403, 403), ("POST", "/plans/import", "token")),
    Case("POST", "/plans/{plan}/import", "api.import_into_plan", None,
         (401, 401, 422, 403, 403, 422, 403, 403, 403), ("POST", "/plans/{plan}/import", "token")),
    Case("POST", "/plans/{missing}/import", "api.import_into_plan", None,
         (401, 401, 404, 403, 403, 404, 403, 403, 403)),
    Case("GET", "/plans/imports/{missing}", "api.get_plan_import", None,
         (401, 401, 404, 403, 403, 404, 403, 403, 403), ("GET", "/plans/imports/{missing}", "")),
    Case("POST", "/plans/imports/{missing}/columns", "api.choose_plan_columns", {"choice": {}},
         (401, 401, 404, 403, 403, 404, 403, 403, 403),
         ("POST", "/plans/imports/{missing}/columns", "token")),
    Case("POST", "/plans/imports/{missing}/confirm", "api.confirm_plan_import", {},
         (401, 401, 404, 403, 403, 404, 403, 403, 403),
         ("POST", "/plans/imports/{missing}/confirm", "token")),
    Case("POST", "/reports/{report}/correct", "api.correct_report", None,
         (401, 401, 403, 403, 403, 403, 409, 403, 403)),
    Case("POST", "/reports/{missing}/correct", "api.correct_report", None,
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/notifications/{notification}/read", "api.read_notification", None,
         (401, 401, 404, 404, 404, 404, 200, 404, 404)),
    Case("POST", "/notifications/{missing}/read", "api.read_notification", None,
         (401, 401, 404, 404, 404, 404, 404, 404, 404)),
)
# fmt: on

MISSING = 999_999


def _world(app: Flask, runner: FlaskCliRunner, role: str) -> dict[str, int]:
    """Build the world of the module docstring and the role's user; return the ids."""
    cixi = import_cixi(app, runner)
    add_user(app, *USERS["lead"])
    if role in USERS and role != "lead":
        add_user(app, *USERS[role])
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        lead = db.session.scalar(sa.select(User).where(User.username == "lead"))
        assert task is not None and lead is not None and lead.unit is not None
        lead.is_approver = True
        report = reports.submit_report(
            task,
            lead.unit,
            lead,
            reports.ReportInput(period="2020Q3", value=30.0, progress="三季度按计划推进"),
            date(2020, 10, 12),
        )
        draft = reports.save_draft(
            task,
            lead.unit,
            lead,
            reports.ReportInput(period="2020Q2", value=25.0, progress="二季度推进"),
            date(2020, 10, 12),
        )
        notification = Reminder(
            key="api:lead", recipient_id=lead.id, kind="overdue", message="提醒",
            as_of=date(2020, 11, 20), task_id=task.id,
        )  # fmt: skip
        db.session.add(notification)
        db.session.commit()

        return {
            "notification": notification.id,
            "plan": cixi.plan_id,
            "task": task.id,
            "report": report.id,
            "draft": draft.id,
            "contribution": contribution_id(report.id, COOPERATING_UNITS[0]),
            "other": contribution_id(report.id, COOPERATING_UNITS[1]),
            "missing": MISSING,
            "lead_unit": lead.unit.id,
            "lead_user": lead.id,
        }


def _token(runner: FlaskCliRunner, role: str) -> str | None:
    if role == "no_token":
        return None
    if role == "bad_token":
        return "x" * 43
    return cli_token(runner, USERS[role][0])


@pytest.mark.parametrize("role", ROLES)
def test_every_api_route_answers_as_the_table_says(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, role: str
) -> None:
    """Walk the table for one role; report every request whose status differs, and any
    answer that is not JSON."""
    ids = _world(app, runner, role)
    token = _token(runner, role)
    column = ROLES.index(role)
    wrong = []
    for case in CASES:
        response = call(client, case.method, case.path.format(**ids), token, case.body)
        got, expected = response.status_code, case.expected[column]
        if got != expected or not response.is_json:
            wrong.append(f"{case.method} {case.path}: {got} ≠ {expected} {response.json}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_table_lists_every_api_route(app: Flask) -> None:
    """Every (endpoint, method) under /api/v1 is in the table, and nothing else is."""
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.fallback"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    from tests.functional.test_inspection_access import API_CASES  # supervision (issue 15)

    cases = (*CASES, *API_CASES)
    listed = {(case.endpoint, case.method) for case in cases if case.endpoint != "api.fallback"}
    assert routes - listed == set(), "API routes missing from the access table"
    assert listed - routes == set(), "the table lists unknown API routes"


def test_table_paths_reach_their_endpoints(app: Flask) -> None:
    """Each path of the table is routed to the endpoint the table names."""
    adapter = app.url_map.bind("tracker.test")
    ids = dict(
        plan=1, task=1, report=1, draft=2, contribution=1, other=2, notification=1,
        missing=MISSING,
    )  # fmt: skip
    ids |= dict(lead_unit=1, lead_user=1)
    for case in CASES:
        path = API + case.path.format(**ids).partition("?")[0]
        endpoint, _ = adapter.match(path, method=case.method)
        assert endpoint == case.endpoint, case
        assert len(case.expected) == len(ROLES), case


#: How an answer reads: the policy let the user through, refused them, or found nothing.
def _api_verdict(status: int) -> str:
    return {401: "login", 403: "refused", 404: "missing"}.get(status, "allowed")


def _web_verdict(answer: int | str) -> str:
    if isinstance(answer, str):
        return "login" if answer == web.LOGIN else "allowed"
    return {403: "refused", 404: "missing"}.get(answer, "allowed")


def test_the_api_allows_what_the_web_allows() -> None:
    """For each API request with a web twin, every role gets the same verdict from both
    tables (allowed / refused / not found / must log in)."""
    web_roles = {"no_token": "anonymous", **{role: role for role in USERS}}
    by_request = {(c.method, c.path, c.body): c.expected for c in web.CASES}
    compared = 0
    for case in CASES:
        if case.web is None:
            continue
        web_expected = by_request[case.web]
        for role, web_role in web_roles.items():
            api = _api_verdict(case.expected[ROLES.index(role)])
            page = _web_verdict(web_expected[web.ROLES.index(web_role)])
            assert api == page, (case.method, case.path, role, api, page)
            compared += 1
    assert compared >= 100
