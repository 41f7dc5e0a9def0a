"""How values are written for people: counts of things (人, 家, 个 …) as whole numbers,
every other quantity without trailing zeros (issue 12 §5). The one formatting helper of
the pages, the API's texts and the lag messages."""

from __future__ import annotations

import math

#: Units counted in whole things: "40.43人" is written "40人".
COUNTABLE_UNITS = frozenset(
    {
        "人",
        "名",
        "家",
        "个",
        "次",
        "户",
        "所",
        "座",
        "套",
        "场",
        "期",
        "例",
        "张",
        "项",
        "件",
        "批",
        "处",
        "支",
        "位",
        "台",
        "辆",
        "篇",
        "条",
        "本",
        "部",
        "间",
    }
)


def is_countable(unit: str | None) -> bool:
    """True when ``unit`` counts whole things."""
    return unit is not None and unit.strip() in COUNTABLE_UNITS


def plain_number(value: float, unit: str | None = None) -> str:
    """``value`` as text: a whole number (half rounded up) for a countable ``unit``, else
    at most two decimals without trailing zeros (27.5, 38.16, 56000)."""
    if not math.isfinite(value):
        return "—"
    if is_countable(unit):
        whole = math.floor(abs(value) + 0.5)
        return str(-whole if value < 0 and whole else whole)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def quantity(value: float | None, unit: str | None = None, *, missing: str = "—") -> str:
    """``value`` with its unit ("25家", "27.5%"); ``missing`` when there is none."""
    if value is None or not math.isfinite(value):
        return missing
    return f"{plain_number(value, unit)}{unit or ''}"
