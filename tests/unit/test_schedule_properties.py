"""Property: any text gives a ParsedSchedule with sensible dates, or ScheduleParseError."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.milestones import COMPARATORS, MilestoneKind, ParsedSchedule, ScheduleParseError
from tracker.domain.schedule import MAX_YEAR, MIN_YEAR, parse_schedule

GRAMMAR_TOKENS = [
    *"0123456789",
    "2019",
    "2025",
    "2018",
    "1899",
    "9999",
    "0000",
    "年",
    "月",
    "底",
    "前",
    "起",
    "内",
    "到",
    "至",
    "%",
    "％",
    "倍",
    "万",
    "亿",
    "人",
    "名",
    "家",
    "元",
    "次",
    "场次",
    "个百分点",
    ".",
    "、",
    "，",
    ",",
    "；",
    "。",
    "-",
    "～",
    " ",
    "每年",
    "每季度",
    "每月",
    "每两年",
    "逐年",
    "递增",
    "提高",
    "下降",
    "以上",
    "以内",
    "不低于",
    "不少于",
    "不超过",
    "超过",
    "达到",
    "控制在",
    "保持",
    "全覆盖",
    "全部完成",
    "所有",
    "全面实施",
    "启动",
    "完成",
    "并",
    "常态化推进",
    "长期坚持",
    "分别",
    "以",
    "为基数",
    "上年度",
    "上半年",
    "第三季度",
    "三",
    "十",
    "一次",
    "左右",
    "分别",
    "、",
    "11月底前",
    "年底前",
    "较2020年",
    "每季度末报告",
    "5G",
    "到",
]

grammar_text = st.lists(st.sampled_from(GRAMMAR_TOKENS), max_size=24).map("".join)
any_text = st.text(max_size=40)
periods = st.tuples(st.integers(MIN_YEAR, MAX_YEAR), st.integers(0, 12)).map(
    lambda start_and_length: (
        start_and_length[0],
        min(start_and_length[0] + start_and_length[1], MAX_YEAR),
    )
)
odd_periods = st.tuples(st.integers(-5, 10_000), st.integers(-5, 10_000))


@settings(max_examples=300, deadline=None)
@given(
    schedule=st.one_of(grammar_text, any_text),
    task=st.one_of(grammar_text, any_text),
    period=st.one_of(periods, periods, odd_periods),
)
def test_any_text_parses_to_sensible_milestones_or_raises_schedule_parse_error(
    schedule: str, task: str, period: tuple[int, int]
) -> None:
    try:
        parsed = parse_schedule(schedule, task, period)
    except ScheduleParseError as error:
        assert error.reason
        return

    assert isinstance(parsed, ParsedSchedule)
    assert parsed.needs_review == bool(parsed.reasons)
    assert list(parsed.milestones) == sorted(parsed.milestones, key=lambda m: m.due)
    first_year, last_year = period
    for milestone in parsed.milestones:
        assert date(MIN_YEAR, 1, 1) <= milestone.due <= date(MAX_YEAR, 12, 31)
        assert milestone.start is None or milestone.start <= milestone.due
        assert milestone.comparator is None or milestone.comparator in COMPARATORS
        if milestone.kind in (MilestoneKind.STAGE, MilestoneKind.ONGOING):
            assert milestone.comparator is None
        else:
            assert isinstance(milestone.target, float)
        if not parsed.needs_review:
            assert first_year <= milestone.due.year <= last_year


# Numbers that are scope ("46个重点城市", "5G", "0-3岁", "15分钟生活圈", issue 10) use numbers
# that no other token uses, so a target equal to one of them can only come from the scope.
SCOPE_TOKENS = [
    "在46个重点城市",
    "5G",
    "4G网络",
    "0-3岁婴幼儿",
    "60岁以上老年人",
    "15分钟生活圈",
    "PM2.5",
    "328国道",
    "9大工程",
    "数字政府2.0",
    "10千伏线路",
]
SCOPE_NUMBERS = {46.0, 5.0, 4.0, 0.0, 3.0, 60.0, 15.0, 2.5, 328.0, 9.0, 2.0, 10.0}
TARGET_TOKENS = [
    "2021年",
    "2023年",
    "到2024年",
    "2022年和2024年",
    "分别",
    "达到",
    "不低于",
    "以上",
    "以内",
    "控制在",
    "左右",
    "每年",
    "新建",
    "覆盖率",
    "全覆盖",
    "启动",
    "基本建成",
    "常态化推进",
    "增长",
    "70%",
    "80%",
    "30个",
    "1.5万人",
    "200公里",
    "和",
    "、",
    "，",
    "；",
]
scope_text = st.lists(
    st.sampled_from(TARGET_TOKENS + SCOPE_TOKENS + SCOPE_TOKENS), min_size=1, max_size=16
).map("".join)


@settings(max_examples=300, deadline=None)
@given(schedule=scope_text, period=st.sampled_from([(2021, 2025), (2024, 2024)]))
def test_a_reading_without_a_flag_never_has_a_number_that_is_scope(
    schedule: str, period: tuple[int, int]
) -> None:
    parsed = parse_schedule(schedule, "", period)

    if not parsed.needs_review:
        for milestone in parsed.milestones:
            if milestone.kind is MilestoneKind.GROWTH:
                continue  # a factor such as 1.7, not a number of the text
            assert milestone.target not in SCOPE_NUMBERS, (schedule, milestone)
            assert milestone.upper not in SCOPE_NUMBERS, (schedule, milestone)
