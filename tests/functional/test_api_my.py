"""本单位待办 in the API (``GET /my/owed``, ``GET /my/contributions``): the /my page's
data under its policy — a unit user sees what their own unit owes and is asked to
confirm; anyone else is refused.

World: the Cixi plan and the API users; today is 2020-11-20 (the test settings)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.api_helpers import World, call, make_world, new_draft
from tests.functional.helpers import COOPERATING_UNITS, LEAD_UNIT, login, unit_id
from tracker.domain.policy import UnitRole
from tracker.extensions import db
from tracker.models import TaskUnit


@pytest.fixture(scope="module")
def world(app: Flask, shared_db: None) -> World:
    """The Cixi plan, the API users, and a CLI token for each (built once per module)."""
    return make_world(app, app.test_cli_runner())


def _led_by(app: Flask, unit: str) -> set[int]:
    with app.app_context():
        query = sa.select(TaskUnit.task_id).where(
            TaskUnit.unit_id == unit_id(app, unit), TaskUnit.role == UnitRole.LEAD
        )
        return set(db.session.scalars(query))


def test_a_unit_reads_what_it_owes_as_the_my_page_shows_it(
    app: Flask, client: FlaskClient, world: World
) -> None:
    """Every row is a task the unit leads; rows to act on come before rows in review in
    each period; the periods' summaries add up to the total; a draft written through the
    API shows on its row; ``period`` narrows to one period, as the page's link does."""
    cixi, keys = world
    draft = new_draft(client, cixi.task_id, keys["lead"])
    owed = call(client, "GET", "/my/owed", keys["lead"])
    assert owed.status_code == 200, owed.json
    body = owed.json
    assert body["unit"] == LEAD_UNIT and body["as_of"] == "2020-11-20"
    assert body["default_period"] == "2020Q3"
    assert {row["task_id"] for row in body["reports"]} <= _led_by(app, LEAD_UNIT)
    assert body["total"] == sum(p["to_act"] + p["in_review"] for p in body["periods"])
    assert len(body["reports"]) == min(50, body["total"])
    mine = next(
        r for r in body["reports"] if (r["task_id"], r["period"]) == (cixi.task_id, "2020Q3")
    )
    assert (mine["status_label"], mine["report_id"]) == ("草稿", draft["id"])
    assert mine["period_label"] == "2020年第三季度" and not mine["in_review"]

    submitted = call(client, "POST", f"/reports/{draft['id']}/submit", keys["lead"])
    assert submitted.status_code == 200, submitted.json
    q3 = call(client, "GET", "/my/owed?period=2020Q3", keys["lead"]).json
    assert {row["period"] for row in q3["reports"]} == {"2020Q3"}
    review = [row["in_review"] for row in q3["reports"]]
    assert review == sorted(review) and review[-1]  # the submitted one, last
    page = client_page_rows(app, "2020Q3")
    assert page == {r["task_id"] for r in q3["reports"] if not r["in_review"]}


def client_page_rows(app: Flask, period: str) -> set[int]:
    """The task ids the /my page links in ``period``'s rows to act on, for the lead unit."""
    browser = app.test_client()
    login(browser, "lead")
    html = browser.get(f"/my?period={period}").text
    section = html.split(f'id="period-{period}"', 1)[1].split("</details>", 1)[0]
    return {int(tid) for tid in re.findall(r'<tr class="[^"]*" data-task="(\d+)"', section)}


def test_a_cooperating_unit_reads_the_requests_addressed_to_it(
    client: FlaskClient, world: World
) -> None:
    """A submitted report asks its cooperating units to confirm: one of them finds the
    request in its list, an unrelated unit does not."""
    cixi, keys = world
    draft = new_draft(client, cixi.task_id, keys["lead"], period="2020Q2")
    submitted = call(client, "POST", f"/reports/{draft['id']}/submit", keys["lead"])
    assert submitted.status_code == 200, submitted.json
    assert {c["unit"] for c in submitted.json["contributions"]} == set(COOPERATING_UNITS)
    for name, asked in (("coop", True), ("other", False)):
        listed = call(client, "GET", "/my/contributions", keys[name])
        assert listed.status_code == 200, listed.json
        reports = {c["report_id"] for c in listed.json["contributions"]}
        assert (draft["id"] in reports) is asked, name
        assert listed.json["total"] == len(listed.json["contributions"])


@pytest.mark.parametrize("name", ["office", "leader"])
def test_users_who_are_not_unit_users_are_refused(
    client: FlaskClient, world: World, name: str
) -> None:
    _, keys = world
    for path in ("/my/owed", "/my/contributions"):
        refused = call(client, "GET", path, keys[name])
        assert refused.status_code == 403 and refused.json["error"] == "本单位待办仅对单位用户开放"


def test_a_malformed_period_or_page_is_named(client: FlaskClient, world: World) -> None:
    _, keys = world
    bad = call(client, "GET", "/my/owed?period=2020Q9", keys["lead"])
    assert bad.status_code == 422 and bad.json["field"] == "period"
    assert "2020Q3" in bad.json["error"]
    zero = call(client, "GET", "/my/contributions?page=0", keys["coop"])
    assert zero.status_code == 422 and zero.json["field"] == "page"
    assert call(client, "GET", "/my/owed").status_code == 401
