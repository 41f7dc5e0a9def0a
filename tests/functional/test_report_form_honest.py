"""An honest report form (issue 12 §5): carried-over text is marked and, submitted
unchanged, asked once more; an unusual value is confirmed; evidence files go with the
form; the return reason and open 批示 come first; counts are whole numbers; messages are
plain Chinese."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from config.settings import Settings
from tests import evidence_samples as samples
from tests.functional.helpers import (
    LEAD_UNIT,
    add_user,
    form_fields,
    import_cixi,
    location,
    login,
)
from tracker.domain.milestones import MilestoneKind
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Evidence, Instruction, ProgressReport, ReportStatus, Task, User

Q2_TEXT = {"progress": "二季度新增12家", "problems": "部分企业观望", "next_steps": "继续走访"}


@pytest.fixture
def uploads(tmp_path: Path, set_settings: Callable[..., Settings]) -> Path:
    folder = tmp_path / "uploads"
    set_settings("uploads", upload_dir=folder)
    return folder


def _world(app: Flask, runner: FlaskCliRunner, status: ReportStatus = ReportStatus.ACCEPTED) -> int:
    """The Cixi plan whose first task counts 家 (target 25), an accepted 2020Q2 report;
    its task id."""
    cixi = import_cixi(app, runner)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    add_user(app, "office", Role.OFFICE)
    add_user(app, "leader", Role.LEADER)
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        assert task is not None
        for milestone in task.milestones:
            if milestone.kind is not MilestoneKind.STAGE:
                milestone.kind = MilestoneKind.CUMULATIVE
                milestone.unit, milestone.target_value, milestone.comparator = "家", 25.0, ">="
        db.session.add(
            ProgressReport(
                task=task,
                unit=task.lead_units[0],
                period="2020Q2",
                period_end=date(2020, 6, 30),
                status=status,
                value=12.0,
                value_unit="家",
                submitted_on=date(2020, 7, 3),
                **Q2_TEXT,
            )
        )
        db.session.commit()
    return cixi.task_id


def _lead(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "lead")
    return client


def _q3(app: Flask) -> ProgressReport | None:
    with app.app_context():
        found = db.session.scalar(
            sa.select(ProgressReport).where(ProgressReport.period == "2020Q3")
        )
        if found is not None:
            db.session.expunge(found)
        return found


def test_carried_over_text_is_marked_and_asked_once_more(
    app: Flask, runner: FlaskCliRunner
) -> None:
    task_id = _world(app, runner)
    lead = _lead(app)
    url = f"/tasks/{task_id}/report"
    page = lead.get(url).text
    assert page.count("沿用上期") >= 3 and "与2020年第二季度的填报相同" in page
    fields = form_fields(page) | {"value": "15", "action": "submit"}

    asked = lead.post(url, data=fields)

    assert asked.status_code == 200
    assert "进展情况、存在问题、下步打算与2020年第二季度的填报一字不差" in asked.text
    assert 'name="confirm_carryover"' in asked.text  # the second step is a real checkbox
    assert _q3(app) is None
    edited = lead.post(url, data=fields | {"progress": "三季度新增3家"})
    assert edited.status_code == 200 and "存在问题、下步打算与" in edited.text  # still two
    confirmed = lead.post(url, data=fields | {"confirm_carryover": "y"})
    assert location(confirmed) == f"/tasks/{task_id}"
    saved = _q3(app)
    assert saved is not None and saved.status is ReportStatus.SUBMITTED


def test_a_draft_is_not_asked(app: Flask, runner: FlaskCliRunner) -> None:
    task_id = _world(app, runner)
    lead = _lead(app)
    url = f"/tasks/{task_id}/report"
    fields = form_fields(lead.get(url).text) | {"value": "1000000000", "action": "draft"}
    assert location(lead.post(url, data=fields)) == f"/tasks/{task_id}"
    saved = _q3(app)
    assert saved is not None and saved.status is ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("value", "words"),
    [("1000000000", "完成值1000000000家是目标25家的40,000,000倍"), ("-3", "完成值是负数（-3家）")],
)
def test_an_unusual_value_is_confirmed(
    app: Flask, runner: FlaskCliRunner, value: str, words: str
) -> None:
    task_id = _world(app, runner)
    lead = _lead(app)
    url = f"/tasks/{task_id}/report"
    fields = form_fields(lead.get(url).text) | {
        "value": value,
        "progress": "三季度新增",
        "problems": "无",
        "next_steps": "继续",
        "action": "submit",
    }

    asked = lead.post(url, data=fields)

    assert asked.status_code == 200 and words in asked.text
    assert 'name="confirm_value"' in asked.text and _q3(app) is None
    assert location(lead.post(url, data=fields | {"confirm_value": "y"})) == f"/tasks/{task_id}"
    saved = _q3(app)
    assert saved is not None and saved.value == float(value)


def test_the_outlier_factor_is_a_setting(
    app: Flask, runner: FlaskCliRunner, set_settings: Callable[..., Settings]
) -> None:
    set_settings("report_form", report_outlier_factor=100)
    task_id = _world(app, runner)
    lead = _lead(app)
    url = f"/tasks/{task_id}/report"
    fields = form_fields(lead.get(url).text) | {
        "value": "200",
        "progress": "三季度新增",
        "problems": "无",
        "next_steps": "继续",
    }
    assert location(lead.post(url, data=fields)) == f"/tasks/{task_id}"  # 8× is fine at 100


def test_text_in_the_value_field_gets_a_plain_message(app: Flask, runner: FlaskCliRunner) -> None:
    task_id = _world(app, runner)
    lead = _lead(app)
    url = f"/tasks/{task_id}/report"
    fields = form_fields(lead.get(url).text) | {"value": "二十五", "action": "draft"}
    page = lead.post(url, data=fields).text
    assert "请填写数字，例如 25 或 12.5" in page and "浮点数" not in page
    assert 'type="number"' not in page  # a browser would drop the text silently


def test_evidence_files_are_attached_on_the_form(
    app: Flask, runner: FlaskCliRunner, uploads: Path
) -> None:
    task_id = _world(app, runner)
    lead = _lead(app)
    url = f"/tasks/{task_id}/report"
    page = lead.get(url).text
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page and "multiple" in page
    fields = form_fields(page) | {
        "value": "15",
        "progress": "三季度新增3家",
        "confirm_carryover": "y",
    }
    fields.pop("file", None)
    files = [
        (io.BytesIO(samples.PDF), "名单.pdf"),
        (io.BytesIO(samples.docx_bytes()), "总结.docx"),
    ]

    saved = lead.post(url, data=fields | {"file": files}, content_type="multipart/form-data")

    assert location(saved) == f"/tasks/{task_id}"
    assert "已上传佐证材料 2 个" in lead.get(location(saved)).text
    with app.app_context():
        names = sorted(db.session.scalars(sa.select(Evidence.original_name)))
    assert names == ["名单.pdf", "总结.docx"]
    again = lead.get(f"{url}?period=2020Q3").text
    assert "名单.pdf" in again and "总结.docx" in again  # listed on the form


def test_a_refused_file_saves_nothing_and_names_the_file(
    app: Flask, runner: FlaskCliRunner, uploads: Path
) -> None:
    task_id = _world(app, runner)
    lead = _lead(app)
    url = f"/tasks/{task_id}/report"
    fields = form_fields(lead.get(url).text) | {
        "value": "15",
        "progress": "三季度",
        "confirm_carryover": "y",
    }
    fields.pop("file", None)
    files = [(io.BytesIO(samples.PDF), "名单.pdf"), (io.BytesIO(samples.EXE), "工具.pdf")]

    page = lead.post(url, data=fields | {"file": files}, content_type="multipart/form-data")

    assert page.status_code == 200 and "工具.pdf" in page.text
    assert _q3(app) is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0


def test_the_return_reason_and_open_instructions_come_first(
    app: Flask, runner: FlaskCliRunner
) -> None:
    task_id = _world(app, runner)
    with app.app_context():
        task = db.session.get(Task, task_id)
        leader = db.session.scalars(sa.select(User).where(User.username == "leader")).one()
        assert task is not None
        db.session.add(
            ProgressReport(
                task=task,
                unit=task.lead_units[0],
                period="2020Q3",
                period_end=date(2020, 9, 30),
                status=ReportStatus.RETURNED,
                value=14.0,
                progress="三季度",
                return_reason="请补充企业名单",
            )
        )
        db.session.add(Instruction(task=task, author=leader, text="请年底前全覆盖", answer=""))
        db.session.commit()
    page = _lead(app).get(f"/tasks/{task_id}/report?period=2020Q3").text
    reason, instruction, value = (
        page.index("请补充企业名单"),
        page.index("请年底前全覆盖"),
        page.index("完成值（家"),
    )
    assert reason < value and instruction < value


def test_counts_are_whole_numbers(app: Flask, runner: FlaskCliRunner) -> None:
    task_id = _world(app, runner)
    with app.app_context():
        report = db.session.scalars(sa.select(ProgressReport)).one()
        report.value = 40.43
        db.session.commit()
    office = app.test_client()
    login(office, "office")
    page = office.get(f"/tasks/{task_id}").text
    assert "完成值 40家" in page and "40.43" not in page
    ledger = office.get("/").text
    assert "40.43" not in ledger
