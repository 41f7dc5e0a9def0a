"""Password policies of both profiles (no Flask): "basic" asks for 10 characters;
"dengbao" (等保) for 8 characters of three classes, 90 days, none of the last 5."""

from __future__ import annotations

import pytest

from tracker.domain.passwords import BASIC, DENGBAO, PROFILES, character_classes

DEMO_PASSWORD = "Cixi@2020demo"  # README, seeds: every demo account's password


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdefgh", 1), ("abcdEFGH", 2), ("abcdEF12", 3), ("abcD1#", 4), ("改革任务台账abc", 2)],
)
def test_character_classes(password: str, classes: int) -> None:
    """Upper case, lower case, digits and anything else (Chinese counts as "else")."""
    assert character_classes(password) == classes


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("short-pw1", ["密码至少 10 位"]),
        ("longenough", []),
        ("aaaaaaaaaa", []),
        (DEMO_PASSWORD, []),
    ],
)
def test_basic_asks_for_ten_characters(password: str, problems: list[str]) -> None:
    assert BASIC.problems(password) == problems


THREE_CLASSES = "密码须包含大写字母、小写字母、数字、特殊符号中的至少 3 类"


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("Ab1#xyz", ["密码至少 8 位"]),
        ("abcdefgh12", [THREE_CLASSES]),
        ("Abcdefgh", [THREE_CLASSES]),
        ("abc", ["密码至少 8 位", THREE_CLASSES]),
        ("Abcdefg1", []),
        ("abcdefg1#", []),
        (DEMO_PASSWORD, []),
    ],
)
def test_dengbao_asks_for_eight_characters_of_three_classes(
    password: str, problems: list[str]
) -> None:
    assert DENGBAO.problems(password) == problems


def test_the_profiles() -> None:
    """Only dengbao limits the age (90 days) and remembers the last 5 passwords."""
    assert set(PROFILES) == {"basic", "dengbao"}
    assert (BASIC.max_age_days, BASIC.history) == (None, 1)
    assert (DENGBAO.max_age_days, DENGBAO.history) == (90, 5)
    assert "每 90 天须更换一次" in DENGBAO.describe()
    assert "不得与最近 5 次使用过的密码相同" in DENGBAO.describe()
    assert BASIC.describe() == "密码至少 10 位，不得与当前密码相同。"
