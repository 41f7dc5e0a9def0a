"""Scoring rules (tracker.domain.scoring): the rule forms of the national rubric
(shared/documents: 全国产业工人队伍建设改革评价考核评分表, its 评分要点 lines), DESIGN §6."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.paths import SHARED_DOCUMENTS
from tracker.domain.scoring import (
    DEFAULT_GRADES,
    IndicatorScore,
    RuleEvent,
    RuleKind,
    RuleSpec,
    grade,
    max_score,
    parse_rule,
    score_indicator,
)

RUBRIC_TEXT = SHARED_DOCUMENTS / "000_417594aa989379d9.txt"

# 产改专项规划（15分）
PLAN_LINE_1 = (
    "未编制专项规划的扣8分，未编制专项规划但研究出台推进产改计划、方案等其它类文件的扣2分。"
)
PLAN_LINE_2 = "规划未落实5个方面25个举措的每少一项扣0.5分，总扣分不超过7分。"
# 科技创新表彰奖项（10分）
AWARD_BASE = "基础分为4分。"
AWARD_BONUS = (
    "产业工人获得国家级科技奖项一等奖的每1项加1分，二等奖及以下每两项加1分，累计加分不超过4分。"
)
AWARD_FIXED = "组织过省级表彰奖励的得2分，未组织过的不得分。"
FLOOR_LINE = "说明：扣完对应考核要点分值为止，下同。"
PARTS_LINE = "未召开领导机构协调会议、联络员会议、工作任务推进会分别扣2分。"


def rules_of(*lines: str) -> list[RuleSpec]:
    return [rule for line in lines for rule in parse_rule(line)]


def kinds(rules: list[RuleSpec]) -> list[RuleKind]:
    return [rule.kind for rule in rules]


def rubric_scoring_lines() -> list[str]:
    """The 评分要点 cells of the rubric's text extraction (column 7 of each table row)."""
    text = RUBRIC_TEXT.read_text(encoding="utf-8")
    lines, in_block = [], False
    for chunk in text.split("\n\n"):
        cells = re.split(r"(?:^|\n)\t", chunk)[1:]
        if len(cells) < 7:
            continue
        label = cells[5].strip()
        if label:
            in_block = label == "评分要点"
        if in_block and cells[6].strip():
            lines.append(cells[6].strip())
    return lines


# ------------------------------------------------------------------ parsing: rubric lines


def test_fixed_deductions_two_in_one_line():
    rules = parse_rule(PLAN_LINE_1)
    assert kinds(rules) == [RuleKind.DEDUCT_FIXED, RuleKind.DEDUCT_FIXED]
    assert [r.points for r in rules] == [8.0, 2.0]
    assert rules[0].condition == "未编制专项规划"
    assert all(r.source == PLAN_LINE_1 for r in rules)


def test_per_occurrence_with_total_cap():
    (rule,) = parse_rule(PLAN_LINE_2)
    assert rule.kind is RuleKind.DEDUCT_PER
    assert (rule.points, rule.cap) == (0.5, 7.0)
    assert rule.source == PLAN_LINE_2


@pytest.mark.parametrize(
    ("line", "points"),
    [
        ("规划涵盖5个方面举措不全的每少一个方面扣1分。", 1.0),
        ("未列入相关部门工作要点的每一个部门扣1分。", 1.0),
        ("企业未能落实本企业制定的推进改革文件中的相关改革举措的每1个扣1分。", 1.0),
        ("未落实要点内容的每一处扣1分。", 1.0),
    ],
)
def test_per_occurrence_forms(line, points):
    (rule,) = parse_rule(line)
    assert rule.kind is RuleKind.DEDUCT_PER
    assert rule.points == points
    assert rule.cap is None


def test_per_year_is_not_per_occurrence():
    (rule,) = parse_rule("未按要求每年举办一期培训班的扣2分。")
    assert (rule.kind, rule.points) == (RuleKind.DEDUCT_FIXED, 2.0)


def test_named_parts():
    (rule,) = parse_rule(PARTS_LINE)
    assert rule.kind is RuleKind.DEDUCT_PARTS
    assert rule.points == 2.0
    assert rule.parts[1:] == ("联络员会议", "工作任务推进会")
    assert len(rule.parts) == 3


def test_named_parts_with_different_amounts_split_per_part():
    rules = parse_rule("未按相关法规要求配备企业工会主席、专职工会副主席的分别扣3分、2分。")
    assert kinds(rules) == [RuleKind.DEDUCT_FIXED, RuleKind.DEDUCT_FIXED]
    assert [r.points for r in rules] == [3.0, 2.0]


def test_parts_inherited_by_the_next_rule_of_the_line():
    line = (
        "未推动完善工资平等协商机制、正常增长机制、支付保障机制的分别扣2分，未推动落实的分别扣2分。"
    )
    first, second = parse_rule(line)
    assert first.kind is second.kind is RuleKind.DEDUCT_PARTS
    assert second.parts == first.parts and len(first.parts) == 3


