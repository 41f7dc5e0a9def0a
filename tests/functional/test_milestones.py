"""The office corrects a task's milestones: the task leaves the review list (/review) when
ticked 已核对, and the task page shows the new milestones."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.helpers import add_user, form_fields, import_cixi, location, login
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEntry, Milestone, Task

SECOND_TASK = "在产业园区、大型建设工地、劳动密集型企业等建立区域、行业党群"
REASON = "“2025年全覆盖”的基数不明，请核对"


@pytest.fixture(scope="module")
def flagged(app: Flask, shared_db: None) -> int:
    """The Cixi plan with its second task (25 % 2019, 50 % 2020, 100 % 2025) flagged for
    review (the Cixi grammar reads every schedule, so the flag is set here); its id."""
    runner = app.test_cli_runner()
    import_cixi(app, runner)
    with app.app_context():
        task = db.session.scalar(sa.select(Task).where(Task.text.startswith(SECOND_TASK)))
        assert task is not None
        task.needs_review = True
        task.review_reasons = REASON
        db.session.commit()
        return task.id


@pytest.fixture
def office(app: Flask, client: FlaskClient) -> FlaskClient:
    """A client logged in as the office."""
    add_user(app, "office", Role.OFFICE)
    login(client, "office")
    return client


def milestones_of(app: Flask, task_id: int) -> list[tuple[str, str, float | None, str]]:
    """(kind, due, target, source) of a task's milestones in force, in order."""
    with app.app_context():
        return [
            (str(m.kind), m.due.isoformat(), m.target_value, m.source)
            for m in db.session.scalars(
                sa.select(Milestone)
                .where(Milestone.task_id == task_id, Milestone.superseded_at.is_(None))
                .order_by(Milestone.position)
            )
        ]


def test_corrected_target_shows_and_task_leaves_review_list(
    app: Flask, office: FlaskClient, flagged: int
) -> None:
    """Change the 2020 target 50 → 45 and tick 已核对."""
    review = office.get("/review")
    assert SECOND_TASK in review.text
    assert REASON in review.text
    assert f'href="/tasks/{flagged}/milestones"' in review.text
    assert "进度表述需改革办核对" in office.get(f"/tasks/{flagged}").text

    page = office.get(f"/tasks/{flagged}/milestones")
    assert page.status_code == 200
    fields = form_fields(page.text)
    assert (fields["rows-1-kind"], fields["rows-1-due"], fields["rows-1-target"]) == (
        "level",
        "2020-12-31",
        "50",
    )
    fields |= {"rows-1-target": "45", "reviewed": "y"}
    response = office.post(f"/tasks/{flagged}/milestones", data=fields)
    assert location(response) == f"/tasks/{flagged}"

    assert milestones_of(app, flagged) == [
        ("level", "2019-12-31", 25.0, "办公室修正"),
        ("level", "2020-12-31", 45.0, "办公室修正"),
        ("level", "2025-12-31", 100.0, "办公室修正"),
    ]
    task_page = office.get(f"/tasks/{flagged}")
    assert "节点已保存。" in task_page.text
    assert "2020年：≥45%" in task_page.text
    assert "2020年：≥50%" not in task_page.text
    assert "进度表述需改革办核对" not in task_page.text
    review = office.get("/review")
    assert SECOND_TASK not in review.text
    assert "没有待核对的任务。" in review.text


def test_saving_without_tick_keeps_task_on_review_list(
    app: Flask, office: FlaskClient, flagged: int
) -> None:
    """Milestones are saved, but the task stays to be checked until 已核对 is ticked."""
    fields = form_fields(office.get(f"/tasks/{flagged}/milestones").text)
    assert "reviewed" not in fields
    fields["rows-2-target"] = "95"
    assert location(office.post(f"/tasks/{flagged}/milestones", data=fields)) == (
        f"/tasks/{flagged}"
    )
    assert milestones_of(app, flagged)[2][2] == 95.0
    assert SECOND_TASK in office.get("/review").text


