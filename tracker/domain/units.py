"""Splitting a responsibility-table unit cell (牵头单位 / 配合单位) into unit names.

A unit cell lists organisations separated by 、，, ；; line breaks or spaces, e.g.
"市总工会、团市委、市妇联" or "市人力社保局\\n市工商联". Narrow Word/Excel cells also wrap a
single name over two lines ("市总\\n工会"); those pieces are joined again.

Rejoin rule (line breaks only; 、，,；; always separate): the text before a line break is
joined with the text after it when

* it does not end like a complete organisation name, i.e. with one of ``ORG_ENDINGS``
  (局, 会, 委, 部, 办, 中心, 公司, 街道, 镇, …) or a closing parenthesis; or
* it has an unclosed parenthesis ("市委组织部（市委\\n人才办）"); or
* the text after the break starts with a name ending that never starts a name
  ("市人大常委\\n会办公室": 会 cannot start an organisation name).

So "市总\\n工会" → 市总工会, while "市人力社保局\\n市工商联" → 市人力社保局, 市工商联.

A trailing parenthesis naming another organisation is an alias:
"市委组织部（市委人才办）" → UnitName("市委组织部", aliases=("市委人才办",)). A parenthesis
that is not an organisation name stays part of the name ("各镇（街道）"), and the role
notes （牵头） / （配合） are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Endings of a complete organisation name. 市/县 are left out on purpose: a narrow cell
# may wrap "宁波市\n教育局", and a wrongly joined name is rarer than a wrongly split one.
ORG_ENDINGS: tuple[str, ...] = (
    "局",
    "会",
    "委",
    "部",
    "办",
    "联",
    "院",
    "中心",
    "室",
    "厅",
    "处",
    "所",
    "站",
    "队",
    "团",
    "社",
    "司",
    "公司",
    "集团",
    "企业",
    "组织",
    "学校",
    "校",
    "政府",
    "府",
    "街道",
    "镇",
    "村",
    "区",
    "协",
    "行",
    "单位",
    "部门",
    "机构",
)

# Characters that end organisation names but never start one: text after a line break
# that begins with them is the tail of the previous name.
_TAIL_STARTS = frozenset("局会委部办室厅处所站队")

_HARD_SEPARATORS = "、，,；;"
_LINE_BREAKS = "\r\n\v\f\u2028\u2029\x85"
_SEPARATOR_RUN_RE = re.compile(r"([、，,；;\s\u3000]+)")
_PAREN_SPACE_RE = re.compile(r"[ \t\u3000\xa0]*([（）()])[ \t\u3000\xa0]*")
_TRAILING_PAREN_RE = re.compile(r"^(?P<head>.+?)[（(](?P<inner>[^（）()]+)[）)]$")
_ROLE_NOTES = frozenset({"牵头", "配合", "牵头单位", "配合单位", "负责", "主责"})
_NONE_MARKS = frozenset({"无", "/", "／", "-", "—", "——", "－", "\\"})


@dataclass(frozen=True)
class UnitName:
    """One organisation named in a unit cell, with the names given in parentheses."""

    name: str
    aliases: tuple[str, ...] = ()


def split_units(text: str) -> list[UnitName]:
    """Split a unit cell into unit names, in order, without duplicates.

    Args:
        text: the raw cell text, line breaks included (they are needed to rejoin names).

    Returns:
        One UnitName per organisation; [] for an empty cell or a "无" / "/" / "—" cell.
        A name listed twice is kept once (at its first place, aliases merged).
    """
    units: list[UnitName] = []
    for fragment in _rejoin(_PAREN_SPACE_RE.sub(r"\1", text or "").strip()):
        unit = _parse_unit(fragment)
        if unit is not None:
            _add_unique(units, unit)
    return units


def _rejoin(text: str) -> list[str]:
    """Cut text at separator runs and join what a line break alone split inside a name."""
    if not text:
        return []
    parts = _SEPARATOR_RUN_RE.split(text)
    names = [parts[0]]
    for separator, fragment in zip(parts[1::2], parts[2::2], strict=True):
        kind = _separator_kind(separator, names[-1], fragment)
        if kind == "space":
            names[-1] += " " + fragment
        elif kind == "soft" and _continues(names[-1], fragment):
            names[-1] += fragment
        else:
            names.append(fragment)
    return names


def _separator_kind(separator: str, before: str, after: str) -> str:
    """'hard' (、，；, or spaces between names), 'soft' (line breaks) or 'space' (ASCII words)."""
    if any(char in _HARD_SEPARATORS for char in separator):
        return "hard"
    if any(char in _LINE_BREAKS for char in separator):
        return "soft"
    if before[-1:].isascii() and before[-1:].isalnum() and after[:1].isascii():
        return "space"
    return "hard"


def _continues(before: str, after: str) -> bool:
    """Whether the text after a line break is the rest of the name before it."""
    return not _is_complete(before) or after[:1] in _TAIL_STARTS


def _is_complete(fragment: str) -> bool:
    """Whether a fragment ends like a whole organisation name (module docstring rule)."""
    if _unbalanced(fragment):
        return False
    return fragment.endswith(("）", ")", *ORG_ENDINGS))


def _unbalanced(text: str) -> bool:
    opened = text.count("（") + text.count("(")
    closed = text.count("）") + text.count(")")
    return opened > closed


def _parse_unit(fragment: str) -> UnitName | None:
    """One fragment → UnitName, splitting off alias parentheses; None for "无"-like marks."""
    name = fragment.strip()
    if not name or name in _NONE_MARKS:
        return None
    if name.endswith("等") and len(name) > 1 and _is_complete(name[:-1]):
        name = name[:-1]
    aliases: list[str] = []
    while match := _TRAILING_PAREN_RE.match(name):
        inner = match["inner"].strip()
        if inner in _ROLE_NOTES:
            name = match["head"].strip()
        elif len(inner) >= 3 and inner.endswith(ORG_ENDINGS):
            aliases.insert(0, inner)
            name = match["head"].strip()
        else:
            break
    return UnitName(name, tuple(aliases))


def _add_unique(units: list[UnitName], unit: UnitName) -> None:
    """Append unit, or merge its aliases into an earlier unit of the same name."""
    for index, known in enumerate(units):
        if known.name == unit.name:
            extra = tuple(a for a in unit.aliases if a not in known.aliases)
            units[index] = UnitName(known.name, known.aliases + extra)
            return
    units.append(unit)
