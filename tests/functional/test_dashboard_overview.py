"""The overview's table of plans at national scale (issue 14 §3): 50 plans a page, newest
first, with a pager; ``GET /api/v1/plans`` gives the same page.

World: the demo plan (scanned, with its states) and 60 plans imported after it, not yet
scanned."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.api_helpers import call, cli_token
from tests.functional.helpers import login
from tracker import settings as app_settings
from tracker.clock import today
from tracker.domain.lag import URGENCY
from tracker.extensions import db
from tracker.models import Plan
from tracker.services.demo import DEMO_PASSWORD, load_demo

ROW = re.compile(r'<tr><th scope="row"><a href="/dashboard\?plan=(\d+)"')


@pytest.fixture(scope="module")
def plans(app: Flask, shared_db: None) -> dict[str, int]:
    """The demo's plan id and the newest plan's."""
    with app.app_context():
        demo = load_demo(today(), app_settings.current()).plan_id
        later = [Plan(name=f"后续方案{n:02d}", first_year=2021, last_year=2025) for n in range(60)]
        db.session.add_all(later)
        db.session.commit()
        return {"demo": demo, "newest": later[-1].id}


def _table(page: str) -> list[int]:
    section = page.split('id="plans-h"', 1)[1].split("</section>", 1)[0]
    return [int(plan_id) for plan_id in ROW.findall(section)]


def test_the_table_pages_fifty_plans_newest_first(
    client: FlaskClient, plans: dict[str, int]
) -> None:
    """Page 1: the 50 newest plans, the newest one's board, a pager to page 2; page 2 of
    the demo's board: the other 11, the demo's row marked current and its counts shown."""
    login(client, "leader", DEMO_PASSWORD)
    first = client.get("/dashboard")
    assert first.status_code == 200
    rows = _table(first.text)
    assert len(rows) == 50 and rows[0] == plans["newest"] and rows == sorted(rows, reverse=True)
    assert "第 1 / 2 页（共 61 个方案）" in first.text
    assert "该方案尚无扫描结果" in first.text  # the newest plan is not scanned yet
    second = client.get(f"/dashboard?page=2&plan={plans['demo']}")
    rows = _table(second.text)
    assert len(rows) == 11 and rows[-1] == plans["demo"]
    assert f'href="/dashboard?plan={plans["demo"]}" aria-current="page"' in second.text
    assert 'href="/dashboard?page=1&amp;plan=' in second.text  # the pager keeps the plan


def test_the_api_gives_the_same_pages(
    app: Flask, client: FlaskClient, plans: dict[str, int]
) -> None:
    token = cli_token(app.test_cli_runner(), "leader")
    first = call(client, "GET", "/plans", token).json
    second = call(client, "GET", "/plans?page=2", token).json
    assert (first["page"], first["pages"], first["total"]) == (1, 2, 61)
    assert first["plans"][0]["id"] == plans["newest"]
    assert len(first["plans"]) == 50 and len(second["plans"]) == 11
    demo = second["plans"][-1]
    assert demo["id"] == plans["demo"] and demo["as_of"] is not None
    assert set(demo["counts"]) == {state.value for state in URGENCY}
    assert sum(demo["counts"].values()) > 0
    unscanned = first["plans"][0]
    assert unscanned["as_of"] is None and not any(unscanned["counts"].values())
