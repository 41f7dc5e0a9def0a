"""The demo data through the pages: every task page renders for the office, the inbox has
the scan's alerts, and a unit account sees its to-do list."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.helpers import location, login
from tracker import settings as app_settings
from tracker.clock import today
from tracker.extensions import db
from tracker.models import Alert, Contribution, ProgressReport, SupervisionNotice, Task, User
from tracker.services.demo import DEMO_PASSWORD, load_demo


def test_demo_pages_render_for_office_and_units(app: Flask, client: FlaskClient) -> None:
    """Load the demo; the office opens the ledger, every task page and the inbox; a
    cooperating unit's account opens its to-do list and a confirmation still open."""
    steps: list[str] = []
    with app.app_context():
        result = load_demo(today(), app_settings.current(), progress=steps.append)
        db.session.commit()
        task_ids = list(db.session.scalars(sa.select(Task.id).order_by(Task.id)))
        alerts = db.session.scalar(sa.select(sa.func.count(Alert.id)))
        open_request = db.session.scalars(
            sa.select(Contribution)
            .join(ProgressReport)
            .where(Contribution.status == "requested", ProgressReport.status == "submitted")
            .order_by(Contribution.id)
        ).first()
        assert open_request is not None
        coop_user = db.session.scalar(sa.select(User).where(User.unit_id == open_request.unit_id))
        assert coop_user is not None
        coop_name, request_id = coop_user.username, open_request.id
    assert result.reports > 0
    assert steps[0] == "同步节假日日历……" and any("导入实施方案" in s for s in steps)
    assert f"  填报：57/57 项任务，已写 {result.reports} 份" in steps
    assert alerts == result.alerts > 0

    assert location(login(client, "office", DEMO_PASSWORD)) == "/"
    ledger_path = location(client.get("/"))
    ledger = client.get(ledger_path)
    second = client.get(f"{ledger_path}?page=2")
    shown = re.findall(r'<tr data-task-id="(\d+)"', ledger.text + second.text)
    assert len(shown) == len(set(shown)) == len(task_ids) == 57  # 50 a page
    assert "共 57 项" in ledger.text
    assert "慈溪市产改办（改革办）" in ledger.text
    broken = [tid for tid in task_ids if client.get(f"/tasks/{tid}").status_code != 200]
    assert broken == []
    inbox = client.get("/inbox/")
    assert f"（未读 {alerts}）" in inbox.text
    assert len(re.findall(r"data-alert-id=", inbox.text)) == alerts

    unit = FlaskClient(app, app.response_class, use_cookies=True)
    assert location(login(unit, coop_name, DEMO_PASSWORD)) == "/"
    mine = unit.get("/my")
    assert mine.status_code == 200
    assert f'href="/contributions/{request_id}">去确认</a>' in mine.text
    assert unit.get(f"/contributions/{request_id}").status_code == 200

    # The office's review queue holds every report waiting for review (issue 12 §1); the
    # leader in charge hears of the reports overdue past the escalation step, and the
    # overdue ones have their notices (issue 12 §3).
    with app.app_context():
        waiting = db.session.scalar(
            sa.select(sa.func.count(ProgressReport.id)).where(ProgressReport.status == "submitted")
        )
        notices = db.session.scalar(sa.select(sa.func.count(SupervisionNotice.id)))
    queue = client.get("/review/reports")
    assert waiting == 19 and f'待审核填报 <span class="muted">（{waiting} 份）' in queue.text
    assert len(re.findall(r"<tr data-report-id=", queue.text)) == waiting
    assert f'待审核填报<span class="count">（{waiting}）</span>' in queue.text
    assert notices and notices > 0
    leader = FlaskClient(app, app.response_class, use_cookies=True)
    login(leader, "leader", DEMO_PASSWORD)
    assert "逾期" in leader.get("/notifications").text
