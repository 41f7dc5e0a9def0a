"""`plan import` / `plan show`: the Cixi table from Word and Excel, other offices' tables,
and bad input that changes nothing."""

from __future__ import annotations

import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import Settings
from tests.paths import SEEDS
from tracker.cli import plan as plan_cli
from tracker.extensions import db
from tracker.models import Plan, Task, Unit

CIXI_DOCX = SEEDS / "cixi-key-tasks.docx"
CIXI_XLSX = SEEDS / "cixi-key-tasks.xlsx"


def import_json(runner: FlaskCliRunner, path: Path, *extra: str) -> dict[str, int]:
    result = runner.invoke(args=["plan", "import", str(path), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def show_json(runner: FlaskCliRunner, plan_id: int) -> dict:
    result = runner.invoke(args=["plan", "show", str(plan_id), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def without_ids(plan: dict) -> dict:
    plan = dict(plan)
    plan.pop("id")
    for category in plan["categories"]:
        for measure in category["measures"]:
            for task in measure["tasks"]:
                task.pop("id")
    return plan


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_cixi_docx_imports_the_whole_table(runner: FlaskCliRunner, app_ctx: Flask) -> None:
    summary = import_json(runner, CIXI_DOCX, "--period", "2019-2025")

    assert {k: v for k, v in summary.items() if k != "plan_id"} == {
        "categories": 7,
        "measures": 22,
        "tasks": 57,
        "units": 26,
        "milestones": summary["milestones"],
        "needs_review": 0,
    }
    assert summary["milestones"] >= 57
    plan = show_json(runner, summary["plan_id"])
    assert plan["period"] == [2019, 2025]
    assert [c["name"][:3] for c in plan["categories"]] == [
        "（一）",
        "（二）",
        "（三）",
        "（四）",
        "（四）",
        "（五）",
        "（六）",
    ]
    tasks = [t for c in plan["categories"] for m in c["measures"] for t in m["tasks"]]
    assert len(tasks) == 57
    first = tasks[0]
    assert first["lead_units"] == ["市委组织部"]
    assert first["cooperating_units"] == ["市总工会", "团市委", "市妇联"]
    assert [
        (m["kind"], m["due"], m["comparator"], m["target"], m["unit"]) for m in first["milestones"]
    ] == [
        ("level", "2019-12-31", ">=", 20.0, "%"),
        ("level", "2020-12-31", ">=", 35.0, "%"),
        ("level", "2025-12-31", ">=", 100.0, "%"),
    ]
    ongoing = tasks[2]
    assert ongoing["schedule_text"] == "常态化推进"
    assert ongoing["milestones"] == [
        {
            "kind": "ongoing",
            "due": "2025-12-31",
            "comparator": None,
            "target": None,
            "unit": None,
            "from": "2019-01-01",
        }
    ]


def test_docx_and_xlsx_give_the_same_plan(runner: FlaskCliRunner, app_ctx: Flask) -> None:
    from_word = import_json(runner, CIXI_DOCX, "--period", "2019-2025", "--name", "慈溪")
    from_excel = import_json(runner, CIXI_XLSX, "--period", "2019-2025", "--name", "慈溪")

    assert without_ids(show_json(runner, from_word["plan_id"])) == without_ids(
        show_json(runner, from_excel["plan_id"])
    )
    # The second import reuses the 26 units of the first.
    assert count(Unit) == 26


def test_narrow_cell_names_and_aliases_become_units(runner: FlaskCliRunner, app_ctx: Flask) -> None:
    import_json(runner, CIXI_DOCX, "--period", "2019-2025")

    names = set(db.session.scalars(sa.select(Unit.name)))
    assert {"市总工会", "市教育局", "市财政局", "市住建局", "市人力社保局", "市工商联"} <= names
    assert not {"市总", "工会", "市教", "育局"} & names
    organisation = db.session.scalar(sa.select(Unit).where(Unit.name == "市委组织部"))
    assert [a.alias for a in organisation.aliases] == ["市委人才办"]


def test_period_comes_from_the_title(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "plan.docx"
    document = docx.Document()
    document.add_paragraph("某区深化改革实施方案（2021—2023年）重点任务分解表")
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ["具体措施", "完成时限", "牵头单位", "配合单位"], strict=True
    ):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells,
        ["建成示范点", "2021年启动，2023年全覆盖", "区总工会", "区财政局"],
        strict=True,
    ):
        cell.text = text
    document.save(path)

    summary = import_json(runner, path)

    plan = db.session.get(Plan, summary["plan_id"])
    assert (plan.first_year, plan.last_year) == (2021, 2023)


def test_other_office_table_in_another_order_and_wording(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "district.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["某区2021—2025年改革任务清单"])
    sheet.merge_cells("A1:F1")
    sheet.append(
        ["序号", "责任单位（牵头）", "工作任务", "责任单位（配合）", "完成时限", "主要任务"]
    )
    sheet.append(
        [
            1,
            "区人社局",
            "每年培训技能人才",
            "区财政局、区总工会",
            "2021年起每年完成1000人以上",
            "（一）技能提升",
        ]
    )
    sheet.append(
        [2, None, "建设公共实训基地", "区教育局\n区财政局", "2022年完成50%，2023年全部完成", None]
    )
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("F3:F4")
    workbook.save(path)

    summary = import_json(runner, path)

    assert summary["tasks"] == 2 and summary["categories"] == 1
    plan = show_json(runner, summary["plan_id"])
    assert plan["period"] == [2021, 2025]
    tasks = plan["categories"][0]["measures"][0]["tasks"]
    assert [t["lead_units"] for t in tasks] == [["区人社局"], ["区人社局"]]
    assert tasks[1]["cooperating_units"] == ["区教育局", "区财政局"]
    assert tasks[0]["milestones"][0] == {
        "kind": "annual",
        "due": "2021-12-31",
        "comparator": ">=",
        "target": 1000.0,
        "unit": "人",
    }


def test_bad_table_exits_1_naming_row_and_column_and_changes_nothing(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    import_json(runner, CIXI_DOCX, "--period", "2019-2025")
    before = (count(Plan), count(Task), count(Unit))
    path = tmp_path / "broken.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["主要举措", "责任分解", "时间进度", "牵头单位", "配合单位"])
    sheet.append(["（一）新举措", "新任务", "2021年启动", "新单位甲", ""])
    sheet.append(["", "", "2022年完成", "新单位乙", ""])
    workbook.save(path)

    result = runner.invoke(args=["plan", "import", str(path), "--period", "2019-2025"])

    assert result.exit_code == 1
    assert (
        "broken.xlsx" in result.output and "第3行" in result.output and "责任分解" in result.output
    )
    assert (count(Plan), count(Task), count(Unit)) == before


def test_not_a_table_and_missing_period_are_refused(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("不是表格")
    not_table = runner.invoke(args=["plan", "import", str(text_file), "--period", "2019-2025"])
    no_period = runner.invoke(args=["plan", "import", str(CIXI_DOCX)])
    bad_period = runner.invoke(args=["plan", "import", str(CIXI_DOCX), "--period", "2025-2019"])

    assert not_table.exit_code == 1 and "notes.txt" in not_table.output
    assert no_period.exit_code == 1 and "--period" in no_period.output
    assert bad_period.exit_code == 2 and "YYYY-YYYY" in bad_period.output
    assert count(Plan) == 0


def test_at_a_terminal_the_guessed_period_is_shown_for_confirmation(
    runner: FlaskCliRunner, app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10 §3: with no period in the title, the years the schedules mention are
    offered; Enter takes them, another answer wins, nothing is taken silently."""
    monkeypatch.setattr(plan_cli, "on_terminal", lambda: True)
    taken = runner.invoke(args=["plan", "import", str(CIXI_DOCX), "--json"], input="\n")
    corrected = runner.invoke(args=["plan", "import", str(CIXI_XLSX)], input="2019-2025\n")

    assert taken.exit_code == 0 and corrected.exit_code == 0, taken.output
    assert "时间进度中写到的年份为 2018–2025" in taken.output  # the schedules name 2018
    periods = [(p.first_year, p.last_year) for p in db.session.scalars(sa.select(Plan))]
    assert sorted(periods) == [(2018, 2025), (2019, 2025)]


def test_show_unknown_plan_exits_1(runner: FlaskCliRunner, app_ctx: Flask) -> None:
    result = runner.invoke(args=["plan", "show", "999", "--json"])

    assert result.exit_code == 1 and "999" in result.output


def test_import_stores_the_working_day_calendar_of_the_plan_years(
    runner: FlaskCliRunner, app_ctx: Flask
) -> None:
    import_json(runner, CIXI_DOCX, "--period", "2019-2025")

    result = runner.invoke(
        args=["calendar", "workdays", "--from", "2020-09-28", "--to", "2020-10-12", "--json"]
    )

    # 28, 29, 30 September, 9 October, Saturday 10 October (调休) and 12 October.
    assert json.loads(result.output) == {"workdays": 6}


def test_a_zip_bomb_is_refused_before_parsing_and_nothing_is_imported(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """A .docx whose document.xml inflates to 256 MB (a real one grew the import to 21 GB)."""
    bomb = tmp_path / "方案.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(256):
                member.write(b"\0" * (1 << 20))
    started = time.perf_counter()
    result = runner.invoke(args=["plan", "import", str(bomb), "--period", "2019-2025"])
    assert time.perf_counter() - started < 2
    assert result.exit_code == 1
    assert "方案.docx" in result.output and "超过上限 100 MB" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 0


def test_the_configured_limits_reach_the_import(
    app: Flask, runner: FlaskCliRunner, set_settings: Callable[..., Settings]
) -> None:
    """``TRACKER_IMPORT_MAX_MEMBERS=3``: the Cixi .docx (more parts) is refused naming it."""
    set_settings("imports", import_max_members=3)
    result = runner.invoke(args=["plan", "import", str(CIXI_DOCX), "--period", "2019-2025"])
    assert result.exit_code == 1
    assert CIXI_DOCX.name in result.output and "超过上限 3 个" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 0
