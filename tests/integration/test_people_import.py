"""Units and users from Excel (issue 11 §3) and the enterprise self-assessment form (§4):
``units import`` / ``users import`` print ``{"created", "updated", "unchanged"}``, all or
nothing, errors naming the row and column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.people_samples import enterprise_form, enterprise_list
from tracker.extensions import db
from tracker.models import Indicator, Unit, User


def invoke_json(runner: FlaskCliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(args=[*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_enterprise_list_creates_100_units(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    path = enterprise_list(tmp_path / "enterprises.xlsx")
    first = invoke_json(runner, "units", "import", str(path), "--kind", "企业")
    again = invoke_json(runner, "units", "import", str(path), "--kind", "企业")

    assert first == {"created": 100, "updated": 0, "unchanged": 0}
    assert again == {"created": 0, "updated": 0, "unchanged": 100}
    kinds = db.session.scalars(sa.select(Unit.kind).distinct()).all()
    assert kinds == ["enterprise"]
    unit = db.session.scalars(sa.select(Unit).where(Unit.name.like("%001%"))).one()
    assert json.loads(unit.details)["地市"] == "宁波市"


def test_a_bad_row_stores_nothing_and_names_row_and_column(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["序号", "单位名称", "类型"])
    sheet.append([1, "市人社局", "部门"])
    sheet.append([2, "某镇", "乡镇府"])
    workbook.save(tmp_path / "bad.xlsx")
    result = runner.invoke(args=["units", "import", str(tmp_path / "bad.xlsx"), "--json"])

    assert result.exit_code == 1
    assert "第3行「类型」列" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0


def test_users_import_creates_and_updates(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    db.session.add(Unit(name="市人社局"))
    db.session.commit()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["用户名", "姓名", "角色", "单位", "邮箱"])
    sheet.append(["zhang", "张三", "单位填报员", "市人社局", "zhang@example.org"])
    sheet.append(["li", "李四", "分管领导", "", ""])
    workbook.save(tmp_path / "users.xlsx")
    first = invoke_json(runner, "users", "import", str(tmp_path / "users.xlsx"))
    sheet["B2"] = "张三丰"
    workbook.save(tmp_path / "users.xlsx")
    again = invoke_json(runner, "users", "import", str(tmp_path / "users.xlsx"))

    assert {k: first[k] for k in ("created", "updated", "unchanged")} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert set(first["passwords"]) == {"zhang", "li"}
    assert again == {"created": 0, "updated": 1, "unchanged": 1}
    zhang = db.session.scalars(sa.select(User).where(User.username == "zhang")).one()
    assert zhang.must_change_password and zhang.display_name == "张三丰"


def test_the_enterprise_form_imports_as_28_items_worth_100_points(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    summary = invoke_json(runner, "indicators", "import", str(enterprise_form(tmp_path / "f.xlsx")))

    assert summary["items"] == 28 and summary["points"] == 100
    assert summary["bonus_items"] == 2 and summary["differences"] == []
    assert summary["indicators"]["level1"] == 7 and summary["indicators"]["level2"] == 0
    leaves = db.session.scalars(sa.select(Indicator).where(Indicator.level == 3)).all()
    first = min(leaves, key=lambda i: i.id)
    assert (first.name, first.points) == ("成立产改工作领导小组情况", 5)
    assert first.parent is not None and (first.parent.name, first.parent.points) == ("组织领导", 10)


def test_group_points_are_checked_against_their_items(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    path = enterprise_form(tmp_path / "f.xlsx", wrong_group=True)
    summary = invoke_json(runner, "indicators", "import", str(path))

    assert summary["differences"] == ["「组织领导」标明 12 分，所含指标合计 10 分"]
