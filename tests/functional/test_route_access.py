"""Every route for every role: the exact answer each one gets (issue: "a test walks every
route for every role and checks the answer").

The table below is written out by hand. A route in ``app.url_map`` that the table does
not list fails :func:`test_table_lists_every_route`, so a new route has to be added here
deliberately, with its answer for every role.

World of each walk: the Cixi plan; its first task ``{task}`` (lead 市委组织部, cooperating
市总工会、团市委、市妇联); a submitted 2020Q3 report ``{report}`` on it, asking the three
cooperating units to confirm (``{contribution}`` is 市总工会's request, ``{other}`` 团市委's);
the alerts of a scan (``{alert}`` is one of them); ``{missing}`` is an id nothing has.
Requests run in table order: reads first, then writes, logging in again and out last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from config.settings import Settings
from tests.functional.helpers import (
    COOPERATING_UNITS,
    LEAD_UNIT,
    PASSWORD,
    UNRELATED_UNIT,
    add_user,
    contribution_id,
    import_cixi,
    location,
    login,
    token,
)
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Alert, Digest, Reminder, Task, User
from tracker.services import notices, reports, scan

ROLES = ("anonymous", "office", "leader", "assessor", "admin", "lead", "cooperating", "unrelated")

#: The user of each role: (username, role, unit). "lead" is also the report's author.
USERS: dict[str, tuple[str, Role, str | None]] = {
    "office": ("office", Role.OFFICE, None),
    "leader": ("leader", Role.LEADER, None),
    "assessor": ("assessor", Role.ASSESSOR, None),
    "admin": ("admin", Role.ADMIN, None),
    "lead": ("lead", Role.UNIT, LEAD_UNIT),
    "cooperating": ("coop", Role.UNIT, COOPERATING_UNITS[0]),
    "unrelated": ("other", Role.UNIT, UNRELATED_UNIT),
}

LOGIN = "→login"  # 302 to /login?next=<the requested path>


@dataclass(frozen=True, slots=True)
class Case:
    """One request and the answer for each role, in the order of :data:`ROLES`: a status
    code, :data:`LOGIN`, or "→<path>" for a redirect there (placeholders filled in)."""

    method: str
    path: str
    endpoint: str
    body: str
    expected: tuple[int | str, ...]


# fmt: off
CASES: tuple[Case, ...] = (
    #    method  path                                endpoint              body
    #    anonymous office  leader  assessor  admin   lead    cooperating  unrelated
    Case("GET", "/static/style.css", "static", "",
         (200, 200, 200, 200, 200, 200, 200, 200)),
    Case("GET", "/login", "auth.login", "",
         (200, "→/", "→/", "→/", "→/", "→/", "→/", "→/")),
    Case("GET", "/logout", "auth.logout", "",
         (405, 405, 405, 405, 405, 405, 405, 405)),
    Case("GET", "/", "ledger.index", "",
         (LOGIN, "→/plans/{plan}", "→/dashboard", "→/plans/{plan}", "→/plans/{plan}",
          "→/plans/{plan}", "→/plans/{plan}", "→/plans/{plan}")),
    Case("GET", "/dashboard", "dashboard.index", "",
         (LOGIN, 200, 200, 200, 200, 403, 403, 403)),
    Case("GET", "/plans/{plan}/matrix", "dashboard.matrix", "",
         (LOGIN, 200, 200, 200, 200, 403, 403, 403)),
    Case("GET", "/plans/{missing}/matrix", "dashboard.matrix", "",
         (LOGIN, 404, 404, 404, 404, 403, 403, 403)),
    Case("GET", "/plans/{plan}/ledger.xlsx", "dashboard.ledger_xlsx", "",
         (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    Case("GET", "/plans/{missing}/ledger.xlsx", "dashboard.ledger_xlsx", "",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/plans/{plan}/league.xlsx", "dashboard.league_xlsx", "",
         (LOGIN, 200, 200, 200, 200, 403, 403, 403)),
    Case("GET", "/plans/{missing}/league.xlsx", "dashboard.league_xlsx", "",
         (LOGIN, 404, 404, 404, 404, 403, 403, 403)),
    Case("GET", "/plans/{plan}/briefing.docx", "dashboard.briefing_word", "",
         (LOGIN, 200, 200, 200, 200, 403, 403, 403)),
    Case("GET", "/plans/{missing}/briefing.docx", "dashboard.briefing_word", "",
         (LOGIN, 404, 404, 404, 404, 403, 403, 403)),
    Case("GET", "/plans/{plan}/briefing.pdf", "dashboard.briefing_pdf_file", "",
         (LOGIN, 200, 200, 200, 200, 403, 403, 403)),
    Case("GET", "/plans/{missing}/briefing.pdf", "dashboard.briefing_pdf_file", "",
         (LOGIN, 404, 404, 404, 404, 403, 403, 403)),
    Case("GET", "/plans/{plan}", "ledger.plan_ledger", "",
         (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    Case("GET", "/plans/{missing}", "ledger.plan_ledger", "",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/tasks/{task}", "tasks.show", "",
         (LOGIN, 200, 200, 200, 200, 200, 200, 403)),
    Case("GET", "/tasks/{missing}", "tasks.show", "",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/tasks/{task}/chart.png", "tasks.chart", "",
         (LOGIN, 200, 200, 200, 200, 200, 200, 403)),
    Case("GET", "/tasks/{missing}/chart.png", "tasks.chart", "",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/tasks/{task}/report", "tasks.report", "",
         (LOGIN, 403, 403, 403, 403, 200, 403, 403)),
    Case("GET", "/tasks/{missing}/report", "tasks.report", "",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/contributions/{contribution}", "tasks.contribution", "",
         (LOGIN, 403, 403, 403, 403, 403, 200, 403)),
    Case("GET", "/contributions/{other}", "tasks.contribution", "",
         (LOGIN, 403, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/contributions/{missing}", "tasks.contribution", "",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/tasks/{task}/milestones", "tasks.milestones", "",
         (LOGIN, 200, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/tasks/{missing}/milestones", "tasks.milestones", "",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/review", "tasks.review_list", "",
         (LOGIN, 200, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/my", "my.index", "",
         (LOGIN, "→/", "→/", "→/", "→/", 200, 200, 200)),
    Case("GET", "/my/template.xlsx", "my.template", "",
         (LOGIN, 403, 403, 403, 403, 200, 200, "→/my")),
    Case("GET", "/inbox/", "inbox.index", "",
         (LOGIN, 200, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/notifications", "notifications.index", "",
         (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    # The review queue (issue 12 §1): the office; a unit's approver too (the lead user here
    # is none). The warning before accepting a report with unconfirmed contributions.
    Case("GET", "/review/reports", "review.index", "",
         (LOGIN, 200, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/review/reports/{report}/confirm", "review.confirm", "",
         (LOGIN, 200, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/review/reports/{missing}/confirm", "review.confirm", "",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/tasks/{task}/notice", "review.issue_notice", "",
         (LOGIN, 200, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/tasks/{missing}/notice", "review.issue_notice", "",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/admin/plans", "admin.plans", "",
         (LOGIN, 200, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/plans/{plan}/settings", "admin.plan_settings_page", "",
         (LOGIN, 200, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/plans/{missing}/settings", "admin.plan_settings_page", "",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    Case("GET", "/admin/calendar", "admin.calendar", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/admin/jobs", "admin.jobs", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/admin/accounts", "admin.accounts", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/account/password", "auth.change_password", "",
         (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    Case("GET", "/evidence/{missing}", "evidence.download", "",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/notices", "notices.index", "",
         (LOGIN, 200, 200, 403, 403, 200, 200, 200)),
    Case("GET", "/notices/{notice}", "notices.show", "",
         (LOGIN, 200, 200, 403, 403, 200, 403, 403)),
    Case("GET", "/notices/{missing}", "notices.show", "",
         (LOGIN, 404, 404, 403, 403, 404, 404, 404)),
    Case("GET", "/notices/{notice}/document.docx", "notices.document", "",
         (LOGIN, 200, 200, 403, 403, 200, 403, 403)),
    Case("GET", "/notices/{notice}/document.pdf", "notices.document", "",
         (LOGIN, 200, 200, 403, 403, 200, 403, 403)),
    Case("GET", "/notices/{missing}/document.pdf", "notices.document", "",
         (LOGIN, 404, 404, 403, 403, 404, 404, 404)),
    # Assessment (考核): a unit fills its own self-assessment; the assessment group reviews
    # and decides; the office maps tasks; no indicator set exists here ({missing}).
    Case("GET", "/assessment", "assessment.index", "",
         (LOGIN, 200, 200, 200, 403, 200, 200, 200)),
    Case("GET", "/assessment/{missing}/self", "assessment.self_form", "",
         (LOGIN, 403, 403, 403, 403, 404, 404, 404)),
    Case("GET", "/assessment/{missing}/self.docx", "assessment.self_docx", "",
         (LOGIN, 404, 404, 404, 403, 404, 404, 404)),
    Case("GET", "/assessment/{missing}/self/print", "assessment.self_print", "",
         (LOGIN, 404, 404, 404, 403, 404, 404, 404)),
    Case("GET", "/assessment/{missing}/self/1/evidence", "assessment.self_evidence", "",
         (LOGIN, 403, 403, 403, 403, 404, 404, 404)),
    Case("GET", "/assessment/evidence/{missing}", "assessment.evidence_download", "",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("GET", "/assessment/{missing}/units/{missing}/review", "assessment.review", "",
         (LOGIN, 403, 403, 404, 403, 403, 403, 403)),
    Case("GET", "/assessment/{missing}/plans/{plan}", "assessment.scorecard", "",
         (LOGIN, 404, 404, 404, 403, 404, 404, 404)),
    Case("GET", "/assessment/{missing}/plans/{plan}/scorecard.xlsx",
         "assessment.scorecard_download", "",
         (LOGIN, 404, 404, 404, 403, 404, 404, 404)),
    Case("GET", "/assessment/{missing}/mapping", "assessment.mapping", "",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    # Plan import (issue 11): the office and the admin; no upload is staged ({missing}).
    Case("GET", "/plans/import", "plans.import_new", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/plans/{plan}/import", "plans.import_into", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/plans/{missing}/import", "plans.import_into", "",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    Case("GET", "/plans/imports/{missing}", "plans.preview", "",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    # Units and users (issue 11 §3): the office and the admin; indicator tables imported in
    # the web (office, admin); a set's assessed units and proposals (office).
    Case("GET", "/admin/units", "people.units", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/admin/units/new", "people.new_unit", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/admin/units/import", "people.import_units", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/admin/units/{missing}", "people.edit_unit", "",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    Case("GET", "/admin/users", "people.users", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/admin/users/new", "people.new_user", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/admin/users/import", "people.import_users", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/admin/users/{lead_user}", "people.edit_user", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/admin/users/{missing}", "people.edit_user", "",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    Case("GET", "/assessment/import", "assessment.import_table", "",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("GET", "/assessment/{missing}/units", "assessment.set_units", "",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    # Writes. Without the CSRF token every POST is refused before anything else.
    Case("POST", "/tasks/{task}/report", "tasks.report", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/tasks/{task}/report", "tasks.report", "report",
         (LOGIN, 403, 403, 403, 403, "→/tasks/{task}", 403, 403)),
    Case("POST", "/tasks/{missing}/report", "tasks.report", "report",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/contributions/{contribution}", "tasks.contribution", "confirm",
         (LOGIN, 403, 403, 403, 403, 403, "→/tasks/{task}", 403)),
    Case("POST", "/contributions/{other}", "tasks.contribution", "confirm",
         (LOGIN, 403, 403, 403, 403, 403, 403, 403)),
    Case("POST", "/my/upload", "my.upload", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/my/upload", "my.upload", "token",
         (LOGIN, 403, 403, 403, 403, 200, 200, 200)),
    # Evidence: the owner without a file gets the upload page (200) with a message.
    Case("POST", "/reports/{report}/evidence", "evidence.upload_to_report", "token",
         (LOGIN, 403, 403, 403, 403, 200, 403, 403)),
    Case("POST", "/reports/{missing}/evidence", "evidence.upload_to_report", "token",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/contributions/{contribution}/evidence", "evidence.upload_to_contribution",
         "token", (LOGIN, 403, 403, 403, 403, 403, 200, 403)),
    Case("POST", "/contributions/{other}/evidence", "evidence.upload_to_contribution",
         "token", (LOGIN, 403, 403, 403, 403, 403, 403, 403)),
    Case("POST", "/evidence/{missing}/remove", "evidence.remove", "token",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    # Supervision notices: only a user of the notice's unit (the lead unit) signs and answers.
    Case("POST", "/notices/{notice}/acknowledge", "notices.acknowledge", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/notices/{notice}/acknowledge", "notices.acknowledge", "token",
         (LOGIN, 403, 403, 403, 403, "→/notices/{notice}", 403, 403)),
    Case("POST", "/notices/{missing}/acknowledge", "notices.acknowledge", "token",
         (LOGIN, 404, 404, 403, 403, 404, 404, 404)),
    Case("POST", "/notices/{notice}/answer", "notices.answer", "notice-answer",
         (LOGIN, 403, 403, 403, 403, "→/notices/{notice}", 403, 403)),
    Case("POST", "/notices/{missing}/answer", "notices.answer", "notice-answer",
         (LOGIN, 404, 404, 403, 403, 404, 404, 404)),
    # Two cooperating units have not confirmed: the office is asked first (issue 12 §6).
    Case("POST", "/reports/{report}/review", "tasks.review", "accept",
         (LOGIN, "→/review/reports/{report}/confirm?back=/tasks/{task}", 403, 403, 403, 403,
          403, 403)),
    Case("POST", "/reports/{missing}/review", "tasks.review", "accept",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    # Only a lead unit's approver approves; the lead user here is no approver.
    Case("POST", "/reports/{report}/approve", "tasks.approve", "accept",
         (LOGIN, 403, 403, 403, 403, 403, 403, 403)),
    Case("POST", "/reports/{missing}/approve", "tasks.approve", "accept",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    # The lead unit may ask to correct; a report still in review cannot be: back to the task.
    Case("POST", "/reports/{report}/correct", "tasks.correct", "token",
         (LOGIN, 403, 403, 403, 403, "→/tasks/{task}", 403, 403)),
    Case("POST", "/reports/{missing}/correct", "tasks.correct", "token",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/tasks/{task}/milestones", "tasks.milestones", "milestones",
         (LOGIN, "→/tasks/{task}", 403, 403, 403, 403, 403, 403)),
    Case("POST", "/tasks/{missing}/milestones", "tasks.milestones", "milestones",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/inbox/{alert}/read", "inbox.mark_read", "token",
         (LOGIN, "→/inbox/", 403, 403, 403, 403, 403, 403)),
    Case("POST", "/inbox/{missing}/read", "inbox.mark_read", "token",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    Case("POST", "/inbox/read", "inbox.mark_many_read", "token",
         (LOGIN, "→/inbox/", 403, 403, 403, 403, 403, 403)),
    Case("POST", "/inbox/read", "inbox.mark_many_read", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    # 我的提醒: only the recipient (here the lead user) may mark a notification read.
    Case("POST", "/notifications/{notification}/read", "notifications.mark_read", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/notifications/{notification}/read", "notifications.mark_read", "token",
         (LOGIN, 404, 404, 404, 404, "→/notifications", 404, 404)),
    Case("POST", "/notifications/read-all", "notifications.mark_all_read", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/notifications/read-all", "notifications.mark_all_read", "token",
         (LOGIN, "→/notifications", "→/notifications", "→/notifications", "→/notifications",
          "→/notifications", "→/notifications", "→/notifications")),
    # The review queue: one decision (the warning first), several at once (none ticked:
    # back with a word), a notice by hand (that one exists: the form again), the plan's
    # escalation steps.
    Case("POST", "/review/reports/{report}/decide", "review.decide", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/review/reports/{report}/decide", "review.decide", "accept",
         (LOGIN, "→/review/reports/{report}/confirm?back=/review/reports", 403, 403, 403, 403,
          403, 403)),
    Case("POST", "/review/reports/{missing}/decide", "review.decide", "accept",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    Case("POST", "/review/reports/accept", "review.accept_several", "token",
         (LOGIN, "→/review/reports", 403, 403, 403, 403, 403, 403)),
    Case("POST", "/tasks/{task}/notice", "review.issue_notice", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/tasks/{task}/notice", "review.issue_notice", "hand-notice",
         (LOGIN, 200, 403, 403, 403, 403, 403, 403)),
    Case("POST", "/tasks/{missing}/notice", "review.issue_notice", "hand-notice",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    Case("POST", "/plans/{plan}/escalation", "review.escalation_page", "escalation",
         (LOGIN, "→/plans/{plan}/settings", 403, 403, 403, 403, 403, 403)),
    Case("POST", "/plans/{missing}/escalation", "review.escalation_page", "escalation",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    Case("POST", "/notifications/{missing}/read", "notifications.mark_read", "token",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/tasks/{task}/instructions", "instructions.create", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/tasks/{task}/instructions", "instructions.create", "instruction",
         (LOGIN, 403, "→/tasks/{task}", 403, 403, 403, 403, 403)),
    Case("POST", "/tasks/{missing}/instructions", "instructions.create", "instruction",
         (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    Case("POST", "/plans/{plan}/settings", "admin.plan_settings_page", "settings",
         (LOGIN, "→/plans/{plan}/settings", 403, 403, 403, 403, 403, 403)),
    Case("POST", "/plans/{missing}/settings", "admin.plan_settings_page", "settings",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    Case("POST", "/admin/calendar", "admin.calendar", "calendar-day",
         (LOGIN, "→/admin/calendar?year=2099", 403, 403, "→/admin/calendar?year=2099",
          403, 403, 403)),
    Case("POST", "/admin/calendar/days/2099-10-01/delete", "admin.remove_day", "token",
         (LOGIN, "→/admin/calendar?year=2099", 403, 403, "→/admin/calendar?year=2099",
          403, 403, 403)),
    Case("POST", "/admin/calendar/days/2099-10-02/delete", "admin.remove_day", "token",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    Case("POST", "/admin/calendar/2018/import", "admin.import_year", "token",
         (LOGIN, "→/admin/calendar?year=2018", 403, 403, "→/admin/calendar?year=2018",
          403, 403, 403)),
    Case("POST", "/admin/calendar/2099/confirm", "admin.confirm_year", "token",
         (LOGIN, "→/admin/calendar?year=2099", 403, 403, "→/admin/calendar?year=2099",
          403, 403, 403)),
    Case("POST", "/assessment/{missing}/self", "assessment.self_form", "token",
         (LOGIN, 403, 403, 403, 403, 404, 404, 404)),
    Case("POST", "/assessment/{missing}/self/1/evidence", "assessment.self_evidence", "token",
         (LOGIN, 403, 403, 403, 403, 404, 404, 404)),
    Case("POST", "/assessment/{missing}/units/{missing}/review", "assessment.review", "token",
         (LOGIN, 403, 403, 404, 403, 403, 403, 403)),
    Case("POST", "/assessment/adjustments/{missing}/decide", "assessment.decide", "token",
         (LOGIN, 403, 403, 404, 403, 403, 403, 403)),
    Case("POST", "/assessment/adjustments/{missing}/appeal", "assessment.appeal", "token",
         (LOGIN, 403, 403, 403, 403, 404, 404, 404)),
    Case("POST", "/assessment/adjustments/{missing}/answer", "assessment.answer_appeal", "token",
         (LOGIN, 403, 403, 404, 403, 403, 403, 403)),
    Case("POST", "/assessment/{missing}/mapping", "assessment.mapping", "token",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    # Plan import: without a file the upload page is shown again with its message (200).
    Case("POST", "/plans/import", "plans.import_new", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/plans/import", "plans.import_new", "token",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("POST", "/plans/{plan}/import", "plans.import_into", "token",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("POST", "/plans/imports/{missing}/columns", "plans.choose_columns", "token",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    Case("POST", "/plans/imports/{missing}/confirm", "plans.confirm", "token",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    # Units, users, indicator tables: a post without its fields shows the form again.
    Case("POST", "/admin/units/new", "people.new_unit", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/admin/units/new", "people.new_unit", "token",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("POST", "/admin/units/{missing}", "people.edit_unit", "token",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    Case("POST", "/admin/units/{missing}/merge", "people.merge_unit", "token",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    Case("POST", "/admin/units/import", "people.import_units", "token",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("POST", "/admin/users/new", "people.new_user", "token",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("POST", "/admin/users/{lead_user}", "people.edit_user", "token",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("POST", "/admin/users/{missing}/reset-password", "people.reset_password", "token",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    Case("POST", "/admin/users/import", "people.import_users", "token",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("POST", "/assessment/import", "assessment.import_table", "token",
         (LOGIN, 200, 403, 403, 200, 403, 403, 403)),
    Case("POST", "/assessment/{missing}/units", "assessment.set_units", "token",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    Case("POST", "/assessment/{missing}/plans/{plan}/propose", "assessment.propose", "token",
         (LOGIN, 404, 403, 403, 403, 403, 403, 403)),
    # Accounts: the office and the admin lift locks (the lead user's account is not locked:
    # refused with a message); everyone changes their own password (a wrong current one
    # shows the form again).
    Case("POST", "/admin/accounts/{lead_user}/unlock", "admin.unlock_account", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/admin/accounts/{lead_user}/unlock", "admin.unlock_account", "token",
         (LOGIN, "→/admin/accounts", 403, 403, "→/admin/accounts", 403, 403, 403)),
    Case("POST", "/admin/accounts/{missing}/unlock", "admin.unlock_account", "token",
         (LOGIN, 404, 403, 403, 404, 403, 403, 403)),
    Case("POST", "/account/password", "auth.change_password", "no-csrf",
         (400, 400, 400, 400, 400, 400, 400, 400)),
    Case("POST", "/account/password", "auth.change_password", "password",
         (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    # Anonymous: a wrong password shows the form again; others log in as themselves.
    Case("POST", "/login", "auth.login", "credentials",
         (200, "→/", "→/", "→/", "→/", "→/", "→/", "→/")),
    Case("POST", "/logout", "auth.logout", "token",
         (LOGIN, "→/login", "→/login", "→/login", "→/login", "→/login", "→/login", "→/login")),
)
# fmt: on

MISSING = 999_999


def _world(app: Flask, runner: FlaskCliRunner, role: str) -> dict[str, int]:
    """Build the world of the module docstring; create the role's user; return the ids."""
    cixi = import_cixi(app, runner)
    add_user(app, *USERS["lead"])
    if role not in ("anonymous", "lead"):
        add_user(app, *USERS[role])
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        assert task is not None
        lead = db.session.scalar(sa.select(User).where(User.username == "lead"))
        assert lead is not None and lead.unit is not None
        report = reports.submit_report(
            task,
            lead.unit,
            lead,
            reports.ReportInput(period="2020Q3", value=30.0, progress="三季度按计划推进"),
            date(2020, 10, 12),
        )
        current = app_settings.of(app)
        scan.run_scan(date(2020, 11, 20), lag=current.lag)
        notice = notices.issue_notice(
            task,
            lead.unit,
            "2020Q3",
            "三季度进展逾期",
            date(2020, 11, 2),
            notice_dir=current.uploads.notice_dir,
            deadline_workdays=current.reminders.notice_deadline_workdays,
        )
        db.session.commit()

        alert = db.session.scalar(sa.select(Alert.id).where(Alert.task_id == task.id).limit(1))
        assert alert is not None
        digest = Digest(recipient_id=lead.id, day=date(2020, 11, 20), subject="提醒", body="提醒")
        db.session.add(digest)
        notification = Reminder(
            key="web:lead", recipient_id=lead.id, kind="overdue", message="提醒",
            as_of=date(2020, 11, 20), task_id=task.id,
        )  # fmt: skip
        db.session.add(notification)
        db.session.commit()
        return {
            "plan": cixi.plan_id,
            "task": task.id,
            "report": report.id,
            "contribution": contribution_id(report.id, COOPERATING_UNITS[0]),
            "other": contribution_id(report.id, COOPERATING_UNITS[1]),
            "alert": alert,
            "digest": digest.id,
            "notification": notification.id,
            "notice": notice.id,
            "lead_unit": lead.unit.id,
            "lead_user": lead.id,
            "missing": MISSING,
        }