def test_base_bonus_with_joint_cap_and_earned_points():
    assert kinds(parse_rule(AWARD_BASE)) == [RuleKind.BASE]
    assert parse_rule(AWARD_BASE)[0].points == 4.0
    first, second, cap = parse_rule(AWARD_BONUS)
    assert (first.kind, first.points) == (RuleKind.BONUS_PER, 1.0)
    assert (second.kind, second.points) == (RuleKind.BONUS_PER, 0.5)  # 每两项加1分
    assert (cap.kind, cap.cap, cap.limits_bonus) == (RuleKind.CAP, 4.0, True)
    earned, note = parse_rule(AWARD_FIXED)
    assert (earned.kind, earned.points) == (RuleKind.BONUS_FIXED, 2.0)
    assert note.kind is RuleKind.NOTE


def test_single_bonus_cap_attaches_to_the_rule():
    rules = parse_rule(
        "在全国层面进行经验交流的每一次加2分，累计加分不超过4分，未在全国层面进行经验交流不加分。"
    )
    assert kinds(rules) == [RuleKind.BONUS_PER, RuleKind.NOTE]
    assert (rules[0].points, rules[0].cap) == (2.0, 4.0)


def test_open_bonus_needs_review():
    (rule,) = parse_rule(
        "根据产业工人取得专利等知识产权的人次、数量等情况进行加分，累计加分不超过6分。"
    )
    assert (rule.kind, rule.points, rule.cap) == (RuleKind.BONUS_PER, None, 6.0)
    assert rule.needs_review and rule.reason


@pytest.mark.parametrize("line", [FLOOR_LINE, "扣完对应考核要点分值为止。"])
def test_floor(line):
    assert kinds(parse_rule(line)) == [RuleKind.FLOOR]


@pytest.mark.parametrize(("line", "cap"), [("总扣分不超过7分。", 7.0), ("扣分不超过3分", 3.0)])
def test_standalone_cap_is_indicator_wide(line, cap):
    (rule,) = parse_rule(line)
    assert (rule.kind, rule.cap, rule.limits_bonus) == (RuleKind.CAP, cap, False)


@pytest.mark.parametrize("line", ["由考核组综合评定。", "", "视工作开展情况酌情扣分。"])
def test_unreadable_lines_are_text(line):
    rules = parse_rule(line)
    assert rules[-1].kind is RuleKind.TEXT
    assert rules[-1].needs_review and rules[-1].reason
    assert rules[-1].source == line.strip()


def test_to_json_round_trip():
    for rule in rules_of(PLAN_LINE_2, PARTS_LINE, AWARD_BONUS):
        data = rule.to_json()
        assert data["kind"] == rule.kind.value and isinstance(data["parts"], list)
        assert RuleSpec.from_json(data) == rule


@pytest.mark.skipif(not RUBRIC_TEXT.exists(), reason="rubric text extraction not present")
def test_every_rubric_scoring_line_parses():
    lines = rubric_scoring_lines()
    assert len(lines) >= 150
    read = [line for line in lines if all(r.kind is not RuleKind.TEXT for r in parse_rule(line))]
    share = len(read) / len(lines)
    print(f"rubric 评分要点 lines read as rules: {len(read)}/{len(lines)} = {share:.1%}")
    assert share >= 0.8
    for line in lines:
        assert all(rule.source == line for rule in parse_rule(line))
    assert PLAN_LINE_2.rstrip("。") in "".join(lines)
    assert AWARD_BONUS in lines


# ------------------------------------------------------------------ scoring


def test_plan_indicator_8_then_half_points_capped_at_7():
    rules = rules_of(PLAN_LINE_1, PLAN_LINE_2)  # 0: 扣8, 1: 扣2, 2: 每少一项0.5 ≤7
    result = score_indicator(15, rules, [RuleEvent(2, count=4)])
    assert (result.score, result.max_score) == (13.0, 15.0)
    assert result.deductions[0].points == -2.0
    assert result.deductions[0].source == PLAN_LINE_2
    result = score_indicator(15, rules, [RuleEvent(0), RuleEvent(2, count=25)])
    assert [d.points for d in result.deductions] == [-8.0, -7.0]
    assert result.score == 0.0
    assert "不超过7分" in result.deductions[1].note


def test_awards_indicator_base_bonus_cap_and_earned_points():
    rules = rules_of(AWARD_BASE, AWARD_BONUS, AWARD_FIXED)  # 0 base,1,2 bonus,3 cap,4 得2,5 note
    assert max_score(10, rules) == 10.0
    assert score_indicator(10, rules, []).score == 4.0
    result = score_indicator(10, rules, [RuleEvent(1, count=2), RuleEvent(2, count=2)])
    assert result.score == 7.0
    result = score_indicator(
        10, rules, [RuleEvent(1, count=3), RuleEvent(2, count=4), RuleEvent(4)]
    )
    assert result.score == 10.0  # 4 + min(3 + 2, 4) + 2
    assert sum(b.points for b in result.bonuses) == 6.0
    assert all(b.source for b in result.bonuses)


