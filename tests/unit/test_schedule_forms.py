"""The building blocks of issue 10, one table per form; every expected milestone is written
by hand (the JSON shape `plan show --json` prints). The phrasings collected from public
plans, with their sources, are checked as a whole in ``test_collected_phrasings``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.domain.schedule import parse_schedule
from tracker.domain.schedule.text import normalize

DATA = Path(__file__).resolve().parents[1] / "data"

Json = dict[str, object]


def level(due: str, comparator: str, target: float, unit: str = "%") -> Json:
    return {"kind": "level", "due": due, "comparator": comparator, "target": target, "unit": unit}


def total(due: str, comparator: str, target: float, unit: str) -> Json:
    return {
        "kind": "cumulative",
        "due": due,
        "comparator": comparator,
        "target": target,
        "unit": unit,
    }


def stage(due: str, words: str) -> Json:
    return {"kind": "stage", "due": due, "comparator": None, "target": words, "unit": None}


def ongoing(start: str, due: str) -> Json:
    return {
        "kind": "ongoing",
        "due": due,
        "comparator": None,
        "target": None,
        "unit": None,
        "from": start,
    }


def growth(year: int, comparator: str, factor: float) -> Json:
    return {
        "kind": "growth",
        "due": f"{year}-12-31",
        "comparator": comparator,
        "target": factor,
        "unit": None,
    }


def read(schedule: str, period: tuple[int, int], task: str = "") -> list[Json]:
    parsed = parse_schedule(schedule, task, period)
    assert parsed.needs_review is False, parsed.reasons
    return [milestone.to_json() for milestone in parsed.milestones]


def reasons(schedule: str, period: tuple[int, int]) -> tuple[str, ...]:
    parsed = parse_schedule(schedule, "", period)
    assert parsed.needs_review is True
    return parsed.reasons


# 1. A leading date governs the clauses after it ------------------------------------------------

LEADING_DATES = [
    (
        "到2024年，新建站点30个，覆盖率达到90%",
        (2022, 2025),
        [total("2024-12-31", ">=", 30, "个"), level("2024-12-31", ">=", 90)],
    ),
    (
        "2023年，完成方案制定；出台实施细则",
        (2022, 2025),
        [stage("2023-12-31", "完成方案制定"), stage("2023-12-31", "出台实施细则")],
    ),
    (
        "2025年6月底前完成全县教师培训，用户活跃率达95%",
        (2025, 2025),
        [stage("2025-06-30", "完成全县教师培训"), level("2025-06-30", ">=", 95)],
    ),
    (
        "到2020年，地表水水体比例达到70%以上，劣五类水体比例控制在5%以内",
        (2018, 2020),
        [level("2020-12-31", ">=", 70), level("2020-12-31", "<=", 5)],
    ),
]


@pytest.mark.parametrize(("schedule", "period", "expected"), LEADING_DATES)
def test_a_leading_date_governs_later_clauses(
    schedule: str, period: tuple[int, int], expected: list[Json]
) -> None:
    assert read(schedule, period) == expected


def test_a_date_of_a_target_does_not_govern_a_later_step() -> None:
    assert reasons("2019年达到20%，加强管理", (2019, 2025)) == ("无法识别：「加强管理」",)


# 2. Several targets in one clause ----------------------------------------------------------------

SEVERAL_TARGETS = [
    (
        "2022年和2025年分别达到60%和80%",
        (2021, 2025),
        [level("2022-12-31", ">=", 60), level("2025-12-31", ">=", 80)],
    ),
    (
        "到2024年和2027年，新建学校分别不少于10所和20所",
        (2023, 2027),
        [total("2024-12-31", ">=", 10, "所"), total("2027-12-31", ">=", 20, "所")],
    ),
    (
        "2018年新增城市道路180公里、绿道130公里",
        (2018, 2020),
        [total("2018-12-31", ">=", 180, "公里"), total("2018-12-31", ">=", 130, "公里")],
    ),
    (
        "分别于6月底和7月底报送阶段性报告",
        (2009, 2009),
        [stage("2009-06-30", "报送阶段性报告"), stage("2009-07-31", "报送阶段性报告")],
    ),
]


@pytest.mark.parametrize(("schedule", "period", "expected"), SEVERAL_TARGETS)
def test_several_targets(schedule: str, period: tuple[int, int], expected: list[Json]) -> None:
    assert read(schedule, period) == expected


@pytest.mark.parametrize(
    "schedule",
    ["2025年达到50%和30家", "2022年新开工改造城镇老旧小区5.1万个、840万户"],
)
def test_quantities_without_words_of_their_own_need_review(schedule: str) -> None:
    assert any("多个数量" in reason for reason in reasons(schedule, (2021, 2025)))


# 3 and 4. Dates without a year, days and months ---------------------------------------------------

ONE_YEAR = (2024, 2024)
YEAR_LESS = [
    ("新增就业6000人", [total("2024-12-31", ">=", 6000, "人")]),
    ("11月底前完成", [stage("2024-11-30", "完成")]),
    ("年底前建成", [stage("2024-12-31", "建成")]),
    ("上半年完成", [stage("2024-06-30", "完成")]),
    ("三季度末完成", [stage("2024-09-30", "完成")]),
    ("3月10日前", [stage("2024-03-10", "完成")]),
    ("9月底前", [stage("2024-09-30", "完成")]),
    ("2024.8", [stage("2024-08-31", "完成")]),
    ("10月1日前完成项目建设", [stage("2024-10-01", "完成项目建设")]),
    ("全年控制在5.5%以内", [level("2024-12-31", "<=", 5.5)]),
]


@pytest.mark.parametrize(("schedule", "expected"), YEAR_LESS)
def test_year_less_dates_take_the_year_of_a_one_year_plan(
    schedule: str, expected: list[Json]
) -> None:
    assert read(schedule, ONE_YEAR) == expected


def test_a_dotted_number_with_a_unit_is_not_a_date() -> None:
    assert read("2024年投资2020.5万元", ONE_YEAR) == [total("2024-12-31", ">=", 20205000, "元")]


@pytest.mark.parametrize(
    ("schedule", "due"),
    [
        ("2023年12月底前", "2023-12-31"),
        ("2024年6月", "2024-06-30"),
        ("2024年上半年", "2024-06-30"),
        ("2024年11月30日前", "2024-11-30"),
        ("2025年第三季度", "2025-09-30"),
    ],
)
def test_a_deadline_alone_is_the_task_s_deadline_in_any_plan(schedule: str, due: str) -> None:
    assert read(schedule, (2023, 2025)) == [stage(due, "完成")]


def test_a_year_alone_in_a_plan_of_several_years_needs_review() -> None:
    assert reasons("2025年", (2023, 2025)) == ("只有时间，没有内容：「2025年」",)


@pytest.mark.parametrize("schedule", ["9月底前完成", "3月10日前完成", "上半年完成"])
def test_year_less_dates_in_a_plan_of_several_years_need_review(schedule: str) -> None:
    assert any("未写明年份" in reason for reason in reasons(schedule, (2023, 2025)))


# 5. Units ----------------------------------------------------------------------------------------

UNITS = [
    ("2025年治愈1200例", total("2025-12-31", ">=", 1200, "例")),
    ("2025年新建农村公路5000公里", total("2025-12-31", ">=", 5000, "公里")),
    ("2025年改造3.5万平方米", total("2025-12-31", ">=", 35000, "平方米")),
    ("2020年完成200万㎡棚户区改造", total("2020-12-31", ">=", 2000000, "平方米")),
    ("2025年新增床位300张", total("2025-12-31", ">=", 300, "张")),
    ("2025年回收50吨", total("2025-12-31", ">=", 50, "吨")),
    ("2025年改造550万户", total("2025-12-31", ">=", 5500000, "户")),
    ("2025年新建幼儿园10所", total("2025-12-31", ">=", 10, "所")),
    ("2025年建设雨水调蓄池26座", total("2025-12-31", ">=", 26, "座")),
    ("2025年筹集住房1.5万套", total("2025-12-31", ">=", 15000, "套")),
    ("2025年培训5万人次", total("2025-12-31", ">=", 50000, "人次")),
    ("2025年投入500万元", total("2025-12-31", ">=", 5000000, "元")),
    ("2025年突破100亿元", total("2025-12-31", ">", 10000000000, "元")),
    ("2025年产业规模达到5万亿元", total("2025-12-31", ">=", 5000000000000, "元")),
    ("2025年垦造耕地2000亩", total("2025-12-31", ">=", 2000, "亩")),
    ("2025年办理时间压缩到3个工作日", level("2025-12-31", "<=", 3, "个工作日")),
    ("2025年平均受教育年限提高到10.8年", level("2025-12-31", ">=", 10.8, "年")),
    ("2025年城乡居民收入比缩小到1.9:1", level("2025-12-31", "<=", 1.9, ":1")),
    ("2025年人均公园面积达到15平方米", level("2025-12-31", ">=", 15, "平方米")),
    ("2025年人均可支配收入达到5万元/人", level("2025-12-31", ">=", 50000, "元/人")),
]


@pytest.mark.parametrize(("schedule", "expected"), UNITS)
def test_units(schedule: str, expected: Json) -> None:
    assert read(schedule, (2020, 2025)) == [expected]


@pytest.mark.parametrize("schedule", ["2023年处理能力2250吨/日", "2025年每千人口拥有医师3.4人"])
def test_ratios_per_day_or_per_head_need_review(schedule: str) -> None:
    assert reasons(schedule, (2021, 2025))


# 6. Numbers that are scope -----------------------------------------------------------------------

SCOPE = [
    ("2025年在46个重点城市基本建成生活垃圾分类处理系统", stage),
    ("2019年启动5G网络建设", stage),
    ("2025年基本形成0-3岁早期教育体制", stage),
    ("2020年基本形成15分钟生活圈", stage),
    ("2018年完成328国道快速化改造", stage),
    ("2025年全面建成数字政府2.0", stage),
    ("2020年46个重点城市基本建成生活垃圾分类处理系统", stage),
    ("到2020年，46个重点城市基本建成生活垃圾分类处理系统", stage),
]


@pytest.mark.parametrize(("schedule", "_"), SCOPE)
def test_numbers_that_are_scope_are_never_targets(schedule: str, _: object) -> None:
    milestones = read(schedule, (2018, 2025))

    assert [m["kind"] for m in milestones] == ["stage"]


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("2025年覆盖0-3岁婴幼儿家庭80%以上", level("2025-12-31", ">=", 80)),
        ("2025年建设15分钟生活圈50个", total("2025-12-31", ">=", 50, "个")),
        ("到2025年5G基站达到1万个", total("2025-12-31", ">=", 10000, "个")),
        ("2025年地级及以上城市PM2.5浓度控制在35%以内", level("2025-12-31", "<=", 35)),
    ],
)
def test_the_target_beside_a_scope_number(schedule: str, expected: Json) -> None:
    assert read(schedule, (2021, 2025)) == [expected]


# 7. Relative targets and hedges (readings with a base: test_schedule_relative.py) ----------------

RELATIVE = [
    ("单位GDP能耗较2017年下降10%", "2017年"),
    ("2024年增长7%左右", "与哪一年相比"),
    ("2025年提高5个百分点", "百分点"),
]


@pytest.mark.parametrize(("schedule", "reason_part"), RELATIVE)
def test_relative_targets_go_to_review_with_their_base(schedule: str, reason_part: str) -> None:
    assert any(reason_part in reason for reason in reasons(schedule, (2018, 2027)))


HEDGES = [
    ("增长7.5%左右", (2022, 2022), [growth(2022, ">=", 1.075)]),
    ("单位国内生产总值能耗下降3%以上", (2018, 2018), [growth(2018, "<=", 0.97)]),
    ("到2020年近岸海域水质优良比例达到70%左右", (2018, 2020), [level("2020-12-31", ">=", 70)]),
    ("力争到2025年毛入园率达到95%", (2021, 2025), [level("2025-12-31", ">=", 95)]),
    ("确保2020年突破145亿元", (2018, 2020), [total("2020-12-31", ">", 14500000000, "元")]),
    ("2019年，力争创成省生态园林城市", (2018, 2020), [stage("2019-12-31", "创成省生态园林城市")]),
    ("2025年基本完成", (2021, 2025), [stage("2025-12-31", "基本完成")]),
    ("2025年基本实现全覆盖", (2021, 2025), [stage("2025-12-31", "基本实现全覆盖")]),
    ("到2025年，农村卫生厕所全面普及", (2021, 2025), [level("2025-12-31", ">=", 100)]),
    ("2023年底工作机制趋于完善", (2023, 2023), [stage("2023-12-31", "工作机制趋于完善")]),
    ("比上年增长8%", (2024, 2024), [growth(2024, ">=", 1.08)]),
    ("2024年比上年增长8%", (2023, 2025), [growth(2024, ">=", 1.08)]),
    ("同比下降10%", (2024, 2024), [growth(2024, "<=", 0.9)]),
    ("到2022年年均增长6%", (2021, 2022), [growth(2021, ">=", 1.06), growth(2022, ">=", 1.06)]),
]


@pytest.mark.parametrize(("schedule", "period", "expected"), HEDGES)
def test_hedges(schedule: str, period: tuple[int, int], expected: list[Json]) -> None:
    assert read(schedule, period) == expected


def test_an_approximate_task_count_is_not_taken_for_all_done() -> None:
    assert read("到2025年全部完成", (2019, 2025), task="培训5.6万人左右") == [
        level("2025-12-31", ">=", 100)
    ]


def test_a_bare_about_has_no_direction() -> None:
    assert any("左右" in reason for reason in reasons("城镇调查失业率6%左右", (2020, 2020)))


# 8. Reporting cadences and routine work ----------------------------------------------------------

ONGOING = [
    ("每季度末报告进展", (2023, 2025), [ongoing("2023-01-01", "2025-12-31")]),
    ("每半年报送一次", (2024, 2024), [ongoing("2024-01-01", "2024-12-31")]),
    ("每月25日前报送", (2024, 2025), [ongoing("2024-01-01", "2025-12-31")]),
    ("2024年第二季度起常态化推进", (2023, 2025), [ongoing("2024-04-01", "2025-12-31")]),
    ("2023年6月起常态化开展", (2023, 2025), [ongoing("2023-06-01", "2025-12-31")]),
    ("持续推动既有多层建筑加装电梯", (2023, 2023), [ongoing("2023-01-01", "2023-12-31")]),
]


@pytest.mark.parametrize(("schedule", "period", "expected"), ONGOING)
def test_reporting_cadences_and_routine_work_are_ongoing(
    schedule: str, period: tuple[int, int], expected: list[Json]
) -> None:
    assert read(schedule, period) == expected


# 9. Stages with other verbs ----------------------------------------------------------------------

STAGES = [
    ("从2023年开始启动", [stage("2023-12-31", "启动")]),
    ("2023年基本形成", [stage("2023-12-31", "基本形成")]),
    ("2023年启动，2024年建成投用", [stage("2023-12-31", "启动"), stage("2024-12-31", "建成投用")]),
    ("2024年出台实施", [stage("2024-12-31", "出台实施")]),
    ("2025年完成验收", [stage("2025-12-31", "完成验收")]),
    (
        "2023年试点先行，2024年全面推开",
        [stage("2023-12-31", "试点先行"), stage("2024-12-31", "全面推开")],
    ),
    (
        "2024年试点先行、2025年全面推开",
        [stage("2024-12-31", "试点先行"), stage("2025-12-31", "全面推开")],
    ),
    ("2025年修订完成《生态园林城市标准》", [stage("2025-12-31", "修订完成《生态园林城市标准》")]),
]


@pytest.mark.parametrize(("schedule", "expected"), STAGES)
def test_stage_verbs(schedule: str, expected: list[Json]) -> None:
    assert read(schedule, (2023, 2025)) == expected


def test_steps_without_a_date_need_review() -> None:
    assert reasons("试点先行、全面推开", (2023, 2025))


def test_a_step_longer_than_the_stored_words_needs_review() -> None:
    assert any("超过100字" in r for r in reasons("2024年" + "完善制度" * 30, (2023, 2025)))


# The collected phrasings ------------------------------------------------------------------------


DATA_FILES = sorted(DATA.glob("schedules*.json"))


def _cases() -> list[object]:
    cases = []
    for path in DATA_FILES:
        for number, case in enumerate(json.loads(path.read_text("utf-8")), start=1):
            cases.append(pytest.param(case, id=f"{path.stem}-{number:03d}"))
    return cases


def _same(got: list[Json], expected: list[Json]) -> bool:
    """Equal milestones, 20 == 20.0, a step's words compared as the grammar normalises text."""

    def value(v: object) -> object:
        if isinstance(v, str):
            return normalize(v)
        return float(v) if isinstance(v, int) else v

    def key(milestone: Json) -> str:
        return json.dumps(
            {k: value(v) for k, v in milestone.items()}, sort_keys=True, ensure_ascii=False
        )

    return sorted(map(key, got)) == sorted(map(key, expected))