def _body(
    kind: str, role: str, client: FlaskClient, ids: dict[str, int] | None = None
) -> dict[str, str]:
    """A minimal valid form for ``kind``, with a CSRF token of the client's session."""
    if kind == "no-csrf":
        return {"period": "2020Q2", "value": "25", "progress": "无令牌", "version": "0"}
    fields = {"csrf_token": token(client)}
    if kind == "report":
        fields |= {"period": "2020Q2", "value": "25", "progress": "二季度推进", "version": "0"}
    elif kind == "confirm":
        fields |= {"decision": "confirm", "text": "已配合"}
    elif kind == "accept":
        fields |= {"decision": "accept"}
    elif kind == "notice-answer":
        fields |= {"answer": "已补报三季度进展"}
    elif kind == "instruction":
        fields |= {"text": "请加快推进，年底前全覆盖"}
    elif kind == "milestones":
        fields |= {
            "rows-0-kind": "level",
            "rows-0-due": "2025-12-31",
            "rows-0-comparator": ">=",
            "rows-0-target": "100",
            "rows-0-unit": "%",
        }
    elif kind == "settings":
        fields |= {
            "cadence": "quarterly",
            "report_due_workdays": "6",
            "overdue_grace_workdays": "0",
            "contribution_due_workdays": "5",
        }
    elif kind == "hand-notice":
        fields |= {"unit": str((ids or {}).get("lead_unit", 0)), "period": "2020Q3",
                   "overdue_text": "三季度进展逾期"}  # fmt: skip
    elif kind == "escalation":
        fields |= {"before": "5,1", "notice_after_workdays": "3", "leader_after_workdays": "10",
                   "notice_prefix": "慈产改督"}  # fmt: skip
    elif kind == "password":
        fields |= {"current_password": "wrong", "new_password": "x", "confirm": "x"}
    elif kind == "calendar-day":
        fields |= {"day": "2099-10-01", "kind": "holiday", "name": "国庆节"}
    elif kind == "credentials":
        username = USERS[role][0] if role in USERS else "nobody"
        fields |= {"username": username, "password": PASSWORD if role in USERS else "wrong"}
    return fields


