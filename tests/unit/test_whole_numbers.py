"""Values written for people (issue 12 §5): counts are whole numbers, the rest keeps up to
two decimals."""

from __future__ import annotations

import pytest

from tracker.domain.whole_numbers import is_countable, plain_number, quantity


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (40.43, "人", "40"),
        (40.5, "家", "41"),
        (1.5, "个", "2"),
        (-2.5, "户", "-3"),
        (0.2, "次", "0"),
        (1e9, "家", "1000000000"),
        (27.5, "%", "27.5"),
        (38.164, "%", "38.16"),
        (56000.0, "元", "56000"),
        (1.1, "倍", "1.1"),
        (25.0, None, "25"),
    ],
)
def test_plain_number(value: float, unit: str | None, text: str) -> None:
    assert plain_number(value, unit) == text


def test_quantity_and_countable_units() -> None:
    assert quantity(40.43, "人") == "40人"
    assert quantity(None, "人") == "—"
    assert quantity(float("nan"), "人") == "—"
    for unit in ("人", "家", "个", "次", "户", "所", "座", "套", "场", "期", "例", "张"):
        assert is_countable(unit)
    assert not is_countable("%") and not is_countable(None)
