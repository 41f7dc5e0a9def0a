"""`indicators import` / `indicators show`: the national rubric, a district's indicator-duty
table without points, an enterprise self-assessment form, and bad input that stores nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import openpyxl
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.paths import SEEDS
from tracker.extensions import db
from tracker.models import Unit
from tracker.models.assessment import Indicator, IndicatorSet, ScoringRule

RUBRIC = SEEDS / "national-assessment-rubric.docx"


def import_json(runner: FlaskCliRunner, path: Path, *extra: str) -> dict[str, Any]:
    result = runner.invoke(args=["indicators", "import", str(path), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def show_json(runner: FlaskCliRunner, set_id: int) -> dict[str, Any]:
    result = runner.invoke(args=["indicators", "show", str(set_id), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def level3(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for first in tree["indicators"]:
        for second in first["children"]:
            yield from second["children"]


def find(tree: dict[str, Any], name: str) -> dict[str, Any]:
    return next(node for node in level3(tree) if node["name"] == name)


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def stored() -> tuple[int, int, int, int]:
    return (count(IndicatorSet), count(Indicator), count(ScoringRule), count(Unit))


# ---------------------------------------------------------------------------
# the national rubric


def test_national_rubric_gives_88_indicators_worth_1000_points(
    runner: FlaskCliRunner, app_ctx: Flask
) -> None:
    summary = import_json(runner, RUBRIC)

    assert summary["indicators"] == {"level1": 7, "level2": 25, "level3": 88}
    assert summary["points"] == 1000
    assert summary["rules"] >= 290  # at least one rule per scoring line
    assert 0 <= summary["needs_review"] < summary["rules"]
    assert set(summary) == {
        "set_id",
        "indicators",
        "points",
        "rules",
        "needs_review",
        "items",
        "bonus_items",
        "differences",
    }
    assert summary["items"] == 88 and summary["differences"] == []
    indicator_set = db.session.get(IndicatorSet, summary["set_id"])
    assert indicator_set is not None
    assert indicator_set.name == "省级单位产业工人队伍建设改革工作评价考核评分表"
    assert indicator_set.source_filename == "national-assessment-rubric.docx"


def test_rubric_tree_has_points_per_level_and_inspection(
    runner: FlaskCliRunner, app_ctx: Flask
) -> None:
    tree = show_json(runner, import_json(runner, RUBRIC)["set_id"])

    assert tree["points"] == 1000
    assert [node["name"] for node in tree["indicators"]][:2] == ["一、组织领导", "二、思想引领"]
    assert sum(node["points"] for node in tree["indicators"]) == 1000
    first = tree["indicators"][0]
    assert first["points"] == sum(child["points"] for child in first["children"])
    plan = find(tree, "纳入当地国民经济和社会发展规划")
    assert plan["points"] == 15 and plan["code"] == "1"
    assert plan["key_points"] == "纳入当地国民经济和社会发展“十四五”规划"
    assert plan["inspection"][0] == "1.查看“十四五”规划中涉及产改部分。"
    assert [rule["kind"] for rule in plan["rules"]][:2] == ["deduct_fixed", "deduct_per"]
    assert len(list(level3(tree))) == 88


def test_rubric_scoring_lines_are_rules_with_their_source(
    runner: FlaskCliRunner, app_ctx: Flask
) -> None:
    tree = show_json(runner, import_json(runner, RUBRIC)["set_id"])

    special = find(tree, "产改专项规划")
    kinds = {(rule["kind"], rule["points"], rule["cap"]) for rule in special["rules"]}
    assert ("deduct_fixed", 8, None) in kinds
    assert ("deduct_per", 0.5, 7) in kinds
    assert all(rule["source"] and "id" in rule for rule in special["rules"])

    awards = find(tree, "科技创新表彰奖项")
    assert awards["points"] == 10
    by_kind = {rule["kind"]: rule for rule in awards["rules"]}
    assert by_kind["base"]["points"] == 4
    assert by_kind["cap"]["cap"] == 4
    bonuses = [rule["points"] for rule in awards["rules"] if rule["kind"] == "bonus_per"]
    assert bonuses == [1, 0.5]
    assert by_kind["bonus_fixed"]["points"] == 2
    assert by_kind["base"]["source"] == "基础分为4分。"


def test_rubric_units_are_split(runner: FlaskCliRunner, app_ctx: Flask) -> None:
    tree = show_json(runner, import_json(runner, RUBRIC)["set_id"])

    assert set(find(tree, "科技创新表彰奖项")["units"]) == {"省级产改领导机构", "相关部门"}
    assert find(tree, "产改专项规划")["units"] == ["省级产改领导机构"]
    assert count(Unit) >= 2


# ---------------------------------------------------------------------------
# other shapes


def district_duty_table(path: Path) -> Path:
    """一级/二级/三级指标 + 责任单位, merged level-1/2 cells, no points anywhere."""
    document = docx.Document()
    document.add_paragraph("附件1")
    document.add_paragraph("某区产业工人队伍建设改革指标责任分工表")
    rows = [
        ("一级指标", "二级指标", "三级指标", "责任单位"),
        ("组织领导", "顶层设计", "纳入区发展规划", "区发改局、区总工会"),
        ("", "", "出台区级实施方案", "区总工会"),
        ("", "经费保障", "设立产改专项经费", "区财政局\n区人社局"),
        ("素质提升", "技能提升", "开展职业技能竞赛", "区人社局（区职业技能鉴定中心）"),
    ]
    table = document.add_table(rows=len(rows), cols=4)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(3, 0)).text = "组织领导"
    table.cell(1, 1).merge(table.cell(2, 1)).text = "顶层设计"
    document.save(path)
    return path


def test_district_duty_table_without_points(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    summary = import_json(runner, district_duty_table(tmp_path / "duty.docx"), "--name", "区表")

    assert summary["indicators"] == {"level1": 2, "level2": 3, "level3": 4}
    assert summary["points"] == 0 and summary["rules"] == 0 and summary["needs_review"] == 0
    tree = show_json(runner, summary["set_id"])
    assert tree["name"] == "区表"
    assert all(node["points"] is None for node in level3(tree))
    assert tree["indicators"][0]["points"] is None
    assert set(find(tree, "纳入区发展规划")["units"]) == {"区发改局", "区总工会"}
    assert set(find(tree, "设立产改专项经费")["units"]) == {"区财政局", "区人社局"}
    assert find(tree, "开展职业技能竞赛")["units"] == ["区人社局"]
    assert [n["name"] for n in tree["indicators"][0]["children"]] == ["顶层设计", "经费保障"]


def enterprise_form(path: Path) -> Path:
    """A 100-point self-assessment form: 序号, its own 分值 column, bonus items."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["某企业产改工作自评表（100分）"])
    sheet.merge_cells("A1:G1")
    sheet.append(["序号", "一级指标", "二级指标", "三级指标", "分值", "评分标准", "自评得分"])
    data = [
        (1, "组织领导（30分）", "机构建设", "成立产改领导小组", 10, "未成立的扣10分。"),
        (2, "", "", "制定年度计划", 20, "未制定的扣5分。"),
        (2, "", "", "制定年度计划", 20, "计划每缺一项内容扣1分，总扣分不超过5分。"),
        (3, "素质提升", "技能培训", "职工培训覆盖率", 40, "覆盖率每低于目标1个百分点扣1分。"),
        (4, "", "工匠培养", "选树企业工匠", "30分", "未选树的扣10分。"),
        (5, "加分项", "创新成果", "获得省级以上奖项", None, "每1项加1分，累计加分不超过5分。"),
    ]
    for row in data:
        sheet.append([*row, None])
    sheet.merge_cells("B3:B5")
    sheet.merge_cells("C3:C5")
    workbook.save(path)
    return path


