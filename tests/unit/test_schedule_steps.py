"""Numbered steps and labels inside a schedule cell (issue 11 §1), and task identity
across a plan's revisions."""

from __future__ import annotations

import pytest

from tracker.domain.schedule import parse_schedule
from tracker.domain.schedule.steps import strip_steps
from tracker.io.tables import PlanRow
from tracker.models import Task
from tracker.services.plan_revision import match_tasks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.4月底前完成摸底；2.6月底前出台方案", "4月底前完成摸底；；6月底前出台方案"),
        ("1.4月底前完成摸底", "4月底前完成摸底"),
        ("1.4月底前完成摸底2.6月底前出台方案", "4月底前完成摸底；6月底前出台方案"),
        ("（1）2020年启动；（2）2021年完成", "2020年启动；；2021年完成"),
        ("实施计划：2021年培训5000人", "2021年培训5000人"),
        ("1.5倍以上", "1.5倍以上"),
        ("完成2.5万人培训", "完成2.5万人培训"),
        ("2019年达到20%，2020年达到35%", "2019年达到20%，2020年达到35%"),
        ("2.4月底前完成", "2.4月底前完成"),  # a lone "2." is no step of a list
    ],
)
def test_steps_and_labels_are_split_off(text: str, expected: str) -> None:
    assert strip_steps(text) == expected


def test_step_one_is_not_the_number_one_point_four() -> None:
    parsed = parse_schedule(strip_steps("1.4月底前完成选址；2.9月底前建成"), "建驿站", (2021, 2021))
    assert [m.due.isoformat() for m in parsed.milestones] == ["2021-04-30", "2021-09-30"]


def _row(text: str) -> PlanRow:
    return PlanRow(1, "", "", text, "", (), ())


def test_identity_by_text_then_similarity_not_by_position() -> None:
    old = [
        Task(id=1, text="建立区域党群服务中心"),
        Task(id=2, text="做好产业工人中技术能手的党员发展工作"),
        Task(id=3, text="开展职工技能竞赛"),
    ]
    rows = [
        _row("新增：开展新就业形态劳动者建会入会"),  # inserted first: shifts every number
        _row("建立区域党群服务中心"),
        _row("做好产业工人中技术能手、青年专家的党员发展工作"),  # reworded
    ]
    assert match_tasks(old, rows) == {1: 1, 2: 2}  # task 3 removed, row 0 added
