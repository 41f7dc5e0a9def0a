"""The rule grammar: one 评分要点 line → a :class:`RuleSpec` list.

The forms it reads are listed in :mod:`tracker.domain.scoring`; they come from the national
rubric (全国产业工人队伍建设改革评价考核评分表, its 评分要点 lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.domain.scoring.rules import RuleKind, RuleSpec, fmt_points

_NUM = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]+)"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}

_CLAUSE_SPLIT = re.compile(r"[，,；;。]|(?<=分)、(?!\d)")
_FLOOR_RE = re.compile(r"扣完.*为止|扣完为止|最低(?:为|得)?0分|不倒扣")
_BASE_RE = re.compile(rf"基础分(?:值)?(?:为|是|：|:)?\s*{_NUM}\s*分")
_CAP_RE = re.compile(
    rf"(总扣分|累计扣分|扣分|累计加分|加分|总加分)(?:最多|最高)?"
    rf"不(?:超过|高于|得超过|得高于|超出)\s*{_NUM}\s*分"
)
_CAP_MOST_RE = re.compile(rf"(?:最多|最高)(扣|加)\s*{_NUM}\s*分")
_EACH_PARTS_RE = re.compile(rf"(分别|各)(扣|加|得)\s*{_NUM}\s*分((?:\s*、\s*{_NUM}\s*分)*)")
_PER_RE = re.compile(rf"(?:每|逐)(?P<unit>[^的，、]{{0,6}}?)(?P<verb>扣|加)\s*{_NUM}\s*分")
_AMOUNT_RE = re.compile(rf"(扣|加|得)\s*{_NUM}\s*分")
_OPEN_BONUS_RE = re.compile(r"(?:逐项|进行|酌情|适当)?加分$")
_NOTE_RE = re.compile(r"不(?:得|加|扣)分")
_FILLER = frozenset({"", "下同", "以此类推", "依此类推"})
_PART_SEP = re.compile(r"、")


def _number(text: str) -> float | None:
    """'0.5' → 0.5, '十二' → 12, '两' → 2; None when unreadable."""
    try:
        return float(text)
    except ValueError:
        pass
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return float(_CN_DIGITS.get(tens, 1) * 10 + (_CN_DIGITS[ones] if ones else 0))
    value = 0
    for ch in text:
        value = value * 10 + _CN_DIGITS[ch]
    return float(value)


def _clean_condition(text: str) -> str:
    text = text.strip(" \t，,；;：:")
    for suffix in ("分别", "各", "的", "则", "者"):
        text = text.removesuffix(suffix)
    return text.strip(" \t，,")


def _split_outside_brackets(text: str) -> list[str]:
    """Split on 、 outside （…） and “…” (so "省（区、市）" stays whole)."""
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "（(“「":
            depth += 1
        elif ch in "）)”」":
            depth = max(0, depth - 1)
        if ch == "、" and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return [p for p in (piece.strip() for piece in pieces) if p]


def _parts_of(condition: str) -> tuple[str, ...]:
    """The named parts of a "分别扣"/"各扣" condition ("问题清单、责任清单…" → the lists)."""
    pieces = _split_outside_brackets(condition)
    if len(pieces) < 2:
        pieces = re.split(r"和|与|及", condition, maxsplit=1)
        if len(pieces) < 2:
            return ()
    else:
        last = re.split(r"和|及|或", pieces[-1], maxsplit=1)
        if len(last) == 2 and len(last[0]) <= 8:
            pieces = [*pieces[:-1], *last]
    first = pieces[0]
    if "未" in first:
        first = first.rsplit("未", 1)[1] or first
    pieces[0] = first
    pieces[-1] = pieces[-1].split("等", 1)[0]
    return tuple(p.strip() for p in pieces if p.strip())


def _per_unit(unit: str) -> float:
    """How many items one "每…" counts: "每两项" → 2, "每少一项"/"每1个企业" → 1."""
    match = re.search(_NUM, unit)
    number = _number(match.group(1)) if match else None
    return number if number and number > 0 else 1.0


@dataclass
class _LineState:
    """What has been read so far in one line (for caps and inherited parts)."""

    source: str
    rules: list[RuleSpec] = field(default_factory=list)
    group_start: int = 0
    pending: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)

    def condition(self, text: str) -> str:
        return _clean_condition("，".join([*self.pending, text]))


def _read_amount_clause(clause: str, state: _LineState) -> list[RuleSpec] | None:
    """A clause holding an amount ("扣8分", "每少一项扣0.5分", "分别扣2分", "得2分")."""
    src = state.source
    if each := _EACH_PARTS_RE.search(clause):
        return _read_parts(clause, each, state)
    if per := _PER_RE.search(clause):
        amount = _number(per.group(3))
        if amount is None:
            return None
        kind = RuleKind.DEDUCT_PER if per.group("verb") == "扣" else RuleKind.BONUS_PER
        points = amount / _per_unit(per.group("unit"))
        cond = state.condition(clause[: per.start()])
        return [RuleSpec(kind, points=points, condition=cond, source=src)]
    if fixed := _AMOUNT_RE.search(clause):
        amount = _number(fixed.group(2))
        if amount is None:
            return None
        kind = RuleKind.DEDUCT_FIXED if fixed.group(1) == "扣" else RuleKind.BONUS_FIXED
        cond = state.condition(clause[: fixed.start()])
        return [RuleSpec(kind, points=amount, condition=cond, source=src)]
    return None


def _read_parts(clause: str, match: re.Match[str], state: _LineState) -> list[RuleSpec] | None:
    """ "…、…分别扣2分" (one rule over named parts) or "…分别扣3分、2分" (one rule per part)."""
    cond = state.condition(clause[: match.start()])
    parts = _parts_of(cond) or _inherited_parts(state)
    amounts = [_number(match.group(3))]
    amounts += [_number(n) for n in re.findall(_NUM, match.group(4) or "")]
    if any(a is None for a in amounts):
        return None
    verb = match.group(2)
    if len(amounts) > 1:
        if len(amounts) != len(parts):
            return None
        kind = RuleKind.DEDUCT_FIXED if verb == "扣" else RuleKind.BONUS_FIXED
        return [
            RuleSpec(kind, points=a, condition=f"{cond}（{p}）", source=state.source)
            for p, a in zip(parts, amounts, strict=True)
        ]
    if verb == "扣":
        spec = RuleSpec(
            RuleKind.DEDUCT_PARTS,
            points=amounts[0],
            parts=parts,
            condition=cond,
            source=state.source,
        )
        return [spec]
    return [RuleSpec(RuleKind.BONUS_PER, points=amounts[0], condition=cond, source=state.source)]


def _inherited_parts(state: _LineState) -> tuple[str, ...]:
    """ "…机制的分别扣2分，未推动落实的分别扣2分": the second rule reuses the parts."""
    for rule in reversed(state.rules):
        if rule.kind is RuleKind.DEDUCT_PARTS and rule.parts:
            return rule.parts
    return ()


def _apply_cap(clause: str, state: _LineState) -> bool:
    """A cap clause: attach it to the single preceding rule of its sign, else emit ``CAP``."""
    match = _CAP_RE.search(clause)
    if match:
        bonus, amount = "加" in match.group(1), _number(match.group(2))
    elif most := _CAP_MOST_RE.search(clause):
        bonus, amount = most.group(1) == "加", _number(most.group(2))
    else:
        return False
    if amount is None:
        return False
    group = [
        i
        for i in range(state.group_start, len(state.rules))
        if (state.rules[i].is_bonus if bonus else state.rules[i].is_deduction)
    ]
    if len(group) == 1 and state.rules[group[0]].cap is None:
        rule = state.rules[group[0]]
        state.rules[group[0]] = _replace(rule, cap=amount)
    else:
        words = "累计加分" if bonus else "总扣分"
        cond = f"{words}不超过{fmt_points(amount)}分"
        state.rules.append(RuleSpec(RuleKind.CAP, cap=amount, condition=cond, source=state.source))
    state.group_start = len(state.rules)
    return True


def _replace(rule: RuleSpec, **changes: object) -> RuleSpec:
    data = {**rule.__dict__, **changes}
    return RuleSpec(**data)


def _read_open_bonus(clause: str, state: _LineState) -> RuleSpec | None:
    """ "根据…情况进行加分" / "信息被采用的逐项加分": a bonus whose amount the assessor sets."""
    if not _OPEN_BONUS_RE.search(clause) or _NOTE_RE.search(clause):
        return None
    cond = state.condition(_OPEN_BONUS_RE.sub("", clause))
    return RuleSpec(
        RuleKind.BONUS_PER,
        condition=cond,
        source=state.source,
        needs_review=True,
        reason="未写明加分分值，由考核人员按情况确定",
    )


def _read_clause(clause: str, state: _LineState) -> None:
    """Read one clause into ``state`` (rules, or a pending condition for the next clause)."""
    text = re.sub(r"^(?:说明|注|备注)\s*[：:]\s*", "", clause).strip()
    if text in _FILLER:
        return
    if _FLOOR_RE.search(text):
        state.rules.append(RuleSpec(RuleKind.FLOOR, condition=text, source=state.source))
    elif base := _BASE_RE.search(text):
        state.rules.append(RuleSpec(RuleKind.BASE, points=_number(base.group(1)), source=clause))
    elif _apply_cap(text, state):
        pass
    elif _NOTE_RE.search(text) and not _AMOUNT_RE.search(text):
        cond = state.condition(text)
        state.rules.append(RuleSpec(RuleKind.NOTE, condition=cond, source=state.source))
    elif (rules := _read_amount_clause(text, state)) is not None:
        state.rules.extend(rules)
    elif (bonus := _read_open_bonus(text, state)) is not None:
        state.rules.append(bonus)
    elif re.search(r"扣|加分|得分|\d+\s*分", text):
        state.unread.append(text)
    else:
        state.pending.append(text)
        return
    state.pending.clear()


def parse_rule(line: str) -> list[RuleSpec]:
    """Read one 评分要点 line into rules; never raises.

    One line may hold several rules ("未编制专项规划的扣8分，未编制专项规划但…的扣2分");
    each keeps the whole line as ``source``. A line (or part of one) the grammar cannot read
    gives a ``TEXT`` rule with ``needs_review`` and a reason, scored by hand.
    """
    source = (line or "").strip()
    try:
        rules = _parse(source)
    except Exception as exc:  # the grammar must never stop an import
        return [_text(source, f"无法解析：{exc}")]
    return rules


def _parse(source: str) -> list[RuleSpec]:
    if not source:
        return [_text(source, "空行")]
    state = _LineState(source=source)
    for clause in _CLAUSE_SPLIT.split(source):
        _read_clause(clause.strip(), state)
    rules = [_replace(r, source=source) for r in state.rules]
    leftover = [*state.unread, *state.pending] if state.rules else [source]
    if state.unread or not rules or (state.pending and _has_substance(state.pending)):
        rules.append(_text(source, "未能识别的评分内容：" + "；".join(leftover)))
    return rules


def _has_substance(pending: list[str]) -> bool:
    """A dangling condition with no amount after it ("…的，视情况") needs a human."""
    return any(len(p) > 1 for p in pending)


def _text(source: str, reason: str) -> RuleSpec:
    return RuleSpec(RuleKind.TEXT, source=source, needs_review=True, reason=reason)
