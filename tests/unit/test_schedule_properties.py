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
