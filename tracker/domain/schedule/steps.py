"""Numbered steps and name prefixes inside a schedule cell, split off before the grammar
reads it (issue 11 §1).

Real tables write a cell's plan as steps — "1.4月底前完成摸底；2.6月底前出台方案" — and
start it with a label — "项目名称：…；实施计划：…". Read as they stand, "1.4月" is the
number 1.4 and a label's words confuse the quantity count. So, at the start of the cell
and after each ；;。 or line break:

* a step number ("1." "2、" "（3）" "(4)" "①") becomes a clause break when the cell's step
  numbers count 1, 2, … (two or more of them; also right after a Chinese character, as a
  cell whose lines were joined reads "…摸底2.6月底前…"), or when the only one is "1." at a
  segment's start right before a month or year ("1.4月底前" is step 1, "4月底前"); a decimal
  ("1.5倍以上", "2.5万人") is never a step;
* a short label without digits ending in a colon ("实施计划：", "名称:") is dropped.

Decision: the stored schedule text stays as the office wrote it; only what the grammar
reads is cleaned.
"""

from __future__ import annotations

import re

_SEGMENT_START = r"(?:^|(?<=[；;。\n]))\s*"
#: A step number: at a segment's start, or (cells whose lines were joined) right after a
#: Chinese character; not a decimal ("1.5倍", "2.5万").
_STEP_RE = re.compile(
    r"(?:^|(?<=[；;。，,\n\u4e00-\u9fff]))\s*"
    r"(?:(\d{1,2})\s*[.．、](?!\d+(?:[.．]\d|%|倍|个|万))|[（(](\d{1,2})[）)]|([①-⑳]))"
)
_LABEL_RE = re.compile(_SEGMENT_START + r"[^\d\s：:；;。，,、]{1,10}[：:]")
_MONTH_OR_YEAR_AFTER = re.compile(r"\d{1,4}\s*[月年]")
_CIRCLED_BASE = ord("①") - 1


def strip_steps(text: str) -> str:
    """``text`` with step numbers turned into clause breaks and labels dropped (see the
    module docstring); text without either is returned unchanged."""
    text = _LABEL_RE.sub("", text)
    matches = list(_STEP_RE.finditer(text))
    if not matches or not _counts_steps(text, matches):
        return text
    return _STEP_RE.sub("；", text).strip("；")


def _number(match: re.Match[str]) -> int:
    if match.group(3):
        return ord(match.group(3)) - _CIRCLED_BASE
    return int(match.group(1) or match.group(2))


def _counts_steps(text: str, matches: list[re.Match[str]]) -> bool:
    numbers = [_number(match) for match in matches]
    if len(numbers) >= 2:
        return numbers == list(range(1, len(numbers) + 1))
    only = matches[0]
    before = text[: only.start()].strip()
    at_start = not before or before[-1] in "；;。"
    return at_start and numbers == [1] and _MONTH_OR_YEAR_AFTER.match(text, only.end()) is not None
