"""The ledger page: filters by unit, state and category; a unit user sees only its unit's
tasks; the demo banner when the clock is fixed."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.helpers import (
    COOPERATING_UNITS,
    LEAD_UNIT,
    UNRELATED_UNIT,
    Cixi,
    add_user,
    import_cixi,
    login,
    unit_id,
)
from tracker import create_app
from tracker.domain.lag import LAG_LABELS, LagState
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Category, Measure, Task, TaskUnit

ROW = re.compile(r'<tr data-task-id="(\d+)" data-state="([a-z_]+)">')
TOTAL = re.compile(r"共 (\d+) 项任务")


def rows(html: str) -> dict[int, str]:
    """The ledger's rows: task id → state."""
    return {int(task): state for task, state in ROW.findall(html)}


def every_row(client: FlaskClient, path: str) -> dict[int, str]:
    """The rows of every page of the ledger at ``path`` (following 下一页)."""
    found: dict[int, str] = {}
    for number in range(1, 100):
        html = client.get(f"{path}&page={number}").text
        found |= rows(html)
        if 'rel="next"' not in html:
            return found
    raise AssertionError("more than 99 pages")


def tasks_of_unit(app: Flask, name: str) -> set[int]:
    """Ids of the tasks the unit leads or cooperates on, from the database."""
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(TaskUnit.task_id).where(TaskUnit.unit_id == unit_id(app, name))
            )
        )


def all_tasks(app: Flask, plan_id: int) -> set[int]:
    """Ids of every task of the plan."""
    with app.app_context():
        return set(db.session.scalars(sa.select(Task.id).where(Task.plan_id == plan_id)))


@pytest.fixture(scope="module")
def cixi(app: Flask, shared_db: None) -> Cixi:
    """The Cixi plan, no reports."""
    runner = app.test_cli_runner()
    return import_cixi(app, runner)


@pytest.fixture
def office(app: Flask, client: FlaskClient, cixi: Cixi) -> FlaskClient:
    """A client logged in as the office."""
    add_user(app, "office", Role.OFFICE)
    login(client, "office")
    return client


def test_office_sees_every_task(app: Flask, office: FlaskClient, cixi: Cixi) -> None:
    """The unfiltered ledger lists all 57 tasks with their units and schedule, 50 on the
    first page and the other 7 on the second."""
    page = office.get(f"/plans/{cixi.plan_id}")
    assert page.status_code == 200
    second = office.get(f"/plans/{cixi.plan_id}?page=2")
    assert set(rows(page.text)) | set(rows(second.text)) == all_tasks(app, cixi.plan_id)
    assert (len(rows(page.text)), len(rows(second.text))) == (50, 7)
    assert "第 1 / 2 页（共 57 项）" in page.text
    assert TOTAL.findall(page.text) == ["57"]
    assert "状态按 2020年11月20日 计算" in page.text
    assert "2019年达到20%，2020年达到35%，2025年全覆盖" in page.text
    assert "市总工会、团市委、市妇联" in page.text


def test_ledger_root_redirects_to_newest_plan(office: FlaskClient, cixi: Cixi) -> None:
    """/ leads to the plan's ledger."""
    assert office.get("/").headers["Location"].endswith(f"/plans/{cixi.plan_id}")


def test_filter_by_unit(app: Flask, office: FlaskClient, cixi: Cixi) -> None:
    """?unit= keeps the tasks that unit leads or cooperates on, and marks it selected."""
    unit = unit_id(app, LEAD_UNIT)
    page = office.get(f"/plans/{cixi.plan_id}?unit={unit}")
    expected = tasks_of_unit(app, LEAD_UNIT)
    assert 0 < len(expected) < 57
    assert set(rows(page.text)) == expected
    assert cixi.task_id in expected
    assert f'<option value="{unit}" selected>{LEAD_UNIT}</option>' in page.text


def test_filter_by_category(app: Flask, office: FlaskClient, cixi: Cixi) -> None:
    """?category= keeps the tasks of that 主要举措 only."""
    with app.app_context():
        second = db.session.scalar(
            sa.select(Category)
            .where(Category.plan_id == cixi.plan_id)
            .order_by(Category.position)
            .offset(1)
        )
        assert second is not None
        second_id, second_name = second.id, second.name
        expected = set(
            db.session.scalars(
                sa.select(Task.id).join(Measure).where(Measure.category_id == second_id)
            )
        )
    assert second_name == "（二）提升产业工人技能素质"
    page = office.get(f"/plans/{cixi.plan_id}?category={second_id}")
    assert set(rows(page.text)) == expected
    assert len(expected) == 12
    assert cixi.task_id not in expected