def _exact(case: dict[str, object]) -> bool | None:
    """True: read as written by hand (or flagged when a flag is expected); None: flagged
    although milestones were expected; False: silently wrong."""
    first, last = case["period"]  # type: ignore[misc]
    parsed = parse_schedule(str(case["schedule"]), str(case["task"]), (first, last))
    expected = case["expected"]
    if parsed.needs_review:
        return True if isinstance(expected, dict) else None
    if isinstance(expected, dict):
        return False
    return _same([m.to_json() for m in parsed.milestones], expected)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", _cases())
def test_collected_phrasings_are_never_silently_wrong(case: dict[str, object]) -> None:
    """Each phrasing reads as written by hand or goes to review; a flag expected means it
    must go to review."""
    assert str(case["source"]).startswith("http")
    assert _exact(case) is not False


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: path.stem)
def test_at_least_80_percent_of_each_collected_set_is_exact(path: Path) -> None:
    cases = json.loads(path.read_text("utf-8"))

    assert sum(_exact(case) is True for case in cases) >= 0.8 * len(cases)


# Plan context: the period guessed from the schedules, shown for confirmation -------------------


@pytest.mark.parametrize(
    ("schedules", "expected"),
    [
        (["2021年启动，2023年全覆盖", "常态化开展", "2021.8"], (2021, 2023)),
        (["2019-2025年全覆盖开展"], (2019, 2025)),
        (["11月底前", "年底前建成"], None),
    ],
)
def test_years_the_schedules_mention(
    schedules: list[str], expected: tuple[int, int] | None
) -> None:
    from tracker.domain.schedule.period import years_mentioned

    assert years_mentioned(schedules) == expected


def test_a_missing_period_names_the_years_of_the_schedules_for_confirmation() -> None:
    from tracker.io.tables import PlanRow, ResponsibilityTable
    from tracker.services.plans import PeriodMissing, choose_period

    rows = tuple(
        PlanRow(n, "一", "（一）", "任务", schedule, (), ())
        for n, schedule in enumerate(["2024年6月底前完成", "2024年底前建成"], start=2)
    )
    table = ResponsibilityTable("某区2024年工作要点任务分解", rows, "plan.docx")

    with pytest.raises(PeriodMissing) as raised:
        choose_period(table, None)

    assert raised.value.guess == (2024, 2024)
    assert "2024–2024" in str(raised.value) and "--period 2024-2024" in str(raised.value)
