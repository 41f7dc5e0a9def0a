"""Reading a plan's period from its title ("…（2019—2025年）…")."""

from __future__ import annotations

import re

_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-－—–~～至到]\s*((?:19|20)\d{2})\s*年?")


def period_from_title(title: str) -> tuple[int, int] | None:
    """The first "YYYY-YYYY" year range in ``title`` as (first, last), or None when there is
    none or it runs backwards. Dashes of any width, "至" and "到" separate the years."""
    match = _RANGE.search(title)
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    return (first, last) if first <= last else None


def parse_period_option(text: str) -> tuple[int, int]:
    """``--period 2019-2025`` as (2019, 2025). Raises ValueError with a Chinese message."""
    found = period_from_title(text.strip())
    if found is None or not _RANGE.fullmatch(text.strip()):
        raise ValueError(f"实施期限「{text}」应写作 YYYY-YYYY，例如 2019-2025")
    return found
