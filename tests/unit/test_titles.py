"""Reading a plan's period from its title or the --period option."""

from __future__ import annotations

import pytest

from tracker.domain.titles import parse_period_option, period_from_title


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("宁波市产业工人队伍建设改革实施方案（2019—2025年）", (2019, 2025)),
        ("某区深化改革三年行动计划(2021-2023)", (2021, 2023)),
        ("2020年至2022年重点任务分解表", (2020, 2022)),
        ("2021～2025年工作要点", (2021, 2025)),
        ("《新时代慈溪产业工人队伍建设改革实施方案》重点任务责任分工", None),
        ("2025-2019年倒序", None),
        ("", None),
    ],
)
def test_period_from_title(title: str, period: tuple[int, int] | None) -> None:
    assert period_from_title(title) == period


def test_period_option_accepts_only_a_year_range() -> None:
    assert parse_period_option(" 2019-2025 ") == (2019, 2025)
    for bad in ("2019", "2019-25", "方案2019-2025", "2025-2019"):
        with pytest.raises(ValueError, match="YYYY-YYYY"):
            parse_period_option(bad)
