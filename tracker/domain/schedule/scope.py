"""Numbers that are scope, not targets (issue 10, item 6), and markers of targets the
grammar must not read on its own: relative targets and per-capita ratios.

Scope: "46个重点城市" (where the work happens), "5G"/"4G"/"3A级"/"PM2.5" (names),
"0-3岁婴幼儿"/"60岁以上老年人" (who it is for), "15分钟生活圈" (a planning concept),
"328国道", "9大工程", "第3批", "10千伏线路", "35蒸吨以下", "数字政府2.0".
:func:`mask_scope` replaces the digits of such spans by "#" so that no quantity is read from
them; the text keeps its length, so spans found in the masked text are valid in the original.
"""

from __future__ import annotations

import re

_PLACE_NOUNS = (
    r"(?:重点|试点|示范|地级及以上|地级以上)?"
    r"(?:城市|省份|省|地市|地级市|县区|区县|县\(市、区\)|县\(市\)|县|乡镇|镇|街道|社区|行政村|村)"
)
_SCOPE_RES = (
    re.compile(r"[0-9]+(?:\.[0-9]+)?[A-Za-z]+[0-9]*"),
    re.compile(r"[A-Za-z]+[0-9]+(?:\.[0-9]+)?"),
    re.compile(r"[0-9]+(?:-[0-9]+)?周?岁(?:及以上|以上|及以下|以下)?(?=[\u4e00-\u9fff])"),
    re.compile(r"[0-9]+分钟(?=[^,;]{0,8}圈)"),
    re.compile(r"[0-9]+(?:国道|省道|县道|号线|号)"),
    re.compile(r"[0-9]+大(?=[\u4e00-\u9fff])"),
    re.compile(r"第[0-9]+"),
    re.compile(r"[0-9]+(?:星级|级)"),
    re.compile(r"[0-9]+(?:\.[0-9]+)?(?:千伏|蒸吨)"),
    # a version, "数字政府2.0", "工业互联网3.0版"
    re.compile(r"(?<=[\u4e00-\u9fff])(?<![达到于过至为比])[0-9]\.0(?=$|版|时代|”|\")"),
    re.compile(
        # after 在/于/… or at the start of what the clause says ("到2020年，46个重点城市…")
        r"(?:(?<=在)|(?<=于)|(?<=面向)|(?<=聚焦)|(?<=选取)|(?<=选择)|(?<=涉及)|(?<=全国)|(?<![^ ]))"
        r"[0-9]+个" + _PLACE_NOUNS
    ),
)

#: Ratios per head of population or per unit: "每千人口拥有执业医师3.4人", "每个乡镇建有1所".
PER_UNIT_RE = re.compile(
    r"每(?:千|万|百|十万)|每(?:个|家|所|村|户|名|位|人|院|校|镇|乡)(?!季度|月|年|周|工作日)"
)
#: A rate of a grant or fee, not a target: "按1500元/人的标准发放", "按照每院5万元的标准".
STANDARD_RE = re.compile(r"按(?:照)?[^,;]*标准")
#: Targets against a base that the schedule does not give: "翻一番", "提高5个百分点".
DOUBLING_RE = re.compile(r"翻一番|翻番|翻两番|翻了一番")


def mask_scope(text: str) -> str:
    """``text`` with the digits of every scope span replaced by "#" (same length)."""
    masked = text
    for pattern in _SCOPE_RES:
        masked = pattern.sub(lambda m: re.sub(r"[0-9.]", "#", m[0]), masked)
    return masked
