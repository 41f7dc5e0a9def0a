"""/my on a long list (issue 12 §8): a unit leading 39 tasks sees its owed reports by
period, what needs action first, one period open and the others summed up in a line."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.functional.api_helpers import call, cli_token
from tests.functional.helpers import (
    LEAD_UNIT,
    UNRELATED_UNIT,
    add_user,
    import_cixi,
    login,
    unit_id,
)
from tracker.domain.policy import Role, UnitRole
from tracker.extensions import db
from tracker.models import Contribution, ProgressReport, ReportStatus, Task, TaskUnit


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


def _rows_of(page: str, code: str) -> list[str]:
    group = page[page.index(f'id="period-{code}"') :]
    group = group[: group.index("</details>")]
    return re.findall(r'<tr class="[^"]*" data-task="(\d+)"', group)


def test_a_period_with_more_than_50_reports_to_make_pages_them(
    app: Flask, runner: FlaskCliRunner
) -> None:
    """A unit leading all 57 Cixi tasks: a period's rows to act on come 50 a page, the
    pager opens that period at page 2 with the rest, and every other period stays at its
    first page."""
    cixi = import_cixi(app, runner)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    lead_unit = unit_id(app, LEAD_UNIT)
    with app.app_context():
        for task in db.session.scalars(sa.select(Task).where(Task.plan_id == cixi.plan_id)):
            if lead_unit not in {u.id for u in task.lead_units}:
                db.session.add(TaskUnit(task_id=task.id, unit_id=lead_unit, role=UnitRole.LEAD))
        db.session.commit()
    client = app.test_client()
    login(client, "lead")

    first = client.get("/my").text
    codes = re.findall(r'<details class="period-group" id="period-(\w+)"', first)
    long = [code for code in codes if f"page=2&amp;period={code}#period-{code}" in first]
    assert long, "a period with more than 50 reports to make shows a pager"
    code = long[0]
    shown = _rows_of(first, code)
    assert len(shown) == 50
    total = int(
        re.search(r"第 1 / 2 页（共 (\d+) 项）", first[first.index(f'id="period-{code}"') :])[1]
    )
    assert 50 < total <= 57

    second = client.get(f"/my?period={code}&page=2").text
    rest = _rows_of(second, code)
    assert len(rest) == total - 50 and not set(rest) & set(shown)
    assert re.search(rf'id="period-{code}" open', second)
    others = [c for c in codes if c != code]
    assert all(_rows_of(second, c) == _rows_of(first, c) for c in others)
    assert client.get(f"/my?period={code}&page=99").status_code == 200  # clamped to the last
    assert client.get("/my?period=nonsense&page=x").status_code == 200


def test_a_unit_asked_to_confirm_55_reports_pages_them(app: Flask, runner: FlaskCliRunner) -> None:
    """55 open requests: /my lists 50 with a pager of its own (``?cpage=``), page 2 the
    other 5, and the period rows above keep their own pages; the API pages the same."""
    cixi = import_cixi(app, runner)
    add_user(app, "other", Role.UNIT, UNRELATED_UNIT)
    asked = unit_id(app, UNRELATED_UNIT)
    with app.app_context():
        tasks = list(
            db.session.scalars(
                sa.select(Task).where(Task.plan_id == cixi.plan_id).order_by(Task.id)
            )
        )[:55]
        for task in tasks:
            report = ProgressReport(
                task=task,
                unit_id=task.lead_units[0].id,
                period="2020Q3",
                period_end=date(2020, 9, 30),
                status=ReportStatus.SUBMITTED,
                value=1.0,
                progress="三季度",
                submitted_on=date(2020, 10, 10),
            )
            db.session.add(report)
            db.session.add(
                Contribution(
                    report=report,
                    unit_id=asked,
                    requested_on=date(2020, 10, 10),
                    due_on=date(2020, 11, 30),
                )
            )
        db.session.commit()
    client = app.test_client()
    login(client, "other")

    def requests(page: str) -> list[str]:
        section = page.split('id="contributions"', 1)[1]
        return re.findall(r'href="/contributions/(\d+)"', section)

    first = client.get("/my").text
    assert len(requests(first)) == 50
    assert "第 1 / 2 页（共 55 项）" in first and 'href="/my?cpage=2#contributions"' in first
    rest = requests(client.get("/my?cpage=2").text)
    assert len(rest) == 5 and not set(rest) & set(requests(first))
    token = cli_token(runner, "other")
    listed = call(app.test_client(), "GET", "/my/contributions?page=2", token).json
    assert listed["total"] == 55 and [str(c["id"]) for c in listed["contributions"]] == rest
