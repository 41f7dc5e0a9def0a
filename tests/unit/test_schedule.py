"""The schedule grammar against the Cixi table, DESIGN.md §4 and other offices' phrasings.

Every expected milestone below is written out by hand from the rules of DESIGN.md §4;
nothing is computed by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import SEEDS
from tracker.domain.milestones import MilestoneSpec, ParsedSchedule, ScheduleParseError
from tracker.domain.schedule import parse_schedule

CIXI_PERIOD = (2019, 2025)
CIXI_DOCX = SEEDS / "cixi-key-tasks.docx"

# (kind, due, comparator, target, unit, start, upper)
Row = tuple[str, str, str | None, float | str | None, str | None, str | None, float | None]


def level(due: str, comparator: str, target: float, unit: str = "%") -> Row:
    return ("level", due, comparator, target, unit, None, None)


def cumulative(due: str, comparator: str, target: float, unit: str) -> Row:
    return ("cumulative", due, comparator, target, unit, None, None)


def stage(due: str, words: str) -> Row:
    return ("stage", due, None, words, None, None, None)


def ongoing(start: str, due: str) -> Row:
    return ("ongoing", due, None, None, None, start, None)


def each_year(
    kind: str,
    years: range,
    comparator: str,
    target: float,
    unit: str | None,
    upper: float | None = None,
) -> list[Row]:
    """One row per calendar year: start 1 January, due 31 December."""
    return [
        (kind, f"{year}-12-31", comparator, target, unit, f"{year}-01-01", upper) for year in years
    ]


def rows(parsed: ParsedSchedule) -> list[Row]:
    return [as_row(milestone) for milestone in parsed.milestones]


def as_row(milestone: MilestoneSpec) -> Row:
    return (
        str(milestone.kind),
        milestone.due.isoformat(),
        milestone.comparator,
        milestone.target,
        milestone.unit,
        milestone.start.isoformat() if milestone.start else None,
        milestone.upper,
    )


PLAN_LONG = [ongoing("2019-01-01", "2025-12-31")]

# ---------------------------------------------------------------------------------------------
# The Cixi responsibility table: all 57 (task, schedule) pairs, merged cells resolved.
# Task texts are prefixes, except where the task's quantity matters (rows 15, 21, 23, 49).
# ---------------------------------------------------------------------------------------------

CIXI_ROWS: list[tuple[int, str, str, list[Row]]] = [
    (
        1,
        "非公有制企业职工30人以上有党员",
        "2019年达到20%，2020年达到35%，2025年全覆盖",
        [
            level("2019-12-31", ">=", 20),
            level("2020-12-31", ">=", 35),
            level("2025-12-31", ">=", 100),
        ],
    ),
    (
        2,
        "在产业园区、大型建设工地、劳动密集型企业",
        "2019年达到25%，2020年达到50%，2025年全覆盖",
        [
            level("2019-12-31", ">=", 25),
            level("2020-12-31", ">=", 50),
            level("2025-12-31", ">=", 100),
        ],
    ),
    (3, "做好产业工人中技术能手、青年专家", "常态化推进", PLAN_LONG),
    (
        4,
        "开展“法律进企业”法治宣传主题活动",
        "2019年达到50%，2020年达到90%以上，2021-2025年全覆盖开展",
        [
            level("2019-12-31", ">=", 50),
            level("2020-12-31", ">=", 90),
            ("level", "2021-12-31", ">=", 100, "%", "2021-01-01", None),
            ("level", "2022-12-31", ">=", 100, "%", "2022-01-01", None),
            ("level", "2023-12-31", ">=", 100, "%", "2023-01-01", None),
            ("level", "2024-12-31", ">=", 100, "%", "2024-01-01", None),
            ("level", "2025-12-31", ">=", 100, "%", "2025-01-01", None),
        ],
    ),
    (5, "每年突出一个主题，开展“中国梦·劳动美”", "常态化开展", PLAN_LONG),
    (6, "适当增加产业工人在党的代表大会代表", "常态化开展", PLAN_LONG),
    (7, "探索试行产业工人在群团组织挂职和兼职", "常态化开展", PLAN_LONG),
    (
        8,
        "适当增加产业工人特别是技术工人在劳动模范",
        "2019年达到35%，2020起以上年度比例为基数，每年按6%递增，2025年达到50%",
        [
            level("2019-12-31", ">=", 35),
            ("growth", "2020-12-31", ">=", 1.06, None, "2020-01-01", None),
            ("growth", "2021-12-31", ">=", 1.06, None, "2021-01-01", None),
            ("growth", "2022-12-31", ">=", 1.06, None, "2022-01-01", None),
            ("growth", "2023-12-31", ">=", 1.06, None, "2023-01-01", None),
            ("growth", "2024-12-31", ">=", 1.06, None, "2024-01-01", None),
            level("2025-12-31", ">=", 50),
        ],
    ),
    (
        9,
        "落实以职工（代表）大会为基本形式的民主管理制度",
        "建立职代会企业占比动态保持95%以上",
        each_year("maintain", range(2019, 2026), ">=", 95, "%"),
    ),
    (10, "聚焦工业园区、特色小镇、楼宇商圈", "常态化开展", PLAN_LONG),
    (
        11,
        "加强“小三级”工会组织建设",
        "2019年35%达标，2020年50%达标，2025年85%达标",
        [
            level("2019-12-31", ">=", 35),
            level("2020-12-31", ">=", 50),
            level("2025-12-31", ">=", 85),
        ],
    ),
    (
        12,
        "强化职业学校面向社会服务",
        "2019年达到在校生1.1倍，2020年达到1.2倍，2025年超过1.2倍",
        [
            level("2019-12-31", ">=", 1.1, "倍"),
            level("2020-12-31", ">=", 1.2, "倍"),
            level("2025-12-31", ">", 1.2, "倍"),
        ],
    ),
    (
        13,
        "建立职业教育学历证书、职业资格证书",
        "2019年启动，2020年完成并常态化推进",
        [
            stage("2019-12-31", "启动"),
            stage("2020-12-31", "完成"),
            ongoing("2021-01-01", "2025-12-31"),
        ],
    ),
    (
        14,
        "全面推广现代学徒制试点",
        "2019年启动，2020年50%学校实施，2025年所有学校全面实施",
        [
            stage("2019-12-31", "启动"),
            level("2020-12-31", ">=", 50),
            level("2025-12-31", ">=", 100),
        ],
    ),
    (
        15,
        "建成6个职业教育集团、2所品牌职业院校、3个品牌专业、2个优势特色专业、"
        "4个现代学徒试点项目、15个校企合作优秀企业基地和3个紧缺专业人才培养标准",
        "2019年完成50%，2020年完成70%，2025年全部完成",
        [
            level("2019-12-31", ">=", 50),
            level("2020-12-31", ">=", 70),
            level("2025-12-31", ">=", 100),
        ],
    ),
    (16, "推进慈溪技师学院（杭州湾技工学校）", "常态化开展", PLAN_LONG),
    (17, "建设2个市级综合性公共实训中心", "常态化开展", PLAN_LONG),
    (
        18,
        "全面推行企业新型学徒制",
        "2019年起每年培养100人以上",
        each_year("annual", range(2019, 2026), ">=", 100, "人"),
    ),
    (19, "加强新形势下培训机构管理", "常态化开展", PLAN_LONG),
    (20, "新建10 家技能人才自主评价引领示范企业", "常态化开展", PLAN_LONG),
    (
        21,
        "培育150名“优秀技能人才”",
        "到2025年全部完成",
        [cumulative("2025-12-31", ">=", 150, "人")],
    ),
    (22, "贯彻落实上级成批输入高素质产业工人奖励政策", "常态化开展", PLAN_LONG),
    (
        23,
        "培育100名“上林名匠”",
        "到2025年全部完成",
        [cumulative("2025-12-31", ">=", 100, "人")],
    ),
    (
        24,
        "开展工会会员实名制管理",
        "2019年启动，2020年完成数据采集",
        [stage("2019-12-31", "启动"), stage("2020-12-31", "完成数据采集")],
    ),
    (25, "推广运用宁波职业培训公共服务平台", "常态化开展", PLAN_LONG),
    (26, "探索开展“互联网+”远程职业培训新模式", "常态化开展", PLAN_LONG),
    (
        27,
        "各级工会每年投入普惠资金80万元以上",
        "以2018年为基数，逐年递增，2025年实现全覆盖",
        [
            ("growth", "2019-12-31", ">", 1, None, "2019-01-01", None),
            ("growth", "2020-12-31", ">", 1, None, "2020-01-01", None),
            ("growth", "2021-12-31", ">", 1, None, "2021-01-01", None),
            ("growth", "2022-12-31", ">", 1, None, "2022-01-01", None),
            ("growth", "2023-12-31", ">", 1, None, "2023-01-01", None),
            ("growth", "2024-12-31", ">", 1, None, "2024-01-01", None),
            level("2025-12-31", ">=", 100),
        ],
    ),
    (28, "贯彻落实宁波市进一步加强技能人才队伍建设", "常态化开展", PLAN_LONG),
    (29, "对纳入专家管理服务范畴的高技能人才", "常态化开展", PLAN_LONG),
    (30, "鼓励企业吸纳高技能领军人才参与经营管理决策", "常态化开展", PLAN_LONG),
    (31, "对在紧缺岗位从业、符合相关条件的技师", "常态化开展", PLAN_LONG),
    (32, "对在世界技能大赛上获得金、银、铜牌", "常态化开展", PLAN_LONG),
    (33, "对在市级一类及以上职业技能竞赛获得一、二、三等奖", "常态化开展", PLAN_LONG),
    (34, "对在行业职业技能竞赛中获得名次的", "常态化开展", PLAN_LONG),
    (35, "开展“三重一新”立功竞赛", "常态化开展", PLAN_LONG),
    (36, "每年举办“行行出状元”慈溪市青年职业技能大赛", "常态化开展", PLAN_LONG),
    (
        37,
        "市级技能大师工作室大幅增加",
        "每年新建1-2家，2025年市级技能大师工作室达到    25家",
        [
            *each_year("annual", range(2019, 2026), ">=", 1, "家", upper=2),
            cumulative("2025-12-31", ">=", 25, "家"),
        ],
    ),
    (
        38,
        "鼓励有条件的企业（单位）建立劳模（工匠）创新工作室",
        "每年新建3家，2025年达到50家",
        [
            *each_year("annual", range(2019, 2026), ">=", 3, "家"),
            cumulative("2025-12-31", ">=", 50, "家"),
        ],
    ),
    (39, "积极挖掘青年岗位能手", "常态化开展", PLAN_LONG),
    (40, "支持产业工人优秀创新成果参加各级科技进步奖评选", "常态化开展", PLAN_LONG),
    (41, "每年推荐一批优秀技能人才赴国（境）外", "常态化开展", PLAN_LONG),
    (42, "统筹技能人才培养资金", "常态化开展", PLAN_LONG),
    (43, "鼓励民间资本参与职业教育项目建设", "常态化开展", PLAN_LONG),
    (44, "开展现代职业学校管理考核和教育服务奖考核", "常态化开展", PLAN_LONG),
    (45, "对办学符合职业教育发展规划的企业", "常态化开展", PLAN_LONG),
    (46, "加大企业职工教育经费使用情况督查", "常态化开展", PLAN_LONG),
    (47, "稳步提高产业工人社保水平", "常态化开展", PLAN_LONG),
    (48, "开展劳动保障专项检查、“双随机”抽查和日常巡查", "常态化开展", PLAN_LONG),
    (
        49,
        "完成生产经营单位主要负责人、安全生产管理员、特种作业人员等“三项岗位”"
        "人员安全技能培训5.6万人",
        "2019年起每年完成0.8万人培训，2025年全部完成",
        [
            *each_year("annual", range(2019, 2026), ">=", 8000, "人"),
            cumulative("2025-12-31", ">=", 56000, "人"),
        ],
    ),
    (
        50,
        "组织开展尘肺病防治攻坚行动",
        "2019年启动，2020年制定方案，常态化推进",
        [
            stage("2019-12-31", "启动"),
            stage("2020-12-31", "制定方案"),
            ongoing("2021-01-01", "2025-12-31"),
        ],
    ),
    (51, "推动行业、企业建设职工食堂、职工休息室", "常态化开展", PLAN_LONG),
    (52, "建立优秀技术工人疗休养制度", "常态化开展", PLAN_LONG),
    (53, "每年五一前夕在主流媒体集中开展劳模、工匠", "常态化开展", PLAN_LONG),
    (54, "通过“青匠工程”活动，排摸挖掘一批优秀青春工匠", "常态化开展", PLAN_LONG),
    (
        55,
        "完善住房租赁市场发展实施意见",
        "2020年启动，2022年完成制定并试行",
        [stage("2020-12-31", "启动"), stage("2022-12-31", "完成制定并试行")],
    ),
    (56, "不断优化公共体育布局", "常态化开展", PLAN_LONG),
    (57, "全面实施县域医疗服务共同体建设", "常态化开展", PLAN_LONG),
]


def test_the_cixi_table_has_57_rows_in_order() -> None:
    assert [number for number, *_ in CIXI_ROWS] == list(range(1, 58))


@pytest.mark.parametrize(
    ("task", "schedule", "expected"),
    [
        pytest.param(task, schedule, expected, id=f"cixi-{n:02d}")
        for n, task, schedule, expected in CIXI_ROWS
    ],
)
def test_cixi_schedule(task: str, schedule: str, expected: list[Row]) -> None:
    parsed = parse_schedule(schedule, task, CIXI_PERIOD)

    assert rows(parsed) == expected
    assert parsed.needs_review is False
    assert parsed.reasons == ()


def _cixi_pairs_from_docx(path: Path) -> list[tuple[str, str]]:
    """(task, schedule) per data row, as the table reader resolves merged cells."""
    from tracker.io.tables import read_responsibility_table

    return [(row.task, row.schedule) for row in read_responsibility_table(path).rows]


def test_embedded_cixi_texts_match_the_word_table() -> None:
    pairs = _cixi_pairs_from_docx(CIXI_DOCX)

    assert len(pairs) == len(CIXI_ROWS)
    for (task, schedule), (number, task_prefix, embedded_schedule, _) in zip(
        pairs, CIXI_ROWS, strict=True
    ):
        assert task.startswith(task_prefix), number
        assert schedule == " ".join(embedded_schedule.split()), number


# ---------------------------------------------------------------------------------------------
# DESIGN.md §4 example table, as written there
# ---------------------------------------------------------------------------------------------

DESIGN_TABLE: list[tuple[str, str, list[Row]]] = [
    (
        "2019年达到20%，2020年达到35%，2025年全覆盖",
        "",
        [
            level("2019-12-31", ">=", 20),
            level("2020-12-31", ">=", 35),
            level("2025-12-31", ">=", 100),
        ],
    ),
    (
        "2019年达到50%，2020年达到90%以上，2021-2025年全覆盖开展",
        "",
        [
            level("2019-12-31", ">=", 50),
            level("2020-12-31", ">=", 90),
            *each_year("level", range(2021, 2026), ">=", 100, "%"),
        ],
    ),
    (
        "2019年达到35%，2020起以上年度比例为基数，每年按6%递增，2025年达到50%",
        "",
        [
            level("2019-12-31", ">=", 35),
            *each_year("growth", range(2020, 2025), ">=", 1.06, None),
            level("2025-12-31", ">=", 50),
        ],
    ),
    (
        "建立职代会企业占比动态保持95%以上",
        "",
        each_year("maintain", range(2019, 2026), ">=", 95, "%"),
    ),
    (
        "2019年达到在校生1.1倍，2020年达到1.2倍，2025年超过1.2倍",
        "",
        [
            level("2019-12-31", ">=", 1.1, "倍"),
            level("2020-12-31", ">=", 1.2, "倍"),
            level("2025-12-31", ">", 1.2, "倍"),
        ],
    ),
    (
        "2019年启动，2020年50%学校实施，2025年所有学校全面实施",
        "",
        [
            stage("2019-12-31", "启动"),
            level("2020-12-31", ">=", 50),
            level("2025-12-31", ">=", 100),
        ],
    ),
    (
        "2019年起每年培养100人以上",
        "",
        each_year("annual", range(2019, 2026), ">=", 100, "人"),
    ),
    (
        "每年新建3家，2025年达到50家",
        "",
        [
            *each_year("annual", range(2019, 2026), ">=", 3, "家"),
            cumulative("2025-12-31", ">=", 50, "家"),
        ],
    ),
    (
        "每年新建1-2家，2025年…达到 25家",
        "",
        [
            *each_year("annual", range(2019, 2026), ">=", 1, "家", upper=2),
            cumulative("2025-12-31", ">=", 25, "家"),
        ],
    ),
    (
        "2019年起每年完成0.8万人培训，2025年全部完成",
        "…培训5.6万人",
        [
            *each_year("annual", range(2019, 2026), ">=", 8000, "人"),
            cumulative("2025-12-31", ">=", 56000, "人"),
        ],
    ),
    (
        "以2018年为基数，逐年递增，2025年实现全覆盖",
        "",
        [
            *each_year("growth", range(2019, 2025), ">", 1, None),
            level("2025-12-31", ">=", 100),
        ],
    ),
    (
        "2019年启动，2020年完成并常态化推进",
        "",
        [
            stage("2019-12-31", "启动"),
            stage("2020-12-31", "完成"),
            ongoing("2021-01-01", "2025-12-31"),
        ],
    ),
    ("常态化开展", "", [ongoing("2019-01-01", "2025-12-31")]),
]


@pytest.mark.parametrize(("schedule", "task", "expected"), DESIGN_TABLE)
def test_design_table(schedule: str, task: str, expected: list[Row]) -> None:
    parsed = parse_schedule(schedule, task, CIXI_PERIOD)

    assert rows(parsed) == expected
    assert parsed.needs_review is False


# ---------------------------------------------------------------------------------------------
# Other offices' phrasings (the grammar is not a list of the Cixi sentences)
# ---------------------------------------------------------------------------------------------

OTHER_OFFICES: list[tuple[str, str, tuple[int, int], list[Row]]] = [
    (
        "2021年、2022年、2023年分别达到60%、70%、80%",
        "",
        (2021, 2025),
        [
            level("2021-12-31", ">=", 60),
            level("2022-12-31", ">=", 70),
            level("2023-12-31", ">=", 80),
        ],
    ),
    (
        "2021-2023年分别达到60%、70%、80%",
        "",
        (2021, 2025),
        [
            level("2021-12-31", ">=", 60),
            level("2022-12-31", ">=", 70),
            level("2023-12-31", ">=", 80),
        ],
    ),
    (
        "2022年、2023年分别不超过10%、8%以内",
        "",
        (2021, 2025),
        [level("2022-12-31", "<=", 10), level("2023-12-31", "<=", 8)],
    ),
    (
        "逐年提高，2023年不低于90%",
        "",
        (2021, 2025),
        [
            ("growth", "2021-12-31", ">", 1, None, "2021-01-01", None),
            ("growth", "2022-12-31", ">", 1, None, "2022-01-01", None),
            level("2023-12-31", ">=", 90),
        ],
    ),
    (
        "每季度开展1次",
        "",
        (2021, 2022),
        [
            ("annual", "2021-03-31", ">=", 1, "次", "2021-01-01", None),
            ("annual", "2021-06-30", ">=", 1, "次", "2021-04-01", None),
            ("annual", "2021-09-30", ">=", 1, "次", "2021-07-01", None),
            ("annual", "2021-12-31", ">=", 1, "次", "2021-10-01", None),
            ("annual", "2022-03-31", ">=", 1, "次", "2022-01-01", None),
            ("annual", "2022-06-30", ">=", 1, "次", "2022-04-01", None),
            ("annual", "2022-09-30", ">=", 1, "次", "2022-07-01", None),
            ("annual", "2022-12-31", ">=", 1, "次", "2022-10-01", None),
        ],
    ),
    (
        "2021年起每年不少于50万元",
        "",
        (2020, 2023),
        [
            ("annual", "2021-12-31", ">=", 500000, "元", "2021-01-01", None),
            ("annual", "2022-12-31", ">=", 500000, "元", "2022-01-01", None),
            ("annual", "2023-12-31", ">=", 500000, "元", "2023-01-01", None),
        ],
    ),
    ("2021年6月底前完成", "", (2021, 2025), [stage("2021-06-30", "完成")]),
    ("2021年上半年完成试点", "", (2021, 2025), [stage("2021-06-30", "完成试点")]),
    ("2022年第三季度前出台办法", "", (2021, 2025), [stage("2022-09-30", "出台办法")]),
    ("3年内全覆盖", "", (2021, 2025), [level("2023-12-31", ">=", 100)]),
    ("三年内完成", "", (2021, 2025), [stage("2023-12-31", "完成")]),
    (
        "控制在8%以内",
        "",
        (2021, 2023),
        each_year("maintain", range(2021, 2024), "<=", 8, "%"),
    ),
    (
        "2022年起保持在90%以上",
        "",
        (2021, 2023),
        each_year("maintain", range(2022, 2024), ">=", 90, "%"),
    ),
    ("2025年不超过5%", "", (2021, 2025), [level("2025-12-31", "<=", 5)]),
    (
        "每年增加3家",
        "",
        (2024, 2025),
        each_year("annual", range(2024, 2026), ">=", 3, "家"),
    ),
    (
        "每年下降5%",
        "",
        (2024, 2025),
        each_year("growth", range(2024, 2026), "<=", 0.95, None),
    ),
    (
        "2021-2022年每年举办30场次",
        "",
        (2021, 2025),
        each_year("annual", range(2021, 2023), ">=", 30, "场次"),
    ),
    (
        "每年至少开展一次",
        "",
        (2024, 2025),
        each_year("annual", range(2024, 2026), ">=", 1, "次"),
    ),
    ("2021-2025年新建50家", "", (2021, 2025), [cumulative("2025-12-31", ">=", 50, "家")]),
    ("２０２２年达到６０％", "", (2021, 2025), [level("2022-12-31", ">=", 60)]),
    (
        "2021年起常态化开展",
        "",
        (2019, 2025),
        [ongoing("2021-01-01", "2025-12-31")],
    ),
    ("长期坚持", "", (2021, 2025), [ongoing("2021-01-01", "2025-12-31")]),
    ("持续推进", "", (2021, 2025), [ongoing("2021-01-01", "2025-12-31")]),
    (
        "2019年达到20%、2020年达到35%",
        "",
        (2019, 2025),
        [level("2019-12-31", ">=", 20), level("2020-12-31", ">=", 35)],
    ),
    (
        "2023年培训2万人次",
        "",
        (2021, 2025),
        [cumulative("2023-12-31", ">=", 20000, "人次")],
    ),
]


@pytest.mark.parametrize(
    ("schedule", "task", "period", "expected"),
    OTHER_OFFICES,
)
def test_other_offices_phrasings(
    schedule: str, task: str, period: tuple[int, int], expected: list[Row]
) -> None:
    parsed = parse_schedule(schedule, task, period)

    assert rows(parsed) == expected
    assert parsed.needs_review is False


# ---------------------------------------------------------------------------------------------
# Quantities from the task text
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ("培育150名“优秀技能人才”", [cumulative("2025-12-31", ">=", 150, "人")]),
        ("培训5.6万人", [cumulative("2025-12-31", ">=", 56000, "人")]),
        ("投入资金80万元", [cumulative("2025-12-31", ">=", 800000, "元")]),
        ("新建10 家示范企业", [cumulative("2025-12-31", ">=", 10, "家")]),
        ("建成6个集团、2所院校", [level("2025-12-31", ">=", 100)]),
        ("每年培育“首席工人”20名", [level("2025-12-31", ">=", 100)]),
        ("覆盖率达到60%", [level("2025-12-31", ">=", 100)]),
        ("新建1-2家", [level("2025-12-31", ">=", 100)]),
        ("完善制度", [level("2025-12-31", ">=", 100)]),
    ],
)
def test_all_done_takes_a_quantity_only_when_the_task_names_exactly_one_count(
    task: str, expected: list[Row]
) -> None:
    assert rows(parse_schedule("到2025年全部完成", task, CIXI_PERIOD)) == expected


def test_full_coverage_never_takes_the_task_quantity() -> None:
    parsed = parse_schedule("2025年实现全覆盖", "每年投入普惠资金80万元以上", CIXI_PERIOD)

    assert rows(parsed) == [level("2025-12-31", ">=", 100)]


# ---------------------------------------------------------------------------------------------
# Needs review: nothing silently guessed
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("schedule", ["", "   ", "\n\t"])
def test_empty_schedule_needs_review(schedule: str) -> None:
    parsed = parse_schedule(schedule, "任务", CIXI_PERIOD)

    assert parsed == ParsedSchedule(milestones=(), needs_review=True, reasons=("时间进度为空",))


@pytest.mark.parametrize(
    ("schedule", "reason_part"),
    [
        ("启动", "无法识别"),
        ("加强管理", "无法识别"),
        ("到2025年", "只有时间"),
        ("2025年达到50", "缺少单位"),
        ("达到50家", "未写明完成数量的时间"),
        ("95%以上", "未写明达到的时间"),
        ("2019年、2020年达到50%", "时间不止一个"),
        ("2021年、2022年分别达到60%", "个数不一致"),
        ("2025年达到50%和30家", "多个数量"),
        ("以2018年为基数", "没有写增长要求"),
        ("每年提高5个百分点", "百分点"),
        ("不超过50%以上", "矛盾"),
        ("2021年6月前完成", "是否含当月不明确"),
        ("2021年13月底前完成", "月份13"),
        ("2030年达到50%", "不在方案期限"),
        ("2018年起每年培养100人", "不在方案期限"),
        ("2025年完成并常态化推进", "超出方案期限"),
        ("2025-2021年全覆盖", "起止颠倒"),
        ("2021年起完成", "完成时间不明确"),
        ("每两年举办1次", "每两年"),
        ("每年开展", "缺少数量"),
        ("2025年完成12345678901234567", "无法识别的数字"),
        ("3000年达到50%", "年份3000"),
    ],
)
def test_unclear_text_needs_review_with_a_chinese_reason(schedule: str, reason_part: str) -> None:
    parsed = parse_schedule(schedule, "", CIXI_PERIOD)

    assert parsed.needs_review is True
    assert any(reason_part in reason for reason in parsed.reasons), parsed.reasons


def test_readable_clauses_are_kept_when_another_clause_needs_review() -> None:
    parsed = parse_schedule("2019年达到20%，加强管理", "", CIXI_PERIOD)

    assert rows(parsed) == [level("2019-12-31", ">=", 20)]
    assert parsed.needs_review is True
    assert parsed.reasons == ("无法识别：「加强管理」",)


# ---------------------------------------------------------------------------------------------
# Arguments, order and provenance
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "period",
    [(2025, 2019), (1800, 2025), (2019, 2300), ("2019", 2025), (2019,), (True, 2025), None],
)
def test_a_bad_period_raises_schedule_parse_error(period: object) -> None:
    with pytest.raises(ScheduleParseError) as raised:
        parse_schedule("常态化开展", "", period)  # type: ignore[arg-type]

    assert "方案期限" in raised.value.reason


def test_a_single_year_period_is_fine() -> None:
    parsed = parse_schedule("常态化开展", "", (2024, 2024))

    assert rows(parsed) == [ongoing("2024-01-01", "2024-12-31")]


def test_milestones_come_in_due_order_whatever_the_clause_order() -> None:
    parsed = parse_schedule("2025年全覆盖，2019年达到20%，2021年6月底前达到30%", "", CIXI_PERIOD)

    assert [m.due.isoformat() for m in parsed.milestones] == [
        "2019-12-31",
        "2021-06-30",
        "2025-12-31",
    ]


def test_each_milestone_keeps_the_clause_it_came_from() -> None:
    parsed = parse_schedule("2019年启动，2020年完成并常态化推进", "", CIXI_PERIOD)

    assert [m.source for m in parsed.milestones] == ["2019年启动", "2020年完成", "常态化推进"]


def test_json_shape_of_an_ongoing_and_a_range_milestone() -> None:
    parsed = parse_schedule("每年新建1-2家，常态化推进", "", (2025, 2025))

    assert [m.to_json() for m in parsed.milestones] == [
        {
            "kind": "annual",
            "due": "2025-12-31",
            "comparator": ">=",
            "target": 1.0,
            "unit": "家",
            "upper": 2.0,
        },
        {
            "kind": "ongoing",
            "due": "2025-12-31",
            "comparator": None,
            "target": None,
            "unit": None,
            "from": "2025-01-01",
        },
    ]
