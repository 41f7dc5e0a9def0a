"""Issue 11 §1-2 from the command line: other districts' headers, numbered steps in a
cell, JSON errors, review reasons in ``plan show --json``, and revising a plan with
``plan import --into`` (kept tasks keep their reports, removed ones are archived)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import docx
import openpyxl
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.functional.helpers import add_user
from tests.paths import SEEDS
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEntry, Milestone, ProgressReport, Task, User
from tracker.services import reports, scan
from tracker.services.ledger import LedgerFilter, build_ledger

CIXI_DOCX = SEEDS / "cixi-key-tasks.docx"
OTHER_HEADER = ("序号", "实事项目", "工作举措及实施计划", "责任单位", "配合单位")
OTHER_ROWS = (
    (
        "1",
        "建设职工驿站20个",
        "1.4月底前完成选址；2.9月底前建成20个；3.12月底前全面投入使用",
        "区总工会",
        "区住建局、各街道",
    ),
    ("2", "项目名：技能培训", "项目名称：技能提升；实施计划：2021年培训5000人", "区人社局", ""),
)


def other_district_table(path: Path, header: tuple[str, ...] = OTHER_HEADER) -> Path:
    """A table as another district publishes it: 序号 | 实事项目 | 工作举措及实施计划 | …"""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2021年民生实事项目责任分解表"])
    sheet.append(list(header))
    for row in OTHER_ROWS:
        sheet.append(list(row))
    book.save(path)
    return path


def invoke(runner: FlaskCliRunner, *args: str) -> tuple[int, dict]:
    result = runner.invoke(args=list(args))
    return result.exit_code, json.loads(result.stdout)


def test_another_districts_header_imports_and_steps_are_split(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = other_district_table(tmp_path / "other.xlsx")
    code, summary = invoke(runner, "plan", "import", str(path), "--period", "2021-2021", "--json")
    assert code == 0, summary
    assert summary["tasks"] == 2
    code, shown = invoke(runner, "plan", "show", str(summary["plan_id"]), "--json")
    tasks = [t for c in shown["categories"] for m in c["measures"] for t in m["tasks"]]
    first = tasks[0]
    assert first["lead_units"] == ["区总工会"]
    assert first["cooperating_units"] == ["区住建局", "各街道"]
    assert [m["due"] for m in first["milestones"]] == ["2021-04-30", "2021-09-30", "2021-12-31"]
    assert all("review_reasons" in task for task in tasks)


def test_json_errors_name_file_row_and_column(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = other_district_table(tmp_path / "odd.xlsx", ("编号", "事项", "安排", "谁来做", "协助"))
    code, error = invoke(runner, "plan", "import", str(path), "--period", "2021-2021", "--json")
    assert code == 1
    assert set(error) == {"error", "file", "row", "column"}
    assert error["file"] == "odd.xlsx" and "表头" in error["error"]
    code, error = invoke(runner, "plan", "import", str(tmp_path / "none.txt"), "--json")
    assert code == 1 and error["file"] == "none.txt"


def revised_cixi(tmp_path: Path) -> tuple[Path, str, str, str]:
    """The Cixi table with its 3rd task row removed, the 1st task's schedule changed and a
    task added after the 2nd; returns the path and the removed, changed and added texts."""
    document = docx.Document(str(CIXI_DOCX))
    table = document.tables[0]
    first, second, third = table.rows[1], table.rows[2], table.rows[3]
    removed = third.cells[2].text
    third._tr.getparent().remove(third._tr)
    schedule_cell = first.cells[3]
    schedule_cell.text = "2019年达到25%，2020年达到40%，2025年全覆盖"
    new_tr = copy.deepcopy(second._tr)
    second._tr.addnext(new_tr)
    added_row = table.rows[3]
    added_row.cells[2].text = "在新就业形态劳动者中开展党建工作试点"
    added_row.cells[3].text = "2021年完成试点"
    path = tmp_path / "cixi-revised.docx"
    document.save(str(path))
    return path, removed, first.cells[2].text, "在新就业形态劳动者中开展党建工作试点"


def test_revising_cixi_keeps_reports_and_archives_the_removed_task(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    code, summary = invoke(
        runner, "plan", "import", str(CIXI_DOCX), "--period", "2019-2025", "--json"
    )
    assert code == 0
    plan_id = summary["plan_id"]
    path, removed, changed, added = revised_cixi(tmp_path)
    add_user(app, "zzb", Role.UNIT, "市委组织部")
    with app.app_context():
        tasks = db.session.scalars(sa.select(Task).where(Task.plan_id == plan_id)).all()
        for task in tasks[:5]:
            lead = task.lead_units[0]
            reports.submit_report(
                task,
                lead,
                db.session.scalars(sa.select(User)).one(),
                reports.ReportInput(period="2020Q3", value=30.0, progress="按计划推进"),
                date(2020, 10, 12),
            )
        db.session.commit()
        report_count = db.session.scalar(sa.select(sa.func.count(ProgressReport.id)))

    code, counts = invoke(runner, "plan", "import", str(path), "--into", str(plan_id), "--json")
    assert code == 0, counts
    assert counts == {"added": 1, "changed": 1, "removed": 1, "unchanged": 55}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ProgressReport.id))) == report_count
        gone = db.session.scalars(sa.select(Task).where(Task.text == removed)).one()
        assert gone.archived_at is not None
        kept = db.session.scalars(sa.select(Task).where(Task.text == changed)).one()
        assert [m.target_value for m in kept.milestones] == [25.0, 40.0, 100.0]
        superseded = db.session.scalars(
            sa.select(Milestone).where(
                Milestone.task_id == kept.id, Milestone.superseded_at.is_not(None)
            )
        ).all()
        assert len(superseded) == 3
        assert db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.task_id == kept.id, AuditEntry.action == "revise_plan"
            )
        ).one()
        assert db.session.scalars(sa.select(Task).where(Task.text == added)).one()
        lag = app_settings.of(app).lag
        ledger = build_ledger(plan_id, date(2020, 11, 20), LedgerFilter(), lag=lag, page_size=None)
        texts = [status.task.text for status in ledger.statuses]
        assert removed not in texts and added in texts and len(texts) == 57
        statuses = scan.assess_plan(gone.plan, date(2020, 11, 20), lag=lag)
        assert all(status.task.id != gone.id for status in statuses)


def test_plan_show_json_gives_review_reasons(runner: FlaskCliRunner, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(OTHER_HEADER))
    sheet.append(["1", "建设职工书屋", "2021年达到50%和30家", "区总工会", ""])
    book.save(tmp_path / "review.xlsx")
    code, summary = invoke(
        runner, "plan", "import", str(tmp_path / "review.xlsx"), "--period", "2021-2021", "--json"
    )
    assert code == 0 and summary["needs_review"] == 1
    code, shown = invoke(runner, "plan", "show", str(summary["plan_id"]), "--json")
    task = shown["categories"][0]["measures"][0]["tasks"][0]
    assert task["needs_review"] and task["review_reasons"]


def test_a_revision_changes_units_and_keeps_a_reworded_task(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = other_district_table(tmp_path / "other.xlsx")
    code, summary = invoke(runner, "plan", "import", str(path), "--period", "2021-2021", "--json")
    with app.app_context():
        ids = db.session.scalars(sa.select(Task.id).order_by(Task.position)).all()
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["D3"] = "区人社局"  # row 1's lead unit
    sheet["E3"] = "区总工会"
    sheet["B4"] = "项目名：职工技能培训"  # row 2 reworded
    book.save(tmp_path / "revised.xlsx")
    code, counts = invoke(
        runner,
        "plan",
        "import",
        str(tmp_path / "revised.xlsx"),
        "--into",
        str(summary["plan_id"]),
        "--json",
    )
    assert code == 0, counts
    assert counts == {"added": 0, "changed": 2, "removed": 0, "unchanged": 0}
    with app.app_context():
        first, second = (db.session.get(Task, task_id) for task_id in ids)
        assert first is not None and second is not None
        assert [u.name for u in first.lead_units] == ["区人社局"]
        assert [u.name for u in first.cooperating_units] == ["区总工会"]
        assert second.text == "项目名：职工技能培训" and second.archived_at is None
