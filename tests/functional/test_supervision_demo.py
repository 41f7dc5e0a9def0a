"""The supervision part of the demo (issue 15): a 2020 on-site inspection of three Cixi
units with findings — one problem rectified and closed, one overdue with its reminder and a
proposed deduction, one task closed — visible through the pages."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.helpers import login
from tracker import settings as app_settings
from tracker.clock import today
from tracker.extensions import db
from tracker.models import Inspection, Problem, Reminder, ScoreAdjustment, Task
from tracker.models.inspection import ProblemStatus
from tracker.services.demo import DEMO_PASSWORD, load_demo


def test_the_demo_holds_the_inspection_its_findings_and_a_closed_task(
    app: Flask, client: FlaskClient, tmp_path: Path, set_settings: object
) -> None:
    set_settings("uploads", upload_dir=tmp_path / "uploads")  # type: ignore[operator]
    with app.app_context():
        load_demo(today(), app_settings.current())
        db.session.commit()
        inspection = db.session.scalars(sa.select(Inspection)).one()
        found = list(db.session.scalars(sa.select(Problem).order_by(Problem.id)))
        overdue = next(p for p in found if p.is_overdue(today()))
        reminded = db.session.scalars(
            sa.select(Reminder.kind).where(Reminder.key.like(f"%:problem{overdue.id}:%"))
        ).all()
        proposed = db.session.scalars(
            sa.select(ScoreAdjustment).where(
                ScoreAdjustment.event_key.like(f"problem{overdue.id}:%")
            )
        ).all()
        closed_task = db.session.scalars(sa.select(Task).where(Task.closed_at.is_not(None))).one()
        ids = (inspection.id, overdue.id, closed_task.id)
        assert inspection.starts_on.year == 2020 and inspection.kind.value == "on_site"
        assert len(inspection.units) == 3
        assert [p.status for p in found].count(ProblemStatus.CLOSED) == 1
        assert "problem_overdue" in reminded
        assert len(proposed) == 1 and proposed[0].proposed_points < 0
        assert proposed[0].status == "proposed"

    login(client, "office", DEMO_PASSWORD)
    page = client.get(f"/inspections/{ids[0]}")
    assert page.status_code == 200 and "2020年慈溪市产业工人队伍建设改革实地督查" in page.text
    assert f'data-problem-id="{ids[1]}"' in client.get("/problems?overdue=1").text
    assert f'data-task-id="{ids[2]}"' in client.get("/closed-tasks").text
    assert "已销号" in client.get(f"/tasks/{ids[2]}/closing").text