def test_floor_never_below_zero():
    rules = rules_of(
        "未纳入当地“十四五”规划扣10分。", "规划涵盖5个方面举措不全的每少一个方面扣1分。"
    )
    result = score_indicator(10, rules, [RuleEvent(0), RuleEvent(1, count=5)])
    assert result.score == 0.0
    assert [d.points for d in result.deductions] == [-10.0, 0.0]
    assert "扣完" in result.deductions[-1].note


def test_bonus_cap_without_base_lifts_max():
    rules = rules_of(
        "未研究部署开展劳动和技能竞赛的扣3分。", "承办国家级竞赛的每1项加2分，累计加分不超过4分。"
    )
    assert max_score(15, rules) == 19.0
    result = score_indicator(15, rules, [RuleEvent(1, count=5)])
    assert result.score == 19.0
    assert [b.points for b in result.bonuses] == [4.0]


def test_part_deductions_with_cap():
    rules = [*parse_rule(PARTS_LINE), *parse_rule("扣分不超过3分")]
    result = score_indicator(10, rules, [RuleEvent(0, count=3)])
    assert result.score == 7.0
    result = score_indicator(10, rules, [RuleEvent(0, count=9)])  # at most the 3 parts, cap 3
    assert result.score == 7.0
    assert score_indicator(10, rules[:1], [RuleEvent(0, count=9)]).score == 4.0


def test_text_rule_scored_by_an_explicit_override():
    rules = parse_rule("由考核组综合评定。")
    assert score_indicator(10, rules, [RuleEvent(0)]).score == 10.0
    result = score_indicator(10, rules, [RuleEvent(0, points=-3.5, note="考核组评定")])
    assert result.score == 6.5
    assert result.deductions[0].note == "考核组评定"


def test_override_replaces_computed_amount_and_is_clamped():
    rules = rules_of(PLAN_LINE_1)
    assert score_indicator(15, rules, [RuleEvent(0, points=-5)]).score == 10.0
    assert score_indicator(15, rules, [RuleEvent(0, points=-50)]).score == 0.0
    assert score_indicator(15, rules, [RuleEvent(0, points=5)]).score == 15.0


def test_unknown_rule_index_is_an_error():
    with pytest.raises(ValueError):
        score_indicator(10, [], [RuleEvent(0)])


@pytest.mark.parametrize(
    ("total", "maximum", "expected"),
    [
        (900, 1000, "优秀"),
        (899.9, 1000, "良好"),
        (800, 1000, "良好"),
        (600, 1000, "合格"),
        (599, 1000, "不合格"),
        (0, 0, "不合格"),
    ],
)
def test_grade_default_thresholds(total, maximum, expected):
    assert grade(total, maximum) == expected


def test_grade_custom_thresholds_in_percent():
    assert grade(85, 100, {"优秀": 85, "良好": 70, "合格": 50}) == "优秀"
    assert DEFAULT_GRADES["优秀"] == 0.9


# ------------------------------------------------------------------ property

_amount = st.floats(min_value=0, max_value=30, allow_nan=False).map(lambda x: round(x, 2))
_opt = st.none() | _amount
_rule = st.builds(
    RuleSpec,
    kind=st.sampled_from(list(RuleKind)),
    points=_opt,
    cap=_opt,
    parts=st.lists(st.sampled_from(["甲", "乙", "丙"]), max_size=3).map(tuple),
    condition=st.sampled_from(["", "累计加分不超过", "总扣分"]),
    source=st.sampled_from(["", "行一", "行二"]),
)


@st.composite
def _case(draw):
    rules = draw(st.lists(_rule, min_size=1, max_size=8))
    events = draw(
        st.lists(
            st.builds(
                RuleEvent,
                rule_index=st.integers(0, len(rules) - 1),
                count=st.floats(min_value=-2, max_value=40, allow_nan=False),
                points=st.none() | st.floats(min_value=-40, max_value=40, allow_nan=False),
            ),
            max_size=12,
        )
    )
    return draw(_amount), rules, events


@settings(max_examples=300, deadline=None)
@given(_case())
def test_score_always_between_zero_and_max(case):
    points, rules, events = case
    result = score_indicator(points, rules, events)
    assert isinstance(result, IndicatorScore)
    assert 0.0 <= result.score <= result.max_score + 1e-9
    assert result.max_score >= points - 1e-9
    assert all(d.points <= 0 for d in result.deductions)
    assert all(b.points >= 0 for b in result.bonuses)
    start = (
        points if not result.bonuses and not any(r.kind is RuleKind.BASE for r in rules) else None
    )
    if start is not None:
        total = start + sum(line.points for line in (*result.deductions, *result.bonuses))
        assert abs(total - result.score) < 1e-6


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parse_rule_never_raises(line):
    rules = parse_rule(line)
    assert rules and all(isinstance(r, RuleSpec) for r in rules)
