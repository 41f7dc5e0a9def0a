"""The task history in plain Chinese (issue 12 §7): field labels, names instead of ids,
status words, no hashes or storage names, a notice by its number; the raw record only
for the administrator."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests import evidence_samples as samples
from tests.functional.helpers import LEAD_UNIT, add_user, import_cixi, login
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.io.containers import ContainerLimits
from tracker.models import ProgressReport, SupervisionNotice, Task, User
from tracker.services import audit, evidence, reports


class _Upload:
    filename = "名单.pdf"

    def __init__(self) -> None:
        import io

        self.stream = io.BytesIO(samples.PDF)


def _story(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> int:
    """Submit, return, resubmit with a file, accept, and a notice; the task id."""
    cixi = import_cixi(app, runner)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    add_user(app, "office", Role.OFFICE)
    add_user(app, "admin", Role.ADMIN)
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        lead = db.session.scalars(sa.select(User).where(User.username == "lead")).one()
        office = db.session.scalars(sa.select(User).where(User.username == "office")).one()
        assert task is not None and lead.unit is not None
        data = reports.ReportInput("2020Q3", 25.0, "三季度推进")
        report = reports.submit_report(task, lead.unit, lead, data, date(2020, 10, 9))
        reports.review_report(report, office, False, "请补充名单", date(2020, 10, 12))
        reports.submit_report(task, lead.unit, lead, data, date(2020, 10, 13))
        evidence.attach(
            report,
            _Upload(),
            lead,
            storage_dir=tmp_path,
            max_bytes=10 * evidence.MIB,
            limits=ContainerLimits(),
        )
        reports.review_report(report, office, True, "", date(2020, 10, 14))
        notice = SupervisionNotice(
            prefix="慈改督",
            year=2020,
            sequence=7,
            number="慈改督〔2020〕7号",
            key="test-notice",
            plan_id=task.plan_id,
            task_id=task.id,
            unit_id=lead.unit.id,
            overdue_text="逾期未报",
            issued_on=date(2020, 11, 2),
            new_deadline=date(2020, 11, 9),
        )
        db.session.add(notice)
        audit.record("issue", notice, user=None, task_id=task.id, summary="发出督办单")
        db.session.commit()
        assert db.session.scalars(sa.select(ProgressReport)).one().status.value == "accepted"
    return cixi.task_id


def test_the_history_reads_in_plain_chinese(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    task_id = _story(app, runner, tmp_path)
    office = app.test_client()
    login(office, "office")

    page = office.get(f"/tasks/{task_id}").text
    history = page[page.index('id="history"') :]

    assert "<del>待审核</del> → 已退回" in history
    assert "<del>待审核</del> → 已审核" in history
    assert re.search(r"审核人</span>：(<del>[^<]*</del> → )?office测试", history)
    assert "lead测试" in history and "2020年第三季度填报" in history
    assert "督办单 慈改督〔2020〕7号" in history and "签发督办单" in history
    assert "佐证材料“名单.pdf”" in history and "文件大小" in history
    for raw in (
        "sha256",
        "stored_name",
        "supervision_notices",
        "progress_reports",
        "submitted",
        "accepted",
        "#",
    ):
        assert raw not in re.sub(r"<[^>]+>", "", history), raw
    assert "原始记录" not in history


def test_the_admin_can_open_the_raw_record(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    task_id = _story(app, runner, tmp_path)
    admin = app.test_client()
    login(admin, "admin")
    page = admin.get(f"/tasks/{task_id}").text
    assert "原始记录（管理员）" in page and "sha256" in page and "supervision_notices #" in page


def test_the_api_history_has_the_words_too(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    from tests.functional.api_helpers import call, cli_token

    task_id = _story(app, runner, tmp_path)
    office_key = cli_token(runner, "office")
    entries = call(app.test_client(), "GET", f"/tasks/{task_id}/history", office_key).json[
        "entries"
    ]
    attach = next(e for e in entries if e["action"] == "attach")
    assert attach["subject"] == "佐证材料“名单.pdf”" and attach["who"] == "lead测试"
    assert all(c["field"] not in ("sha256", "stored_name") for c in attach["changes"])
    admin_key = cli_token(runner, "admin")
    raw = call(app.test_client(), "GET", f"/tasks/{task_id}/history", admin_key).json["entries"]
    assert any(c["field"] == "sha256" for e in raw for c in e["changes"])
