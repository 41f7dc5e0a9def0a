"""The world and the route list of the form fuzz test (tests/fuzz/test_forms.py).

World: that of tests/functional/test_route_access.py (the Cixi plan, a submitted 2020Q3
report asking three cooperating units, a scan's alerts, a notice, a digest), the national
rubric with the first task mapped and a deduction proposed, and a user of every role.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import strategies as st

from tests.functional.helpers import LEAD_UNIT, PASSWORD, add_user
from tests.functional.test_inspection_access import supervision_world
from tests.functional.test_route_access import USERS, _world
from tests.paths import SEEDS
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Indicator, Task, Unit
from tracker.services import assessment

RUBRIC = SEEDS / "national-assessment-rubric.docx"
CIXI = SEEDS / "cixi-key-tasks.docx"
RUBRIC_UNIT = "省级产改领导机构"


@dataclass(frozen=True, slots=True)
class Route:
    """A POST route: its endpoint, path (``{name}`` ids of the world), the user posting,
    the page holding its forms, valid values of fields (``{name}`` ids; the page's own
    fields are posted too), and a strategy of other paths to post to (``None``: the
    route's own)."""

    endpoint: str
    path: str
    user: str | None
    page: str
    valid: dict[str, str] = field(default_factory=dict)
    paths: Any = field(default_factory=st.none)


def _in_path(template: str) -> Any:
    """Generated path segments: ``template`` with ``{}`` replaced by a quoted text."""
    return st.one_of(st.none(), st.text(max_size=30).map(lambda t: template.format(quote(t))))


def _years(template: str) -> Any:
    return st.one_of(st.none(), st.integers(0, 10**12).map(template.format))


_REPORT = {
    "period": "2020Q2",
    "value": "25",
    "progress": "二季度推进",
    "problems": "无",
    "next_steps": "继续推进",
    "version": "0",
}
_MILESTONE = {
    "rows-0-kind": "level",
    "rows-0-due": "2025-12-31",
    "rows-0-comparator": ">=",
    "rows-0-target": "100",
    "rows-0-unit": "%",
    "rows-1-kind": "done",
    "rows-1-due": "2026-06-30",
}
_EVIDENCE = {"file": "", "note": "佐证"}

# Supervision (issue 15).
_ROUND = {"name": "督查", "kind": "on_site", "starts_on": "2020-09-14", "ends_on": "2020-09-18",
          "unit_ids": "{lead_unit}", "team": "张三", "items": "查阅台账"}  # fmt: skip
_FINDING = {"unit_id": "{lead_unit}", "description": "台账不全", "deadline_workdays": "10",
            "task_id": "0"}  # fmt: skip
# fmt: off
SUPERVISION_ROUTES: tuple[Route, ...] = (
    Route("inspections.index", "/inspections", "office", "/inspections", _ROUND),
    Route("inspections.record_finding", "/inspections/{inspection}/findings", "office",
          "/inspections/{inspection}", _FINDING),
    Route("inspections.self_check", "/inspections/{inspection}/items/{item}/self-check", "lead",
          "/inspections/{inspection}", {"text": "已自查", "file": ""}),
    Route("problems.index", "/problems", "office", "/problems",
          _FINDING | {"source": "public_clue", "found_on": "2020-09-01", "indicator_id": ""}),
    Route("problems.rectify", "/problems/{problem}/rectify", "lead", "/problems/{problem}",
          {"rectification": "已整改", "file": ""}),
    Route("problems.close", "/problems/{problem}/close", "office", "/problems/{problem}",
          {"verification": "属实"}),
    Route("problems.send_back", "/problems/{problem}/return", "office", "/problems/{problem}",
          {"reason": "缺签字"}),
    Route("closing.close", "/tasks/{task}/close", "office", "/tasks/{task}/closing",
          {"note": "验收"}),
    Route("closing.reopen", "/tasks/{task}/reopen", "office", "/tasks/{task}/closing",
          {"reason": "复查"}),
    Route("debriefings.index", "/debriefings", "office", "/debriefings",
          {"name": "述职", "held_on": "2020-12-20", "unit_ids": "{lead_unit}",
           "criteria": "推进:100", "trim": "y", "plan_id": "", "indicator_id": ""}),
    Route("debriefings.hand_in", "/debriefings/{debriefing}/report", "lead",
          "/debriefings/{debriefing}", {"text": "述职报告", "file": ""}),
    Route("debriefings.rate", "/debriefings/{debriefing}/units/{unit}/rate", "leader",
          "/debriefings/{debriefing}", {"scores-0": "80"}),
)
# fmt: on

# fmt: off
ROUTES: tuple[Route, ...] = (
    Route("auth.login", "/login", None, "/login",
          {"username": "office", "password": PASSWORD, "next": "/"}),
    Route("auth.logout", "/logout", "office", "/"),
    Route("auth.change_password", "/account/password", "leader", "/account/password",
          {"current_password": PASSWORD, "new_password": "Another#2021pass",
           "confirm": "Another#2021pass"}),
    Route("admin.unlock_account", "/admin/accounts/1/unlock", "office", "/admin/accounts",
          paths=_years("/admin/accounts/{}/unlock")),
    Route("tasks.report", "/tasks/{task}/report", "lead", "/tasks/{task}/report", _REPORT),
    Route("tasks.approve", "/reports/{report}/approve", "lead", "/tasks/{task}",
          {"decision": "accept", "reason": "同意"}),
    Route("tasks.correct", "/reports/{report}/correct", "lead", "/tasks/{task}"),
    Route("tasks.review", "/reports/{report}/review", "office", "/tasks/{task}",
          {"decision": "accept", "reason": "同意"}),
    Route("tasks.contribution", "/contributions/{contribution}", "coop",
          "/contributions/{contribution}", {"decision": "confirm", "text": "已配合"}),
    Route("tasks.milestones", "/tasks/{task}/milestones", "office", "/tasks/{task}/milestones",
          _MILESTONE),
    Route("inbox.mark_read", "/inbox/{alert}/read", "office", "/inbox/"),
    Route("inbox.mark_many_read", "/inbox/read", "office", "/inbox/", {"scope": "selected"}),
    Route("instructions.create", "/tasks/{task}/instructions", "leader", "/tasks/{task}",
          {"text": "请加快推进"}),
    Route("evidence.upload_to_report", "/reports/{report}/evidence", "lead", "/tasks/{task}",
          _EVIDENCE),
    Route("evidence.upload_to_contribution", "/contributions/{contribution}/evidence", "coop",
          "/contributions/{contribution}", _EVIDENCE),
    Route("evidence.remove", "/evidence/{evidence}/remove", "lead", "/tasks/{task}"),
    Route("admin.plan_settings_page", "/plans/{plan}/settings", "office", "/plans/{plan}/settings",
          {"cadence": "quarterly", "report_due_workdays": "6", "overdue_grace_workdays": "0",
           "contribution_due_workdays": "5", "requires_approval": "y"}),
    Route("admin.calendar", "/admin/calendar", "office", "/admin/calendar?year=2099",
          {"day": "2099-10-01", "kind": "holiday", "name": "国庆节"}),
    Route("admin.remove_day", "/admin/calendar/days/2099-10-01/delete", "office",
          "/admin/calendar?year=2099", paths=_in_path("/admin/calendar/days/{}/delete")),
    Route("admin.import_year", "/admin/calendar/2018/import", "office", "/admin/calendar",
          paths=_years("/admin/calendar/{}/import")),
    Route("admin.confirm_year", "/admin/calendar/2099/confirm", "office", "/admin/calendar",
          paths=_years("/admin/calendar/{}/confirm")),
    Route("my.upload", "/my/upload", "lead", "/my", {"file": ""}),
    Route("notices.acknowledge", "/notices/{notice}/acknowledge", "lead", "/notices/{notice}"),
    Route("notices.answer", "/notices/{notice}/answer", "lead", "/notices/{notice}",
          {"answer": "已补报"}),
    Route("notifications.mark_read", "/notifications/{notification}/read", "lead",
          "/notifications"),
    Route("notifications.mark_all_read", "/notifications/read-all", "lead", "/notifications"),
    Route("review.decide", "/review/reports/{report}/decide", "office", "/review/reports",
          {"decision": "accept", "despite": "1", "reason": ""}),
    Route("review.accept_several", "/review/reports/accept", "office", "/review/reports",
          {"report_ids": "{report}"}),
    Route("review.issue_notice", "/tasks/{task}/notice", "office", "/tasks/{task}/notice",
          {"unit": "{lead_unit}", "period": "2020Q2", "overdue_text": "二季度进度逾期"}),
    Route("review.escalation_page", "/plans/{plan}/escalation", "office", "/plans/{plan}/settings",
          {"before": "5,1", "notice_after_workdays": "3", "leader_after_workdays": "10",
           "notice_prefix": "慈产改督"}),
    Route("assessment.mapping", "/assessment/{set}/mapping?plan={plan}", "office",
          "/assessment/{set}/mapping?plan={plan}",
          {"task_id": "{task}", "indicator_id": "{indicator}"}),
    Route("assessment.review", "/assessment/{set}/units/{unit}/review", "assessor",
          "/assessment/{set}/units/{unit}/review",
          {"rows-0-opinion": "属实", "rows-0-final_score": "3"}),
    Route("assessment.decide", "/assessment/adjustments/{adjustment}/decide", "assessor",
          "/assessment/{set}/plans/{plan}",
          {"decision": "confirm", "reason": "属实", "points": "-1"}),
    Route("assessment.appeal", "/assessment/adjustments/{adjustment}/appeal", "lead",
          "/assessment/{set}/plans/{plan}?unit={lead_unit}", {"reason": "已补报"}),
    Route("assessment.answer_appeal", "/assessment/adjustments/{adjustment}/answer", "assessor",
          "/assessment/{set}/plans/{plan}", {"answer": "维持", "points": ""}),
    Route("assessment.self_form", "/assessment/{set}/self", "filler", "/assessment/{set}/self",
          {"rows-0-text": "已纳入规划", "rows-0-proposed_score": "5"}),
    Route("assessment.self_evidence", "/assessment/{set}/self/{indicator}/evidence", "filler",
          "/assessment/{set}/self/{indicator}/evidence", _EVIDENCE),
    Route("plans.import_new", "/plans/import", "office", "/plans/import", {"file": ""}),
    Route("plans.import_into", "/plans/{plan}/import", "office", "/plans/{plan}/import",
          {"file": ""}, paths=_years("/plans/{}/import")),
    Route("plans.choose_columns", "/plans/imports/{odd_import}/columns", "office",
          "/plans/imports/{odd_import}",
          {"columns-0": "ignore", "columns-1": "task", "columns-2": "schedule",
           "columns-3": "lead", "columns-4": "cooperating"},
          paths=_years("/plans/imports/{}/columns")),
    Route("plans.confirm", "/plans/imports/{plan_import}/confirm", "office",
          "/plans/imports/{plan_import}", {"name": "慈溪方案", "period": "2019-2025"},
          paths=_years("/plans/imports/{}/confirm")),
    Route("people.new_unit", "/admin/units/new", "office", "/admin/units/new",
          {"name": "新设单位", "kind": "department", "active": "y"}),
    Route("people.edit_unit", "/admin/units/{lead_unit}", "office", "/admin/units/{lead_unit}",
          {"name": "市委组织部", "kind": "department", "aliases": "组织部", "active": "y"},
          paths=_years("/admin/units/{}")),
    Route("people.merge_unit", "/admin/units/{unit}/merge", "office", "/admin/units/{unit}",
          {"target_id": "{lead_unit}"}, paths=_years("/admin/units/{}/merge")),
    Route("people.import_units", "/admin/units/import", "office", "/admin/units/import",
          {"file": "", "kind": "enterprise", "payload": "[]"}),
    Route("people.new_user", "/admin/users/new", "admin", "/admin/users/new",
          {"username": "newbie", "role": "unit", "unit_id": "{lead_unit}", "email": "a@b.cn"}),
    Route("people.edit_user", "/admin/users/{lead_user}", "office", "/admin/users/{lead_user}",
          {"role": "unit", "unit_id": "{lead_unit}", "active": "y"},
          paths=_years("/admin/users/{}")),
    Route("people.reset_password", "/admin/users/{lead_user}/reset-password", "office",
          "/admin/users/{lead_user}", paths=_years("/admin/users/{}/reset-password")),
    Route("people.import_users", "/admin/users/import", "admin", "/admin/users/import",
          {"file": "", "payload": "[]"}),
    Route("assessment.import_table", "/assessment/import", "office", "/assessment/import",
          {"file": "", "payload": "{{}}", "name": "指标", "plan_id": "{plan}"}),
    Route("assessment.set_units", "/assessment/{set}/units?plan={plan}", "office",
          "/assessment/{set}/units?plan={plan}", {"action": "resolve", "kind": "enterprise"}),
    Route("assessment.propose", "/assessment/{set}/plans/{plan}/propose", "office",
          "/assessment", paths=_years("/assessment/1/plans/{}/propose")),
    *SUPERVISION_ROUTES,
)
# fmt: on


def build_world(app: Flask, runner: FlaskCliRunner) -> dict[str, int]:
    """The world of the module docstring; the ids the route paths name."""
    ids = _world(app, runner, "office")
    for role in ("leader", "assessor", "admin", "cooperating", "unrelated"):
        add_user(app, *USERS[role])
    result = runner.invoke(args=["indicators", "import", str(RUBRIC), "--json"])
    assert result.exit_code == 0, result.output
    add_user(app, "filler", Role.UNIT, RUBRIC_UNIT)
    set_id = int(json.loads(result.output)["set_id"])
    with app.app_context():
        indicator = db.session.scalar(sa.select(Indicator).where(Indicator.level == 3).limit(1))
        task = db.session.get(Task, ids["task"])
        assert indicator is not None and task is not None
        assessment.map_task(task, indicator, None)
        current = app_settings.current()
        proposed = assessment.propose_from_lags(
            set_id, ids["plan"], date(2020, 11, 20), settings=current.assessment, lag=current.lag
        )
        db.session.commit()
        assert proposed
        unit = db.session.scalar(sa.select(Unit.id).where(Unit.name == RUBRIC_UNIT))
        lead = db.session.scalar(sa.select(Unit.id).where(Unit.name == LEAD_UNIT))
        assert unit is not None and lead is not None
        ids = supervision_world(app, ids)
        return (
            ids
            | {
                "set": set_id,
                "indicator": indicator.id,
                "unit": unit,
                "lead_unit": lead,
                "adjustment": proposed[0].id,
                "evidence": 999_999,
            }
            | _staged_imports()
        )


def _staged_imports() -> dict[str, int]:
    """Two uploads waiting for confirmation: the Cixi table, and one whose headers the
    reader does not know (for the column choice)."""
    from tests.integration.test_plan_revision import other_district_table
    from tracker.services import plan_import

    cixi = plan_import.stage_upload(CIXI.name, CIXI.read_bytes(), None)
    with tempfile.TemporaryDirectory() as folder:
        odd = other_district_table(Path(folder) / "odd.xlsx", ("编号", "甲", "乙", "丙", "丁"))
        unknown = plan_import.stage_upload(odd.name, odd.read_bytes(), None)
    db.session.commit()
    return {"plan_import": cixi.id, "odd_import": unknown.id}


class _Forms(HTMLParser):
    """Names, file-input names and values of the POST forms whose action is ``target``."""

    def __init__(self, target: str, page: str) -> None:
        super().__init__()
        self.target, self.page = urlsplit(target).path, page
        self.names: dict[str, str] = {}
        self.files: set[str] = set()
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urlsplit(a.get("action", "")).path or urlsplit(self.page).path
            self._inside = a.get("method", "").lower() == "post" and action == self.target
        elif self._inside and tag in ("input", "select", "textarea") and a.get("name"):
            name = a["name"]
            if a.get("type") == "file":
                self.files.add(name)
            elif name != "csrf_token":
                self.names.setdefault(name, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def page_fields(
    client: FlaskClient, route: Route, ids: dict[str, int]
) -> tuple[dict[str, str], tuple[str, ...]]:
    """The fields the route's forms post with valid values (the page's, then
    :attr:`Route.valid`), and its file fields."""
    page = route.page.format(**ids)
    forms = _Forms(route.path.format(**ids), page)
    forms.feed(client.get(page).text)
    files = forms.files | {name for name in route.valid if name == "file"}
    valid = {name: value.format(**ids) for name, value in route.valid.items()}
    # The page's own non-empty values (a version, a row's id) are the current ones.
    merged = valid | {name: value for name, value in forms.names.items() if value}
    fields = {name: value for name, value in merged.items() if name not in files}
    return fields, tuple(sorted(files))
