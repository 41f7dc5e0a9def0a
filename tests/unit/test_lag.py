"""Expected-to-date and lag states (DESIGN.md §5) on the Cixi examples of §4.

Every expected number below was worked out by hand; the arithmetic is in the comments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from tests.unit.test_calendar import calendar_2020
from tracker.domain.lag import (
    LAG_COLOURS,
    LAG_LABELS,
    LagSettings,
    LagState,
    ReportDue,
    ReportFact,
    TaskAssessment,
    TaskFacts,
    assess_task,
    expected_to_date,
    report_state,
    required_report_dues,
)
from tracker.domain.milestones import MilestoneKind, MilestoneSpec
from tracker.domain.periods import Cadence, parse_period

K = MilestoneKind
S = LagState
PLAN_START = date(2019, 1, 1)
CAL = calendar_2020()
DEFAULT = LagSettings()


def ms(
    kind: K,
    due: date,
    cmp: str | None = ">=",
    target: float | str | None = None,
    unit: str | None = "%",
    start: date | None = None,
) -> MilestoneSpec:
    return MilestoneSpec(kind, due, cmp, target, unit, start)


def rep(
    period_end: date, value: float | None, accepted: bool = True, submitted_on: date | None = None
) -> ReportFact:
    return ReportFact(period_end, value, accepted, submitted_on or period_end)


def yearly(
    kind: K, first: int, last: int, target: float, cmp: str = ">=", unit: str = "%"
) -> list[MilestoneSpec]:
    return [
        ms(kind, date(y, 12, 31), cmp, target, unit, date(y, 1, 1)) for y in range(first, last + 1)
    ]


def assess(
    milestones: Sequence[MilestoneSpec],
    reports: Sequence[ReportFact],
    as_of: date,
    dues: Sequence[ReportDue] = (),
    settings: LagSettings = DEFAULT,
    baseline: float | None = None,
    closed: bool = False,
) -> TaskAssessment:
    facts = TaskFacts(milestones, reports, dues, PLAN_START, baseline, closed)
    return assess_task(facts, as_of, CAL, settings)


# 2019年达到20%，2020年达到35%，2025年全覆盖
COVERAGE = [
    ms(K.LEVEL, date(2019, 12, 31), ">=", 20),
    ms(K.LEVEL, date(2020, 12, 31), ">=", 35),
    ms(K.LEVEL, date(2025, 12, 31), ">=", 100),
]
Q4_2019, Q1_2020, Q2_2020 = date(2019, 12, 31), date(2020, 3, 31), date(2020, 6, 30)


def test_labels_and_colours_cover_every_state() -> None:
    assert set(LAG_LABELS) == set(S) == set(LAG_COLOURS)
    assert LAG_LABELS[S.OVERDUE] == "逾期未报"
    assert LAG_LABELS[S.RECOVERED] == "已补齐"
    assert LAG_COLOURS[S.ON_TRACK] == "green"
    assert LAG_COLOURS[S.BEHIND] == LAG_COLOURS[S.RECOVERED] == "yellow"
    assert LAG_COLOURS[S.MISSED] == LAG_COLOURS[S.OVERDUE] == "red"
    assert LAG_COLOURS[S.DUE_SOON] == "blue"
    assert LAG_COLOURS[S.NO_DATA] == "grey"


# ------------------------------------------------------------------ expected-to-date


def test_level_expected_between_milestones() -> None:
    # 2019-12-31 → 2020-07-01 is 183 of 366 days: 20 + 15 × 183/366 = 27.5
    assert expected_to_date(COVERAGE, date(2020, 7, 1), PLAN_START) == pytest.approx(27.5)


def test_level_expected_from_baseline_at_plan_start() -> None:
    # 2019-01-01 → 2019-07-01 is 181 of 364 days: 0 + 20 × 181/364 = 9.945
    assert expected_to_date(COVERAGE, date(2019, 7, 1), PLAN_START) == pytest.approx(
        9.945, abs=1e-3
    )
    # baseline 10: 10 + 10 × 181/364 = 14.973
    assert expected_to_date(COVERAGE, date(2019, 7, 1), PLAN_START, 10) == pytest.approx(
        14.973, abs=1e-3
    )


def test_level_expected_holds_after_last_milestone() -> None:
    assert expected_to_date(COVERAGE, date(2026, 3, 1), PLAN_START) == 100


def test_annual_expected_pro_rata_to_day_of_year() -> None:
    training = yearly(K.ANNUAL, 2019, 2025, 100, unit="人")
    # 2019-04-10 is day 100 of 365: 100 × 100/365 = 27.397
    assert expected_to_date(training, date(2019, 4, 10), PLAN_START) == pytest.approx(
        27.397, abs=1e-3
    )
    # 2020-07-01 is day 183 of 366: 50
    assert expected_to_date(training, date(2020, 7, 1), PLAN_START) == pytest.approx(50)


def test_maintain_expected_is_the_level() -> None:
    council = [ms(K.MAINTAIN, date(2025, 12, 31), ">=", 95)]
    assert expected_to_date(council, date(2020, 7, 1), PLAN_START) == 95


def test_stage_and_ongoing_have_no_expectation() -> None:
    steps = [
        ms(K.STAGE, date(2019, 12, 31), None, "启动", None),
        ms(K.ONGOING, date(2025, 12, 31), None),
    ]
    assert expected_to_date(steps, date(2020, 7, 1), PLAN_START) is None


def test_cumulative_expected_preferred_over_annual() -> None:
    # 每年新建3家，2025年达到50家; baseline 32 at 2019-01-01.
    # 2019-01-01 → 2020-07-01 = 547 days; → 2025-12-31 = 2556 days: 32 + 18 × 547/2556 = 35.852
    families = [
        *yearly(K.ANNUAL, 2019, 2025, 3, unit="家"),
        ms(K.CUMULATIVE, date(2025, 12, 31), ">=", 50, "家"),
    ]
    assert expected_to_date(families, date(2020, 7, 1), PLAN_START, 32) == pytest.approx(
        35.852, abs=1e-3
    )


# ------------------------------------------------------------------ level states


def test_level_on_track_when_latest_accepted_above_expected() -> None:
    result = assess(COVERAGE, [rep(Q4_2019, 22), rep(Q2_2020, 28)], date(2020, 7, 1))
    assert result.state is S.ON_TRACK
    assert result.expected == pytest.approx(27.5)
    assert result.actual == 28
    assert [m.state for m in result.milestones] == [S.DONE, S.ON_TRACK, S.NO_DATA]
    assert result.milestones[1].expected == pytest.approx(27.5)
    assert result.events == ()


def test_level_behind_below_expected_with_event() -> None:
    result = assess(COVERAGE, [rep(Q4_2019, 22), rep(Q2_2020, 27)], date(2020, 7, 1))
    assert result.state is S.BEHIND
    (event,) = result.events
    assert (event.kind, event.milestone_index, event.period_code) == (S.BEHIND, 1, None)
    assert event.due == date(2020, 12, 31)
    assert event.message == "2020年目标≥35%进度滞后（序时应达27.5%，实际27%）"


def test_only_accepted_values_count() -> None:
    # the 28 % of Q2 is submitted but not accepted: actual stays 22 < 27.5
    reports = [rep(Q4_2019, 22), rep(Q2_2020, 28, accepted=False)]
    result = assess(COVERAGE, reports, date(2020, 7, 1))
    assert result.actual == 22
    assert result.state is S.BEHIND


def test_report_not_visible_before_its_submission() -> None:
    reports = [rep(Q4_2019, 22), rep(Q2_2020, 28, submitted_on=date(2020, 7, 5))]
    assert assess(COVERAGE, reports, date(2020, 7, 1)).actual == 22
    assert assess(COVERAGE, reports, date(2020, 7, 6)).actual == 28


def test_level_missed_after_milestone_date() -> None:
    result = assess(COVERAGE, [rep(Q4_2019, 15)], date(2020, 1, 2))
    assert result.state is S.MISSED
    assert result.milestones[0].state is S.MISSED
    assert result.milestones[0].actual == 15
    missed = [e for e in result.events if e.kind is S.MISSED]
    assert len(missed) == 1
    assert missed[0].milestone_index == 0
    assert missed[0].due == date(2019, 12, 31)
    assert missed[0].message == "2019年目标≥20%未达标（实际15%）"


def test_level_missed_without_any_report() -> None:
    result = assess(COVERAGE, [], date(2020, 1, 2))
    assert result.milestones[0].state is S.MISSED
    assert result.events[0].message == "2019年目标≥20%未达标（暂无已审核数据）"


def test_late_but_met_value_counts_as_done() -> None:
    # The 2019 report came in late, but it shows 20 % was reached by 2019-12-31.
    reports = [rep(Q4_2019, 21, submitted_on=date(2020, 1, 20))]
    assert assess(COVERAGE, reports, date(2020, 1, 10)).milestones[0].state is S.MISSED
    assert assess(COVERAGE, reports, date(2020, 1, 21)).milestones[0].state is S.DONE


def test_recovered_once_later_met() -> None:
    # 2019-12-31 → 2020-05-01 is 122 of 366 days: 20 + 15 × 122/366 = 25
    reports = [rep(Q4_2019, 15), rep(Q1_2020, 26, submitted_on=date(2020, 4, 8))]
    result = assess(COVERAGE, reports, date(2020, 5, 1))
    assert [m.state for m in result.milestones] == [S.RECOVERED, S.ON_TRACK, S.NO_DATA]
    assert result.milestones[0].actual == 26
    assert result.milestones[1].expected == pytest.approx(25)
    assert result.state is S.RECOVERED
    assert result.events == ()


def test_behind_outranks_recovered() -> None:
    reports = [rep(Q4_2019, 15), rep(Q1_2020, 21, submitted_on=date(2020, 4, 8))]
    result = assess(COVERAGE, reports, date(2020, 5, 1))
    assert [m.state for m in result.milestones][:2] == [S.RECOVERED, S.BEHIND]
    assert result.state is S.BEHIND


def test_done_when_final_target_met_and_accepted() -> None:
    reports = [rep(Q4_2019, 22), rep(date(2020, 12, 31), 40), rep(date(2024, 6, 30), 100)]
    result = assess(COVERAGE, reports, date(2024, 8, 1))
    assert result.state is S.DONE
    assert result.events == ()


def test_not_done_when_final_value_not_accepted() -> None:
    reports = [rep(Q4_2019, 22), rep(date(2020, 12, 31), 40), rep(date(2024, 6, 30), 100, False)]
    # actual stays 40 against 35 + 65 × 1309/1826 = 81.596 on 2024-08-01
    result = assess(COVERAGE, reports, date(2024, 8, 1))
    assert result.actual == 40
    assert result.expected == pytest.approx(81.596, abs=1e-3)
    assert result.state is S.BEHIND


def test_no_data_when_nothing_reported_nor_due() -> None:
    # 2019-01-01 → 2019-06-01 is 151 of 364 days: 20 × 151/364 = 8.297
    result = assess(COVERAGE, [], date(2019, 6, 1))
    assert result.state is S.NO_DATA
    assert result.expected == pytest.approx(8.297, abs=1e-3)
    assert result.actual is None
    assert result.events == ()


# ------------------------------------------------------------------ grace over National Day

SEPT = [ms(K.LEVEL, date(2020, 9, 30), ">=", 50)]  # "2020年9月底前达到50%"


def test_missed_grace_counts_working_days_over_national_day() -> None:
    # 3 working days after Sep 30: Oct 9, Oct 10 (Saturday worked), Oct 12
    settings = LagSettings(missed_grace_workdays=3)
    reports = [rep(Q2_2020, 40)]
    for day in (date(2020, 10, 5), date(2020, 10, 9), date(2020, 10, 12)):
        assert assess(SEPT, reports, day, settings=settings).milestones[0].state is S.BEHIND
    result = assess(SEPT, reports, date(2020, 10, 13), settings=settings)
    assert result.state is S.MISSED
    assert result.events[0].message == "2020年9月底目标≥50%未达标（实际40%）"


def test_missed_grace_met_in_time() -> None:
    settings = LagSettings(missed_grace_workdays=3)
    reports = [rep(Q2_2020, 40), rep(date(2020, 9, 30), 52, submitted_on=date(2020, 10, 10))]
    result = assess(SEPT, reports, date(2020, 10, 13), settings=settings)
    assert result.milestones[0].state is S.DONE
    assert result.state is S.DONE


def test_without_grace_missed_the_next_day() -> None:
    assert assess(SEPT, [rep(Q2_2020, 40)], date(2020, 10, 1)).state is S.MISSED


# ------------------------------------------------------------------ reports due

Q3 = parse_period("2020Q3")
Q3_DUE = ReportDue(Q3, date(2020, 10, 14), None)  # 5 working days after Sep 30


def test_due_soon_counts_working_days() -> None:
    # from Sep 30: Oct 9, 10, 12, 13, 14 → 5 working days left
    assert report_state(Q3_DUE, date(2020, 9, 30), CAL, DEFAULT) is S.DUE_SOON
    # from Sep 29: Sep 30 + those 5 → 6 left
    assert report_state(Q3_DUE, date(2020, 9, 29), CAL, DEFAULT) is None
    assert report_state(Q3_DUE, date(2020, 10, 14), CAL, DEFAULT) is S.DUE_SOON
    assert report_state(Q3_DUE, date(2020, 10, 15), CAL, DEFAULT) is S.OVERDUE


def test_due_soon_task_state_and_event() -> None:
    ongoing = [ms(K.ONGOING, date(2025, 12, 31), None, None, None)]
    result = assess(ongoing, [], date(2020, 9, 30), dues=[Q3_DUE])
    assert result.state is S.DUE_SOON
    (event,) = result.events
    assert (event.kind, event.period_code, event.milestone_index) == (S.DUE_SOON, "2020Q3", None)
    assert event.message == "2020年第三季度进度将于2020年10月14日截止，尚未填报"
    assert assess(ongoing, [], date(2020, 9, 29), dues=[Q3_DUE]).state is S.NO_DATA


def test_overdue_task_state_and_event() -> None:
    ongoing = [ms(K.ONGOING, date(2025, 12, 31), None, None, None)]
    result = assess(ongoing, [], date(2020, 10, 15), dues=[Q3_DUE])
    assert result.state is S.OVERDUE
    assert result.events[0].message == "2020年第三季度进度未按期填报（截止2020年10月14日）"
    assert result.events[0].due == date(2020, 10, 14)


def test_submitted_report_is_neither_due_soon_nor_overdue() -> None:
    submitted = ReportDue(Q3, date(2020, 10, 14), date(2020, 10, 13))
    assert report_state(submitted, date(2020, 10, 20), CAL, DEFAULT) is None
    assert report_state(submitted, date(2020, 10, 12), CAL, DEFAULT) is S.DUE_SOON


def test_overdue_grace_counts_working_days_over_national_day() -> None:
    # due Sep 30, 2 working days of grace → Oct 9, Oct 10 (Saturday worked)
    due = ReportDue(Q3, date(2020, 9, 30), None)
    settings = LagSettings(overdue_grace_workdays=2)
    assert report_state(due, date(2020, 10, 8), CAL, settings) is S.DUE_SOON
    assert report_state(due, date(2020, 10, 10), CAL, settings) is S.DUE_SOON
    assert report_state(due, date(2020, 10, 11), CAL, settings) is S.OVERDUE


def test_overdue_outranks_missed() -> None:
    result = assess(COVERAGE, [rep(Q4_2019, 15)], date(2020, 10, 15), dues=[Q3_DUE])
    assert result.state is S.OVERDUE
    assert {e.kind for e in result.events} == {S.OVERDUE, S.MISSED, S.BEHIND}


def test_required_report_dues() -> None:
    dues = required_report_dues(
        COVERAGE,
        date(2020, 4, 1),
        date(2020, 10, 1),
        Cadence.QUARTERLY,
        CAL,
        submitted={"2020Q2": date(2020, 7, 6)},
    )
    assert [d.period.code for d in dues] == ["2020Q2", "2020Q3", "2020Q4"]
    assert [d.submitted_on for d in dues] == [date(2020, 7, 6), None, None]
    assert dues[0].due == date(2020, 7, 7)  # Jul 1, 2, 3, 6, 7
    assert dues[1].due == date(2020, 10, 14)
    stage_only = [ms(K.STAGE, date(2019, 12, 31), None, "启动", None)]
    assert (
        required_report_dues(stage_only, PLAN_START, date(2020, 10, 1), Cadence.QUARTERLY, CAL)
        == []
    )


def test_required_report_dues_stop_at_last_milestone() -> None:
    dues = required_report_dues(SEPT, date(2020, 1, 1), date(2021, 3, 1), Cadence.QUARTERLY, CAL)
    assert [d.period.code for d in dues] == ["2020Q1", "2020Q2", "2020Q3"]


# ------------------------------------------------------------------ "<=" direction

CAP = [ms(K.MAINTAIN, date(2020, 12, 31), "<=", 8, "%", date(2020, 1, 1))]  # 控制在8%以内


def test_lower_is_better_on_track_and_behind() -> None:
    assert assess(CAP, [rep(Q2_2020, 7.5)], date(2020, 7, 1)).state is S.ON_TRACK
    result = assess(CAP, [rep(Q2_2020, 9)], date(2020, 7, 1))
    assert result.state is S.BEHIND
    assert result.events[0].message == "2020年目标保持≤8%进度滞后（序时应达8%，实际9%）"


def test_lower_is_better_missed_and_done() -> None:
    result = assess(CAP, [rep(date(2020, 12, 31), 9)], date(2021, 1, 5))
    assert result.state is S.MISSED
    assert result.events[0].message == "2020年目标保持≤8%未达标（实际9%）"
    assert assess(CAP, [rep(date(2020, 12, 31), 7.9)], date(2021, 1, 5)).state is S.DONE


def test_lower_is_better_level_line() -> None:
    falling = [ms(K.LEVEL, Q4_2019, "<=", 10), ms(K.LEVEL, date(2020, 12, 31), "<=", 8)]
    # 10 − 2 × 183/366 = 9
    assert expected_to_date(falling, date(2020, 7, 1), PLAN_START) == pytest.approx(9)
    reports = [rep(Q4_2019, 9.8)]
    assert assess(falling, [*reports, rep(Q2_2020, 8.5)], date(2020, 7, 1)).state is S.ON_TRACK
    assert assess(falling, [*reports, rep(Q2_2020, 9.5)], date(2020, 7, 1)).state is S.BEHIND


def test_maintain_at_least_95() -> None:
    council = [ms(K.MAINTAIN, date(2025, 12, 31), ">=", 95)]
    assert assess(council, [rep(Q2_2020, 96)], date(2020, 7, 1)).state is S.ON_TRACK
    assert assess(council, [rep(Q2_2020, 93)], date(2020, 7, 1)).state is S.BEHIND


# ------------------------------------------------------------------ growth

# 2019年达到35%，2020起以上年度比例为基数，每年按6%递增，2025年达到50%
GROWING = [
    ms(K.LEVEL, Q4_2019, ">=", 35),
    *yearly(K.GROWTH, 2020, 2024, 1.06),
    ms(K.LEVEL, date(2025, 12, 31), ">=", 50),
]


def test_growth_on_track_mid_year() -> None:
    result = assess(GROWING, [rep(Q4_2019, 36), rep(Q2_2020, 37.5)], date(2020, 7, 1))
    # growth 2020: 36 + 36 × 0.06 × 183/366 = 37.08
    assert result.milestones[1].expected == pytest.approx(37.08)
    assert result.milestones[1].state is S.ON_TRACK
    # level line 35 (2019-12-31) → 50 (2025-12-31), 2192 days: 35 + 15 × 183/2192 = 36.252
    assert result.expected == pytest.approx(36.252, abs=1e-3)
    assert result.milestones[-1].state is S.ON_TRACK
    assert result.state is S.ON_TRACK


def test_growth_behind_mid_year() -> None:
    result = assess(GROWING, [rep(Q4_2019, 36), rep(Q2_2020, 37)], date(2020, 7, 1))
    assert result.milestones[1].state is S.BEHIND
    assert result.state is S.BEHIND
    assert result.events[0].message == (
        "2020年目标较上年增长6%（≥38.16%）进度滞后（序时应达37.08%，实际37%）"
    )


def test_growth_missed_against_last_years_actual() -> None:
    # target 2020 = 36 × 1.06 = 38.16
    result = assess(GROWING, [rep(Q4_2019, 36), rep(date(2020, 12, 31), 38)], date(2021, 1, 10))
    assert result.milestones[1].state is S.MISSED
    assert result.milestones[1].expected == pytest.approx(38.16)
    missed = [e for e in result.events if e.kind is S.MISSED]
    assert missed[0].message == "2020年目标较上年增长6%（≥38.16%）未达标（实际38%）"
    ok = assess(GROWING, [rep(Q4_2019, 36), rep(date(2020, 12, 31), 38.5)], date(2021, 1, 10))
    assert ok.milestones[1].state is S.DONE


def test_growth_strictly_increasing_from_baseline() -> None:
    # 以2018年为基数，逐年递增: baseline 40 (2018); 2019 must be > 40
    rising = yearly(K.GROWTH, 2019, 2024, 1, cmp=">")
    flat = assess(rising, [rep(Q4_2019, 40)], date(2020, 1, 10), baseline=40)
    assert flat.milestones[0].state is S.MISSED
    assert flat.events[0].message == "2019年目标高于上年（>40%）未达标（实际40%）"
    up = assess(rising, [rep(Q4_2019, 40.5)], date(2020, 1, 10), baseline=40)
    assert up.milestones[0].state is S.DONE


def test_growth_without_previous_value_has_no_data() -> None:
    rising = yearly(K.GROWTH, 2019, 2024, 1, cmp=">")
    result = assess(rising, [], date(2019, 7, 1))
    assert result.milestones[0].state is S.NO_DATA
    assert result.state is S.NO_DATA


# ------------------------------------------------------------------ annual

TRAINING = yearly(K.ANNUAL, 2019, 2025, 100, unit="人")  # 2019年起每年培养100人以上


def test_annual_pro_rata_behind_and_on_track() -> None:
    behind = assess(TRAINING, [rep(Q4_2019, 100), rep(Q2_2020, 45)], date(2020, 7, 1))
    assert behind.milestones[1].expected == pytest.approx(50)  # 100 × 183/366
    assert behind.state is S.BEHIND
    assert behind.actual == 45
    assert behind.events[0].message == "2020年度目标≥100人进度滞后（序时应达50人，实际45人）"
    on_track = assess(TRAINING, [rep(Q4_2019, 100), rep(Q2_2020, 55)], date(2020, 7, 1))
    assert on_track.state is S.ON_TRACK


def test_annual_missed_is_not_made_up_by_a_later_year() -> None:
    reports = [rep(Q4_2019, 90), rep(Q2_2020, 150)]
    result = assess(TRAINING, reports, date(2020, 7, 1))
    assert result.milestones[0].state is S.MISSED
    assert result.events[0].message == "2019年度目标≥100人未达标（实际90人）"
    assert result.milestones[1].state is S.ON_TRACK


def test_annual_year_to_date_values_reset_each_year() -> None:
    # Q1 2020 has nothing yet: 2019's 120 does not count for 2020
    result = assess(TRAINING, [rep(Q4_2019, 120)], date(2020, 2, 1))
    assert result.milestones[0].state is S.DONE
    assert result.milestones[1].state is S.NO_DATA
    assert result.milestones[1].actual is None


# ------------------------------------------------------------------ cumulative + annual

# 每年新建3家，2025年达到50家 (32 families before the plan)
FAMILIES = [
    *yearly(K.ANNUAL, 2019, 2025, 3, unit="家"),
    ms(K.CUMULATIVE, date(2025, 12, 31), ">=", 50, "家"),
]


def test_cumulative_running_totals_give_annual_differences() -> None:
    reports = [rep(Q4_2019, 35), rep(Q2_2020, 36)]
    result = assess(FAMILIES, reports, date(2020, 7, 1), baseline=32)
    # 2019: 35 − 32 = 3 → done; 2020: 36 − 35 = 1 < 3 × 183/366 = 1.5 → behind
    assert result.milestones[0].state is S.DONE
    assert result.milestones[0].actual == 3
    assert result.milestones[1].state is S.BEHIND
    assert result.milestones[1].actual == 1
    assert result.milestones[1].expected == pytest.approx(1.5)
    # cumulative: 32 + 18 × 547/2556 = 35.852 ≤ 36 → on track
    cumulative = result.milestones[-1]
    assert cumulative.state is S.ON_TRACK
    assert cumulative.expected == pytest.approx(35.852, abs=1e-3)
    assert result.expected == pytest.approx(35.852, abs=1e-3)
    assert result.actual == 36
    assert result.state is S.BEHIND
    assert result.events[0].message == "2020年度目标≥3家进度滞后（序时应达2家，实际1家）"


def test_cumulative_first_year_without_baseline_counts_from_zero() -> None:
    result = assess(FAMILIES, [rep(Q4_2019, 2)], date(2020, 1, 2))
    assert result.milestones[0].state is S.MISSED
    assert result.events[0].message == "2019年度目标≥3家未达标（实际2家）"


def test_cumulative_done_when_total_reached() -> None:
    reports = [rep(date(y, 12, 31), 32 + 3 * (y - 2018)) for y in range(2019, 2026)]
    result = assess(FAMILIES, reports, date(2026, 1, 10), baseline=32)
    assert result.actual == 53
    assert result.state is S.DONE


# ------------------------------------------------------------------ stage / ongoing

STEPS = [
    ms(K.STAGE, Q4_2019, None, "启动", None),
    ms(K.STAGE, date(2020, 12, 31), None, "完成", None),
]


def test_stage_only_task_done_only_when_closed() -> None:
    assert assess(STEPS, [], date(2019, 6, 1)).state is S.NO_DATA
    assert assess(STEPS, [], date(2021, 3, 1), closed=True).state is S.DONE
    result = assess(STEPS, [rep(date(2019, 9, 30), None)], date(2020, 3, 1))
    assert [m.state for m in result.milestones] == [S.DONE, S.NO_DATA]
    assert result.state is S.ON_TRACK


def test_stage_missed_then_recovered() -> None:
    result = assess(STEPS, [], date(2020, 1, 2))
    assert result.state is S.MISSED
    assert result.events[0].message == "2019年节点“启动”未完成"
    late = assess(STEPS, [rep(Q1_2020, None)], date(2020, 4, 10))
    # the Q1 2020 report is in the window of "完成" and after the "启动" date
    assert [m.state for m in late.milestones] == [S.RECOVERED, S.DONE]
    assert late.state is S.RECOVERED


def test_ongoing_task_with_required_reports() -> None:
    ongoing = [ms(K.ONGOING, date(2025, 12, 31), None, None, None, date(2020, 1, 1))]
    dues = required_report_dues(
        ongoing,
        date(2020, 1, 1),
        date(2020, 10, 15),
        Cadence.QUARTERLY,
        CAL,
        submitted={"2020Q1": date(2020, 4, 3), "2020Q2": date(2020, 7, 3)},
    )
    reports = [rep(Q1_2020, None), rep(Q2_2020, None)]
    result = assess(ongoing, reports, date(2020, 10, 15), dues=dues)
    assert result.milestones[0].state is S.ON_TRACK
    assert result.state is S.OVERDUE
    assert [(e.kind, e.period_code) for e in result.events] == [(S.OVERDUE, "2020Q3")]