def test_filter_by_state(office: FlaskClient, cixi: Cixi) -> None:
    """?state= keeps the tasks in that state, each labelled; the states partition the plan."""
    seen: dict[int, str] = {}
    for state in LagState:
        page = office.get(f"/plans/{cixi.plan_id}?state={state.value}")
        assert page.status_code == 200
        found = every_row(office, f"/plans/{cixi.plan_id}?state={state.value}")
        assert set(found.values()) <= {state.value}
        if found:
            assert f'data-state="{state.value}">{LAG_LABELS[state]}</span>' in page.text
        else:
            assert "没有符合条件的任务。" in page.text
        seen |= found
    assert len(seen) == 57
    # With nothing reported, 2019 and 2020 reports are overdue for the first task;
    # a stage-only task (2020年启动，2022年完成制定并试行) owes no periodic report.
    assert seen[cixi.task_id] == "overdue"
    no_data = office.get(f"/plans/{cixi.plan_id}?state=no_data")
    assert "完善住房租赁市场发展实施意见" in no_data.text
    assert "暂无" in no_data.text


def test_filters_combine_and_bad_values_are_ignored(
    app: Flask, office: FlaskClient, cixi: Cixi
) -> None:
    """unit + state narrows both ways; unknown values show the unfiltered ledger, no 500."""
    unit = unit_id(app, COOPERATING_UNITS[0])
    page = office.get(f"/plans/{cixi.plan_id}?unit={unit}&state=overdue")
    found = rows(page.text)
    assert set(found) <= tasks_of_unit(app, COOPERATING_UNITS[0])
    assert set(found.values()) == {"overdue"}
    for query in ("state=bogus", "unit=abc", "category=%E4%B8%80", "unit=999999"):
        page = office.get(f"/plans/{cixi.plan_id}?{query}")
        assert page.status_code == 200, query
    assert len(every_row(office, f"/plans/{cixi.plan_id}?state=bogus")) == 57
    assert rows(office.get(f"/plans/{cixi.plan_id}?unit=999999").text) == {}


@pytest.mark.parametrize("unit_name", [UNRELATED_UNIT, COOPERATING_UNITS[0]])
def test_unit_user_sees_only_its_units_tasks(
    app: Flask, client: FlaskClient, cixi: Cixi, unit_name: str
) -> None:
    """The ledger of a unit user lists exactly the tasks its unit leads or cooperates on,
    and filtering by another unit cannot widen it."""
    add_user(app, "unit", Role.UNIT, unit_name)
    login(client, "unit")
    expected = tasks_of_unit(app, unit_name)
    assert 0 < len(expected) < 57
    page = client.get(f"/plans/{cixi.plan_id}")
    assert set(rows(page.text)) == expected
    assert TOTAL.findall(page.text) == [str(len(expected))]
    other = unit_id(app, LEAD_UNIT)
    widened = client.get(f"/plans/{cixi.plan_id}?unit={other}")
    assert set(rows(widened.text)) == expected & tasks_of_unit(app, LEAD_UNIT)
    for state in ("overdue", "no_data"):
        assert set(rows(client.get(f"/plans/{cixi.plan_id}?state={state}").text)) <= expected


def test_unrelated_unit_user_sees_one_task(app: Flask, client: FlaskClient, cixi: Cixi) -> None:
    """市司法局 appears in the Cixi table once: its ledger has that one row."""
    add_user(app, "unit", Role.UNIT, UNRELATED_UNIT)
    login(client, "unit")
    found = rows(client.get(f"/plans/{cixi.plan_id}").text)
    assert len(found) == 1
    assert cixi.task_id not in found


def test_demo_banner_when_clock_is_fixed(client: FlaskClient) -> None:
    """TRACKER_TODAY is set in the test settings: every page carries the banner."""
    page = client.get("/login")
    assert "演示模式：系统日期设定为 2020年11月20日" in page.text


def test_no_demo_banner_on_the_real_clock() -> None:
    """Without TRACKER_TODAY there is no banner."""
    real = create_app(
        {
            "TRACKER_SETTINGS": "test",
            "TRACKER_TODAY": None,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SERVER_NAME": "tracker.test",
        }
    )
    page = real.test_client().get("/login")
    assert page.status_code == 200
    assert "登录" in page.text
    assert "演示模式" not in page.text