def _answer(client: FlaskClient, case: Case, role: str, ids: dict[str, int]) -> int | str:
    """Send the case's request; the status, or "→<path>" for a redirect."""
    path = case.path.format(**ids)
    if case.method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data=_body(case.body, role, client, ids))
    if response.status_code == 302:
        target = location(response)
        return LOGIN if target == f"/login?next={quote(path, safe='')}" else f"→{target}"
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_as_the_table_says(
    app: Flask,
    client: FlaskClient,
    runner: FlaskCliRunner,
    role: str,
    tmp_path: Path,
    set_settings: Callable[..., Settings],
) -> None:
    """Walk the table for one role; report every route whose answer differs."""
    set_settings("uploads", upload_dir=tmp_path / "uploads")
    ids = _world(app, runner, role)
    if role != "anonymous":
        assert login(client, USERS[role][0]).status_code == 302
    column = ROLES.index(role)
    wrong = []
    for case in CASES:
        expected = case.expected[column]
        if isinstance(expected, str):
            expected = expected.format(**ids)
        got = _answer(client, case, role, ids)
        if got != expected:
            wrong.append(f"{case.method} {case.path} ({case.body or 'GET'}): {got} ≠ {expected}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_table_lists_every_route(app: Flask) -> None:
    """Every (endpoint, GET/POST) of the app is in the table, and nothing else is."""
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        # The JSON API has its own walk of every route and role: test_api_access.py.
        if method in ("GET", "POST") and not rule.endpoint.startswith("api.")
    }
    from tests.functional.test_inspection_access import WEB_CASES  # supervision (issue 15)

    listed = {(case.endpoint, case.method) for case in (*CASES, *WEB_CASES)}
    assert routes - listed == set(), "routes missing from the access table"
    assert listed - routes - {("auth.logout", "GET")} == set(), "table lists unknown routes"


def test_table_paths_reach_their_endpoints(app: Flask) -> None:
    """Each path of the table is routed to the endpoint the table names."""
    adapter = app.url_map.bind("tracker.test")
    for case in CASES:
        path = case.path.format(
            plan=1,
            task=1,
            report=1,
            contribution=1,
            other=2,
            alert=1,
            digest=1,
            notification=1,
            notice=1,
            lead_unit=1,
            lead_user=1,
            missing=MISSING,
        )
        method = "POST" if case.endpoint == "auth.logout" else case.method
        endpoint, _ = adapter.match(path, method=method)
        assert endpoint == case.endpoint, case
        assert len(case.expected) == len(ROLES), case
