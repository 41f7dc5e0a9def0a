"""Targets against a base year's actual value (issue 10, item 2): table-driven, no app.

Each phrasing is from a public plan or report (source noted), or, where the source says
``_OURS``, written by us after such a wording; the expected milestones are written by hand
in the shape of ``plan show --json``.
"""

from __future__ import annotations

import pytest

from tracker.domain.milestones import Relative, RelativeKind
from tracker.domain.schedule import parse_schedule

Json = dict[str, object]

_NENGYUANJIE = "https://nengyuanjie.net/article/53350.html"  # 《“十四五”节能减排综合工作方案》
_SHIFEN = "https://news.shi-fen.com/china/202111/50-1155935.html"
_JINGMEN = "http://m-jingmen.cjyun.org/p/195774.html"  # 荆门市蓝天保卫战实施方案
_WOKEE = "https://wokee.net/5367.html"  # 2016年政府工作报告（“十三五”目标）
_REDTOWER = "http://redtowerstudio.com/xwzx/2016-03/07/content_211241.htm"  # 同上
_UNIQUE = "https://uniquemedia.hk/?p=167805"  # “十五五”规划纲要草案
_STORM = "https://storm.mg/article/84349?page=2"  # “十三五”规划纲要草案
_ISSUE = "issue 10 (the office's own examples)"
_OURS = "constructed by us after the wording of the sources above, not quoted from a plan"


def relative(
    due: str,
    comparator: str,
    base_year: int,
    kind: str,
    amount: float,
    unit: str | None = None,
) -> Json:
    """A level milestone against ``base_year``: its target waits for the base."""
    return {
        "kind": "level",
        "due": due,
        "comparator": comparator,
        "target": None,
        "unit": unit,
        "relative": {"base_year": base_year, "kind": kind, "amount": amount},
    }


READ = [
    (
        "到2025年，全国单位国内生产总值能源消耗比2020年下降13.5%",
        (2021, 2025),
        [relative("2025-12-31", "<=", 2020, "percent_change", -13.5)],
        _NENGYUANJIE,
    ),
    (
        "到2025年，单位国内生产总值二氧化碳排放比2020年下降18%",
        (2021, 2025),
        [relative("2025-12-31", "<=", 2020, "percent_change", -18.0)],
        _SHIFEN,
    ),
    (
        "到2020年，重度及以上污染天数比率比2015年下降25%以上",
        (2018, 2020),
        [relative("2020-12-31", "<=", 2015, "percent_change", -25.0)],
        _JINGMEN,
    ),
    (
        "到2035年人均国内生产总值比2020年翻一番",
        (2026, 2035),
        [relative("2035-12-31", ">=", 2020, "multiple", 2.0)],
        _UNIQUE,
    ),
    (
        "单位GDP能耗较2022年下降8%",
        (2024, 2024),
        [relative("2024-12-31", "<=", 2022, "percent_change", -8.0)],
        _ISSUE,
    ),
    (
        "2025年较2022年下降8%",
        (2023, 2027),
        [relative("2025-12-31", "<=", 2022, "percent_change", -8.0)],
        _ISSUE,
    ),
    (
        "2025年比2020年提高5个百分点",
        (2021, 2025),
        [relative("2025-12-31", ">=", 2020, "level_change", 5.0, "%")],
        _ISSUE,
    ),
    (
        "到2025年翻一番",
        (2021, 2025),
        [relative("2025-12-31", ">=", 2020, "multiple", 2.0)],
        _ISSUE,
    ),
    (
        "到2020年，全县地区生产总值比2010年翻两番",
        (2016, 2020),
        [relative("2020-12-31", ">=", 2010, "multiple", 4.0)],
        _OURS,  # after the 三步走 wording 翻两番 (see _REDTOWER for the national 翻一番)
    ),
    (
        "到2025年，化学需氧量排放总量比2020年下降8%",
        (2021, 2025),
        [relative("2025-12-31", "<=", 2020, "percent_change", -8.0)],
        _NENGYUANJIE,
    ),
    (
        "到2020年，细颗粒物(PM2.5)未达标城市浓度比2015年下降18%左右",
        (2018, 2020),
        [relative("2020-12-31", "<=", 2015, "percent_change", -18.0)],
        _JINGMEN,
    ),
    (
        "到2025年，森林覆盖率比2020年提高0.5个百分点以上",
        (2021, 2025),
        [relative("2025-12-31", ">=", 2020, "level_change", 0.5, "%")],
        _OURS,  # after _WOKEE's "还有大约0.5个百分点的提升空间"
    ),
    (
        "2024年6月底前，办件量较2022年增长20%",
        (2024, 2024),
        [relative("2024-06-30", ">=", 2022, "percent_change", 20.0)],
        _ISSUE,
    ),
]


@pytest.mark.parametrize(("schedule", "period", "expected", "source"), READ)
def test_relative_targets_keep_their_base(
    schedule: str, period: tuple[int, int], expected: list[Json], source: str
) -> None:
    parsed = parse_schedule(schedule, "", period)
    assert not parsed.needs_review, (source, parsed.reasons)
    assert [m.to_json() for m in parsed.milestones] == expected, source


FLAGGED = [
    (
        "到2020年国内生产总值和城乡居民人均收入比2010年翻一番",
        (2016, 2020),
        "多个相对基期的指标",
        _WOKEE,
    ),
    (
        "到2020年，二氧化硫和氮氧化物排放总量分别比2015年下降15%以上",
        (2018, 2020),
        "多个相对基期的指标",
        _JINGMEN,
    ),
    (
        "化学需氧量、氨氮排放总量比2020年分别下降8%、8%",
        (2021, 2025),
        "多个",
        _NENGYUANJIE,
    ),
    ("单位国内生产总值能源消耗比2020年下降13.5%", (2021, 2025), "完成时间", _NENGYUANJIE),
    ("单位国内生产总值用水量分别下降23%", (2016, 2020), "与哪一年相比", _STORM),
    ("到2025年比2020年年均增长7%", (2021, 2025), "年均", _ISSUE),
    ("到2025年比2020年增长1倍", (2021, 2025), "幅度无法识别", _ISSUE),
    ("2019年较2020年下降8%", (2018, 2020), "不晚于基期", _ISSUE),
    ("到2025年比2020年翻一番达到10亿元", (2021, 2025), "翻番", _ISSUE),
]


@pytest.mark.parametrize(("schedule", "period", "reason_part", "source"), FLAGGED)
def test_unsure_relative_targets_go_to_review(
    schedule: str, period: tuple[int, int], reason_part: str, source: str
) -> None:
    parsed = parse_schedule(schedule, "", period)
    assert parsed.needs_review, source
    assert any(reason_part in reason for reason in parsed.reasons), parsed.reasons


@pytest.mark.parametrize(
    ("relative", "text"),
    [
        (Relative(2022, RelativeKind.PERCENT_CHANGE, -8.0), "较2022年下降8%（待填2022年基期值）"),
        (
            Relative(2020, RelativeKind.LEVEL_CHANGE, 5.0, 60.0),
            "较2020年提高5个百分点（基期值60，目标65）",
        ),
        (
            Relative(2020, RelativeKind.MULTIPLE, 2.0, 10.0),
            "较2020年翻一番（×2）（基期值10，目标20）",
        ),
    ],
)
def test_relative_targets_read_in_chinese(relative: Relative, text: str) -> None:
    assert relative.describe() == text