def test_enterprise_self_assessment_form_with_points_column(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    summary = import_json(runner, enterprise_form(tmp_path / "self.xlsx"))

    assert summary["indicators"] == {"level1": 3, "level2": 4, "level3": 5}
    assert summary["points"] == 100
    assert summary["rules"] >= 6
    tree = show_json(runner, summary["set_id"])
    assert tree["name"] == "某企业产改工作自评表（100分）"
    leadership, quality, bonus = tree["indicators"]
    assert (leadership["name"], leadership["points"]) == ("组织领导", 30)
    assert (quality["name"], quality["points"]) == ("素质提升", 70)
    assert bonus["points"] is None
    plan = find(tree, "制定年度计划")
    assert plan["points"] == 20 and plan["code"] == "2" and len(plan["rules"]) >= 2
    extra = find(tree, "获得省级以上奖项")
    assert extra["points"] is None
    assert {rule["kind"] for rule in extra["rules"]} >= {"bonus_per"}


# ---------------------------------------------------------------------------
# bad input


def test_not_a_table_and_no_header_exit_1_and_store_nothing(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("不是表格")
    fake = tmp_path / "fake.docx"
    fake.write_text("不是 Word 文档")
    no_header = tmp_path / "plain.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["名称", "说明"])
    workbook.active.append(["甲", "乙"])
    workbook.save(no_header)

    results = [
        runner.invoke(args=["indicators", "import", str(path), "--json"])
        for path in (text_file, fake, no_header)
    ]

    assert [result.exit_code for result in results] == [1, 1, 1]
    assert "notes.txt" in results[0].output
    assert "fake.docx" in results[1].output
    assert "plain.xlsx" in results[2].output and "表头" in results[2].output
    assert stored() == (0, 0, 0, 0)


def test_bad_row_exits_1_naming_the_row_and_keeps_earlier_imports(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    import_json(runner, district_duty_table(tmp_path / "duty.docx"))
    before = stored()
    path = tmp_path / "broken.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["一级指标", "二级指标", "三级指标", "评分要点", "考核对象"])
    sheet.append(["新一级", "新二级", "新指标", "未完成的扣2分。", "新单位甲"])
    sheet.append(["", "", "", "每少一项扣1分。", "新单位乙"])
    workbook.save(path)

    result = runner.invoke(args=["indicators", "import", str(path)])

    assert result.exit_code == 1
    assert "broken.xlsx" in result.output and "第3行" in result.output
    assert "三级指标" in result.output
    assert stored() == before


def test_bad_points_value_names_row_and_column(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "points.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["一级指标", "二级指标", "三级指标", "分值"])
    sheet.append(["甲", "乙", "丙", "十分"])
    workbook.save(path)

    result = runner.invoke(args=["indicators", "import", str(path)])

    assert result.exit_code == 1
    assert "第2行" in result.output and "分值" in result.output
    assert stored() == (0, 0, 0, 0)


def test_show_unknown_set_exits_1(runner: FlaskCliRunner, app_ctx: Flask) -> None:
    result = runner.invoke(args=["indicators", "show", "999", "--json"])

    assert result.exit_code == 1 and "999" in result.output


def test_plain_output_summarises(runner: FlaskCliRunner, app_ctx: Flask) -> None:
    result = runner.invoke(args=["indicators", "import", str(RUBRIC)])

    assert result.exit_code == 0, result.output
    assert "三级指标 88 个" in result.output and "1000 分" in result.output
