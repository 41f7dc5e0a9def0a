"""split_units: what an office sees when a unit cell becomes a list of units."""

from __future__ import annotations

import pytest

from tracker.domain.units import UnitName, split_units


def names(text: str) -> list[str]:
    return [unit.name for unit in split_units(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市总工会、团市委、市妇联", ["市总工会", "团市委", "市妇联"]),
        ("市总工会，市妇联", ["市总工会", "市妇联"]),
        ("市总工会,市妇联", ["市总工会", "市妇联"]),
        ("市总工会；市妇联", ["市总工会", "市妇联"]),
        ("市总工会;市妇联", ["市总工会", "市妇联"]),
        ("市总工会 市妇联", ["市总工会", "市妇联"]),
        ("市总工会\u3000市妇联", ["市总工会", "市妇联"]),
        ("  市总工会 、 市妇联 ", ["市总工会", "市妇联"]),
        ("市总工会、、市妇联、", ["市总工会", "市妇联"]),
    ],
)
def test_separators_split_units(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市总\n工会", "市总工会"),
        ("市教\n育局", "市教育局"),
        ("市财\n政局", "市财政局"),
        ("市住\n建局", "市住建局"),
        ("市总\r\n工会", "市总工会"),
        ("宁波市\n教育局", "宁波市教育局"),
        ("市人力\n社保\n局", "市人力社保局"),
        ("市人大常委\n会办公室", "市人大常委会办公室"),
        ("市委组织部（市委\n人才办）", "市委组织部"),
    ],
)
def test_line_break_inside_a_name_is_rejoined(text: str, expected: str) -> None:
    assert names(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市人力社保局\n市工商联", ["市人力社保局", "市工商联"]),
        ("市总工会\n市应急管理局", ["市总工会", "市应急管理局"]),
        ("团市委\n市妇联", ["团市委", "市妇联"]),
        ("市融媒体中心\n市委宣传部", ["市融媒体中心", "市委宣传部"]),
        ("宁波某某有限公司\n各镇（街道）", ["宁波某某有限公司", "各镇（街道）"]),
        ("市总工会、\n市教育局", ["市总工会", "市教育局"]),
    ],
)
def test_line_break_after_a_complete_name_separates(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_only_line_breaks_rejoin_commas_always_separate() -> None:
    assert names("市总、工会") == ["市总", "工会"]
    assert names("市教，育局") == ["市教", "育局"]


def test_line_break_rejoin_inside_a_longer_list() -> None:
    assert names("市总工会、市教\n育局、市财\n政局") == ["市总工会", "市教育局", "市财政局"]


@pytest.mark.parametrize(
    "text",
    ["市委组织部（市委人才办）", "市委组织部(市委人才办)", "市委组织部 （市委人才办）"],
)
def test_parenthesised_organisation_is_an_alias(text: str) -> None:
    assert split_units(text) == [UnitName("市委组织部", aliases=("市委人才办",))]


def test_alias_inside_a_list() -> None:
    assert split_units("市委组织部（市委人才办）、市总工会、市财政局") == [
        UnitName("市委组织部", ("市委人才办",)),
        UnitName("市总工会"),
        UnitName("市财政局"),
    ]


def test_parenthesis_that_is_not_an_organisation_stays_in_the_name() -> None:
    assert split_units("各镇（街道）") == [UnitName("各镇（街道）")]


def test_role_note_in_parentheses_is_dropped() -> None:
    assert split_units("市总工会（牵头）、市妇联(配合)") == [
        UnitName("市总工会"),
        UnitName("市妇联"),
    ]


def test_group_names_stay_one_unit() -> None:
    assert split_units("市级各群团组织") == [UnitName("市级各群团组织")]
    assert names("市委统战部、市政协办公室、市级各群团组织") == [
        "市委统战部",
        "市政协办公室",
        "市级各群团组织",
    ]


def test_duplicates_are_dropped_keeping_first_place() -> None:
    assert names("市总工会、市妇联、市总工会") == ["市总工会", "市妇联"]


def test_duplicate_with_alias_merges_the_alias() -> None:
    assert split_units("市委组织部、市委组织部（市委人才办）") == [
        UnitName("市委组织部", ("市委人才办",))
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n", "无", "/", "—", "-", "、"])
def test_empty_or_none_cell_gives_no_units(text: str) -> None:
    assert split_units(text) == []


def test_trailing_deng_is_dropped() -> None:
    assert names("市发改局、市经信局等") == ["市发改局", "市经信局"]


def test_ascii_words_keep_their_spaces() -> None:
    assert names("ABC Energy Ltd、市总工会") == ["ABC Energy Ltd", "市总工会"]


def test_unit_name_is_hashable_and_frozen() -> None:
    unit = UnitName("市总工会")
    assert {unit: 1}[UnitName("市总工会")] == 1
    with pytest.raises(AttributeError):
        unit.name = "x"  # type: ignore[misc]
