"""/my on a long list (issue 12 §8): a unit leading 39 tasks sees its owed reports by
period, what needs action first, one period open and the others summed up in a line."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.functional.helpers import LEAD_UNIT, add_user, import_cixi, login, unit_id
from tracker.domain.policy import Role, UnitRole
from tracker.extensions import db
from tracker.models import ProgressReport, ReportStatus, Task, TaskUnit


def test_a_unit_with_39_tasks_gets_a_short_grouped_page(app: Flask, runner: FlaskCliRunner) -> None:
    cixi = import_cixi(app, runner)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    lead_unit = unit_id(app, LEAD_UNIT)
    with app.app_context():
        tasks = list(
            db.session.scalars(
                sa.select(Task).where(Task.plan_id == cixi.plan_id).order_by(Task.id)
            )
        )[:39]
        for task in tasks:
            if lead_unit not in {u.id for u in task.lead_units}:
                db.session.add(TaskUnit(task_id=task.id, unit_id=lead_unit, role=UnitRole.LEAD))
        first = tasks[0]
        db.session.add(
            ProgressReport(
                task=first,
                unit_id=lead_unit,
                period="2020Q3",
                period_end=date(2020, 9, 30),
                status=ReportStatus.RETURNED,
                value=1.0,
                progress="三季度",
                return_reason="请补充",
            )
        )
        db.session.commit()
        returned_task = first.id
    client = app.test_client()
    login(client, "lead")

    page = client.get("/my").text

    groups = re.findall(r'<details class="period-group" id="period-(\w+)"( open)?', page)
    assert len(groups) >= 2
    assert [g for g in groups if g[1]] == [groups[0]]  # only the most urgent period is open
    assert "已退回 1" in page and "逾期" in page  # each period summed up in its line
    q3 = page[page.index('id="period-2020Q3"') :]
    q3 = q3[: q3.index("</details>")]
    rows = re.findall(r'<tr class="[^"]*" data-task="(\d+)"', q3)
    assert rows[0] == str(returned_task)  # the returned report first in its period
    assert len(rows) <= 39
