"""Lag states of relative targets ("较2018年下降8%") with and without their base (issue 10)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.unit.test_lag import PLAN_START, assess, ms, rep
from tracker.domain.lag import LagState
from tracker.domain.milestones import (
    MilestoneKind,
    MilestoneSpec,
    Relative,
    RelativeKind,
    missing_base_message,
)

S = LagState
DUE = date(2020, 12, 31)
MID = date(2020, 6, 30)
AFTER_GRACE = date(2021, 3, 31)


def rel(kind: RelativeKind, amount: float, base_year: int = 2018, **kw: object) -> MilestoneSpec:
    comparator = "<=" if amount < 0 and kind is not RelativeKind.MULTIPLE else ">="
    relative = Relative(base_year, kind, amount, **kw)  # type: ignore[arg-type]
    return MilestoneSpec(MilestoneKind.LEVEL, DUE, comparator, None, None, relative=relative)


ENERGY = rel(RelativeKind.PERCENT_CHANGE, -8.0)  # 单位GDP能耗较2018年下降8%


def test_plan_start_is_2019() -> None:
    assert date(2019, 1, 1) == PLAN_START  # the baseline is the 2018 value


def test_without_base_the_task_stays_no_data_with_the_reason() -> None:
    result = assess([ENERGY], [rep(MID, 95)], MID)
    assert result.state is S.NO_DATA
    assert result.milestones[0].state is S.NO_DATA
    assert result.missing_bases == (2018,)
    assert result.notes == ("缺少2018年基期值，请在填报时补充",)
    assert missing_base_message(2022) == "缺少2022年基期值，请在填报时补充"
    assert result.events == ()


def test_without_base_the_task_is_never_done_nor_on_track() -> None:
    other = ms(MilestoneKind.LEVEL, DUE, ">=", 50)
    result = assess([other, ENERGY], [rep(MID, 60)], MID)
    assert result.milestones[0].state is S.ON_TRACK
    assert result.state is S.NO_DATA
    assert assess([other, ENERGY], [rep(DUE, 60)], AFTER_GRACE).state is S.NO_DATA
    assert assess([ENERGY], [], MID, closed=True).state is S.DONE


def test_a_baseline_of_another_year_is_not_the_base() -> None:
    result = assess(
        [rel(RelativeKind.PERCENT_CHANGE, -8.0, 2015)], [rep(MID, 90)], MID, baseline=100
    )
    assert result.missing_bases == (2015,)
    assert result.state is S.NO_DATA


@pytest.mark.parametrize(("value", "state"), [(93.0, S.ON_TRACK), (99.0, S.BEHIND)])
def test_decrease_with_the_task_baseline_runs_down_from_the_base(value: float, state: S) -> None:
    result = assess([ENERGY], [rep(MID, value)], MID, baseline=100)
    assert result.missing_bases == ()
    expected = result.milestones[0].expected
    assert expected is not None and 92 < expected < 100  # between the base and base × 0.92
    assert result.state is state


@pytest.mark.parametrize(("value", "state"), [(91.5, S.DONE), (92.0, S.DONE), (93.0, S.MISSED)])
def test_decrease_is_met_at_or_below_base_times_factor(value: float, state: S) -> None:
    result = assess([ENERGY], [rep(DUE, value)], AFTER_GRACE, baseline=100)
    assert result.state is state
    assert result.milestones[0].expected == pytest.approx(92.0)


@pytest.mark.parametrize(("value", "state"), [(55.5, S.DONE), (54.0, S.MISSED)])
def test_level_change_adds_percentage_points_to_a_reported_base(value: float, state: S) -> None:
    points = rel(RelativeKind.LEVEL_CHANGE, 5.0, 2017, base_value=50.0)  # 比2017年提高5个百分点
    result = assess([points], [rep(DUE, value)], AFTER_GRACE)
    assert result.milestones[0].expected == pytest.approx(55.0)
    assert result.state is state


def test_doubling_is_twice_the_base() -> None:
    doubling = rel(RelativeKind.MULTIPLE, 2.0)
    result = assess([doubling], [rep(DUE, 19)], AFTER_GRACE, baseline=10)
    assert result.milestones[0].expected == pytest.approx(20.0)
    assert result.state is S.MISSED
    assert assess([doubling], [rep(DUE, 21)], AFTER_GRACE, baseline=10).state is S.DONE


def test_the_milestone_base_wins_over_the_baseline() -> None:
    with_base = replace(ENERGY, relative=replace(ENERGY.relative, base_value=200.0))  # type: ignore[type-var]
    result = assess([with_base], [rep(DUE, 184)], AFTER_GRACE, baseline=100)
    assert result.milestones[0].expected == pytest.approx(184.0)
    assert result.state is S.DONE