def test_rows_can_be_removed_and_added(app: Flask, office: FlaskClient, flagged: int) -> None:
    """Tick 删除 on the 2019 row, fill a blank row with a stage: saved in date order."""
    fields = form_fields(office.get(f"/tasks/{flagged}/milestones").text)
    assert fields["rows-3-kind"] == ""  # three blank rows follow the milestones
    fields |= {
        "rows-0-remove": "y",
        "rows-3-kind": "stage",
        "rows-3-due": "2021-06-30",
        "rows-3-target": "出台实施办法",
        "baseline": "10",
        "reviewed": "y",
    }
    assert location(office.post(f"/tasks/{flagged}/milestones", data=fields)) == (
        f"/tasks/{flagged}"
    )
    assert [row[:2] for row in milestones_of(app, flagged)] == [
        ("level", "2020-12-31"),
        ("stage", "2021-06-30"),
        ("level", "2025-12-31"),
    ]
    with app.app_context():
        task = db.session.get(Task, flagged)
        assert task is not None
        assert task.baseline_value == 10.0
    page = office.get(f"/tasks/{flagged}")
    assert "2021年6月：出台实施办法" in page.text
    assert "2019年：≥25%" not in page.text


def specs_of(app: Flask, task_id: int) -> list[tuple[object, ...]]:
    """Everything a task's milestones mean (all but their source and position)."""
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert task is not None
        return [
            (m.kind, m.due, m.start, m.comparator, m.target_value, m.target_text, m.upper, m.unit)
            for m in task.milestones
        ] + [(task.baseline_value,)]


def task_by_schedule(app: Flask, schedule: str) -> int:
    """The id of the Cixi task whose schedule starts with ``schedule``."""
    with app.app_context():
        found = db.session.scalar(sa.select(Task.id).where(Task.schedule_text.startswith(schedule)))
    assert found is not None
    return found


@pytest.mark.parametrize(
    "schedule",
    ["2019年达到25%", "常态化推进", "2019年启动", "2019年达到35%，2020起以上年度比例为基数"],
    ids=["level", "ongoing", "stage", "growth"],
)
def test_saving_the_form_unchanged_keeps_the_milestones(
    app: Flask, office: FlaskClient, flagged: int, schedule: str
) -> None:
    """Opening the correction form and saving it as it is changes no milestone."""
    task_id = task_by_schedule(app, schedule)
    before = specs_of(app, task_id)
    fields = form_fields(office.get(f"/tasks/{task_id}/milestones").text)
    assert location(office.post(f"/tasks/{task_id}/milestones", data=fields)) == (
        f"/tasks/{task_id}"
    )
    assert specs_of(app, task_id) == before


def test_saving_unchanged_keeps_a_range_target(
    app: Flask, office: FlaskClient, flagged: int
) -> None:
    """每年新建1-2家: the upper bound 2 survives a save of the unchanged form."""
    task_id = task_by_schedule(app, "每年新建1-2家")
    before = specs_of(app, task_id)
    assert before[0][6] == 2.0
    fields = form_fields(office.get(f"/tasks/{task_id}/milestones").text)
    office.post(f"/tasks/{task_id}/milestones", data=fields)
    assert specs_of(app, task_id) == before


def test_a_correction_keeps_the_old_milestones_and_says_who_and_why(
    app: Flask, office: FlaskClient, flagged: int
) -> None:
    before = milestones_of(app, flagged)
    fields = form_fields(office.get(f"/tasks/{flagged}/milestones").text)
    fields |= {"rows-1-target": "45", "reason": "按方案修订稿调整2020年目标"}
    assert location(office.post(f"/tasks/{flagged}/milestones", data=fields)) == f"/tasks/{flagged}"

    with app.app_context():
        superseded = db.session.scalars(
            sa.select(Milestone)
            .where(Milestone.task_id == flagged, Milestone.superseded_at.is_not(None))
            .order_by(Milestone.position)
        ).all()
        assert [(str(m.kind), m.due.isoformat(), m.target_value, m.source) for m in superseded] == (
            before
        )
        assert {m.superseded_reason for m in superseded} == {"按方案修订稿调整2020年目标"}
        entry = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.task_id == flagged, AuditEntry.action == "correct_milestones"
            )
        ).one()
        assert entry.user.username == "office"
        assert entry.summary == "按方案修订稿调整2020年目标"
        assert json.loads(entry.before)["milestones"][1] == "2020-12-31 level >=50.0%"
        assert json.loads(entry.after)["milestones"][1] == "2020-12-31 level >=45.0%"
