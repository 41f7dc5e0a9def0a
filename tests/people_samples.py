"""Generated files of issue 11 §3–§5: a provincial list of 100 ledger enterprises and an
enterprise self-assessment form of two levels (28 items, 100 points, 加分项)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

CITIES = ("杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "台州市")
INDUSTRIES = ("制造业", "建筑业", "交通运输业", "信息技术服务业")

#: (一级指标 with its points, [(二级指标, points) …]) of the generated form: 28 items.
FORM_GROUPS: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    ("组织领导", (("成立产改工作领导小组情况", 5), ("制定年度产改工作计划情况", 5))),
    ("思想引领", tuple((f"开展思想政治教育情况{i}", 5) for i in range(1, 4))),
    ("建功立业", tuple((f"开展劳动和技能竞赛情况{i}", 5) for i in range(1, 5))),
    ("素质提升", tuple((f"开展职工技能培训情况{i}", 4) for i in range(1, 6))),
    ("权益保障", tuple((f"落实职工权益保障情况{i}", 3 if i <= 4 else 2) for i in range(1, 9))),
    ("队伍建设", tuple((f"加强产业工人队伍建设情况{i}", 3 if i <= 3 else 2) for i in range(1, 7))),
)
BONUS_ITEMS = (("获得省级以上荣誉情况", 3), ("形成可复制推广经验情况", 2))


def enterprise_list(path: Path, count: int = 100) -> Path:
    """序号 / 企业名称 / 地市 / 行业 / 联系人 / 电话, ``count`` enterprises."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["浙江省产改台账企业名单"])
    sheet.append(["序号", "企业名称", "地市", "行业", "联系人", "电话"])
    for number in range(1, count + 1):
        sheet.append(
            [
                number,
                f"浙江示例{number:03d}制造有限公司",
                CITIES[number % len(CITIES)],
                INDUSTRIES[number % len(INDUSTRIES)],
                f"联系人{number}",
                f"0571-8800{number:04d}",
            ]
        )
    workbook.save(path)
    return path


def enterprise_form(path: Path, *, wrong_group: bool = False) -> Path:
    """The two-level self-assessment form: 序号 / 一级指标 "组织领导 (10分)" / 二级指标
    "…情况（5分）" / 自评情况（每项100字左右） / 评分, the 一级指标 cells merged, and 加分项.
    ``wrong_group`` writes 组织领导 as 12 points (its items add up to 10)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["企业产业工人队伍建设改革自评表"])
    sheet.append(["序号", "一级指标", "二级指标", "自评情况（每项100字左右）", "评分"])
    number = 0
    groups = [*FORM_GROUPS, ("加分项", BONUS_ITEMS)]
    for index, (name, items) in enumerate(groups):
        total = sum(points for _, points in items)
        if wrong_group and index == 0:
            total += 2
        label = f"{name} ({total}分)" if name != "加分项" else "加分项（最高5分）"
        first = sheet.max_row + 1
        for item, points in items:
            number += 1
            sheet.append(
                [
                    number,
                    label if sheet.max_row + 1 == first else None,
                    f"{item}（{points}分）",
                    None,
                    None,
                ]
            )
        if len(items) > 1:
            sheet.merge_cells(start_row=first, start_column=2, end_row=sheet.max_row, end_column=2)
    workbook.save(path)
    return path
