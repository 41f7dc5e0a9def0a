"""Scoring rules of an assessment indicator (考核评分规则), DESIGN.md §6 and issue 5 §2.

Pure rules, no database: the importer reads each 评分要点 line of an indicator table with
:func:`parse_rule`, stores the resulting :class:`RuleSpec` list, and later the assessment
passes the indicator's points, its rules and the occurrences decided by an assessor
(:class:`RuleEvent`) to :func:`score_indicator`, which explains every point it takes or adds.

Forms read from the national rubric (全国产业工人队伍建设改革评价考核评分表):

- fixed deduction: "未纳入当地“十四五”规划扣10分" → ``DEDUCT_FIXED`` 10;
- per occurrence: "每少一项扣0.5分", "每1项扣1分", "每少一个方面扣1分", "每一处扣1分"
  → ``DEDUCT_PER``; "每两项加1分" is read as 0.5 per item;
- per named part: "未召开领导机构协调会议、联络员会议、工作任务推进会分别扣2分", "…各扣1分"
  → ``DEDUCT_PARTS`` with the listed parts; "分别扣3分、2分" → one fixed rule per part;
- caps: "总扣分不超过7分", "累计扣分不超过8分", "累计加分不超过4分", "扣分不超过3分": after a
  single rule of the same sign in the line it is that rule's ``cap``; after several it is a
  ``CAP`` rule that limits those rules jointly (scope: the rules of the same source line);
  written on its own it is a ``CAP`` rule for the whole indicator;
- base score and bonuses: "基础分为4分" → ``BASE``; "每1项加1分" → ``BONUS_PER``;
  "得2分", "加2分" → ``BONUS_FIXED``; "进行加分"/"逐项加分" without an amount → a bonus the
  assessor sizes (``points`` None, ``needs_review``);
- the floor: "扣完对应考核要点分值为止", "说明：扣完对应考核要点分值为止，下同" → ``FLOOR``
  (every indicator has the floor anyway); "未组织过的不得分", "…不加分" → ``NOTE``.

Anything else is kept as a ``TEXT`` rule (``needs_review``) that an assessor scores by hand
through an explicit :attr:`RuleEvent.points`.

Scoring (:func:`score_indicator`): without a ``BASE`` the start is the indicator's points;
with one the start is the base and bonuses add up to their caps. Each rule's own cap limits
its total, ``CAP`` rules limit their scope, and the result is clamped to
``[0, max_score]`` — never below zero (the floor), never above the cap. ``max_score`` is
``points + bonus`` without a base, and ``max(points, base + bonus)`` with one, where
``bonus`` is the most the capped bonus rules can add (an uncapped per-item bonus cannot lift
the score above the points). In the national rubric the base indicators are built so that
base + bonuses = points (科技创新表彰奖项: 4 + 4 + 2 = 10).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

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
_EPS = 1e-9


class RuleKind(StrEnum):
    """What a scoring line says (DESIGN §6)."""

    DEDUCT_FIXED = "deduct_fixed"
    DEDUCT_PER = "deduct_per"
    DEDUCT_PARTS = "deduct_parts"
    BASE = "base"
    BONUS_PER = "bonus_per"
    BONUS_FIXED = "bonus_fixed"
    CAP = "cap"
    FLOOR = "floor"
    NOTE = "note"
    TEXT = "text"


_DEDUCTIONS = frozenset({RuleKind.DEDUCT_FIXED, RuleKind.DEDUCT_PER, RuleKind.DEDUCT_PARTS})
_BONUSES = frozenset({RuleKind.BONUS_PER, RuleKind.BONUS_FIXED})


@dataclass(frozen=True)
class RuleSpec:
    """One scoring rule read from a 评分要点 line.

    ``points``: fixed deduction/bonus, base score, or points per occurrence/part.
    ``cap``: the most this rule may deduct or add ("总扣分不超过7分"); for kind ``CAP`` the
    most its scope may deduct (or add, when ``condition`` says 加分) — the scope is the rules
    of the same non-empty ``source`` line, else the whole indicator.
    ``parts``: the named parts of a ``DEDUCT_PARTS`` rule ("…、…、…分别扣2分").
    ``condition``: the words saying when it applies ("未编制专项规划").
    ``source``: the line as written. ``needs_review``/``reason``: an assessor must decide.
    """

    kind: RuleKind
    points: float | None = None
    cap: float | None = None
    parts: tuple[str, ...] = ()
    condition: str = ""
    source: str = ""
    needs_review: bool = False
    reason: str = ""

    def to_json(self) -> dict:
        """Plain JSON-ready dict (``kind`` as its string value, ``parts`` as a list)."""
        return {
            "kind": self.kind.value,
            "points": self.points,
            "cap": self.cap,
            "parts": list(self.parts),
            "condition": self.condition,
            "source": self.source,
            "needs_review": self.needs_review,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> RuleSpec:
        """Inverse of :meth:`to_json` (for rules stored as JSON)."""
        return cls(
            kind=RuleKind(data["kind"]),
            points=_opt_float(data.get("points")),
            cap=_opt_float(data.get("cap")),
            parts=tuple(data.get("parts") or ()),
            condition=data.get("condition") or "",
            source=data.get("source") or "",
            needs_review=bool(data.get("needs_review")),
            reason=data.get("reason") or "",
        )

    @property
    def is_deduction(self) -> bool:
        return self.kind in _DEDUCTIONS

    @property
    def is_bonus(self) -> bool:
        return self.kind in _BONUSES

    @property
    def limits_bonus(self) -> bool:
        """For a ``CAP`` rule: whether it limits bonuses (加分) rather than deductions."""
        return "加分" in self.condition


def _opt_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- parsing


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
    pieces, depth, current = [], 0, []
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


def _read_parts(clause: str, match: re.Match, state: _LineState) -> list[RuleSpec] | None:
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
        cond = f"{words}不超过{_fmt(amount)}分"
        state.rules.append(RuleSpec(RuleKind.CAP, cap=amount, condition=cond, source=state.source))
    state.group_start = len(state.rules)
    return True


def _replace(rule: RuleSpec, **changes: object) -> RuleSpec:
    data = {**rule.__dict__, **changes}
    return RuleSpec(**data)  # type: ignore[arg-type]


def _fmt(value: float) -> str:
    return f"{value:g}"


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


# ---------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class RuleEvent:
    """An occurrence against rule ``rule_index``.

    ``count``: missing items/parts (per-occurrence and per-part rules); ``points``: an
    explicit amount decided by an assessor (negative = deduction, positive = bonus) that
    replaces the computed one — the rubric's caps and the indicator's range still apply.
    """

    rule_index: int
    count: float = 1.0
    points: float | None = None
    note: str = ""


@dataclass(frozen=True)
class ScoreLine:
    """One explained amount: signed points (deductions negative) and the rule's source line.

    An occurrence that a cap or the floor reduced to nothing stays listed with 0 points and
    a note saying why ("扣完对应考核要点分值为止", "扣分不超过7分").
    """

    rule_index: int | None
    points: float
    note: str
    source: str


@dataclass(frozen=True)
class IndicatorScore:
    """An indicator's score: ``score = start + Σ bonuses + Σ deductions`` within [0, max]."""

    points: float
    max_score: float
    score: float
    deductions: tuple[ScoreLine, ...]
    bonuses: tuple[ScoreLine, ...]


@dataclass
class _Entry:
    rule_index: int
    amount: float
    note: str
    source: str
    sign: int = field(init=False, default=-1)

    @property
    def bonus(self) -> bool:
        """Booked as a bonus (sign of the amount as decided, before any trimming)."""
        return self.sign > 0

    def __post_init__(self) -> None:
        self.sign = 1 if self.amount > 0 else -1

    def trim(self, allowed: float, why: str) -> None:
        """Reduce |amount| to ``allowed`` (≥ 0) and say why."""
        allowed = max(0.0, allowed)
        if abs(self.amount) > allowed + _EPS:
            self.amount = math.copysign(allowed, self.amount)
            self.note = f"{self.note}（{why}）" if self.note else why


def _base(rules: Sequence[RuleSpec]) -> float | None:
    for rule in rules:
        if rule.kind is RuleKind.BASE and rule.points is not None:
            return max(0.0, rule.points)
    return None


def _scope(rules: Sequence[RuleSpec], cap_index: int) -> list[int]:
    """Indices a ``CAP`` rule limits: the rules of its own line, else the whole indicator."""
    cap_rule = rules[cap_index]
    want_bonus = cap_rule.limits_bonus
    candidates = [
        i
        for i, r in enumerate(rules)
        if i != cap_index and (r.is_bonus if want_bonus else not r.is_bonus)
    ]
    if cap_rule.source:
        same_line = [i for i in candidates if rules[i].source == cap_rule.source]
        if same_line:
            return same_line
    return candidates


def _rule_bonus_max(rule: RuleSpec) -> float:
    """The most one bonus rule can add (0 when open-ended: it only fills up to the points)."""
    if rule.kind is RuleKind.BONUS_FIXED and rule.points is not None:
        return max(0.0, rule.points if rule.cap is None else min(rule.points, rule.cap))
    return max(0.0, rule.cap) if rule.cap is not None else 0.0


def _bonus_max(rules: Sequence[RuleSpec]) -> float:
    per_rule = {i: _rule_bonus_max(r) for i, r in enumerate(rules) if r.is_bonus}
    caps = [i for i, r in enumerate(rules) if r.kind is RuleKind.CAP and r.limits_bonus]
    total_cap = math.inf
    for ci in caps:
        cap = max(0.0, rules[ci].cap or 0.0)
        scope = [i for i in _scope(rules, ci) if i in per_rule]
        if len(scope) == len(per_rule):
            total_cap = min(total_cap, cap)
            continue
        scoped_sum = sum(per_rule[i] for i in scope)
        if scoped_sum > cap:
            for i in scope:  # scale the group down so its members sum to the cap
                per_rule[i] *= cap / scoped_sum
    return min(total_cap, sum(per_rule.values()))


def max_score(points: float, rules: Sequence[RuleSpec]) -> float:
    """The most an indicator can score: points + capped bonuses, or base + bonuses."""
    points = max(0.0, points)
    bonus = _bonus_max(rules)
    base = _base(rules)
    return points + bonus if base is None else max(points, base + bonus)


def _event_amount(rule: RuleSpec, event: RuleEvent) -> float | None:
    """Signed amount of one event (None: nothing to book)."""
    if event.points is not None:
        return float(event.points)
    count = max(0.0, event.count)
    if rule.points is None or count <= 0:
        return None
    if rule.kind is RuleKind.DEDUCT_PARTS and rule.parts:
        count = min(count, float(len(rule.parts)))
    per = abs(rule.points)
    amounts = {
        RuleKind.DEDUCT_FIXED: -per,
        RuleKind.DEDUCT_PER: -per * count,
        RuleKind.DEDUCT_PARTS: -per * count,
        RuleKind.BONUS_FIXED: per,
        RuleKind.BONUS_PER: per * count,
    }
    return amounts.get(rule.kind)


def _entries(rules: Sequence[RuleSpec], events: Sequence[RuleEvent]) -> list[_Entry]:
    entries = []
    for event in events:
        if not 0 <= event.rule_index < len(rules):
            raise ValueError(f"rule_index {event.rule_index} outside 0..{len(rules) - 1}")
        rule = rules[event.rule_index]
        amount = _event_amount(rule, event)
        if amount is not None and math.isfinite(amount) and amount != 0:
            entries.append(_Entry(event.rule_index, amount, event.note, rule.source))
    return entries


def _limit(entries: list[_Entry], cap: float, bonus: bool, why: str) -> None:
    """Trim ``entries`` of one sign, in order, so that their total stays within ``cap``."""
    used = 0.0
    for entry in entries:
        if entry.bonus != bonus or entry.amount == 0:
            continue
        entry.trim(cap - used, why)
        used += abs(entry.amount)


def _apply_rule_caps(rules: Sequence[RuleSpec], entries: list[_Entry]) -> None:
    for index, rule in enumerate(rules):
        if rule.cap is None or rule.kind is RuleKind.CAP:
            continue
        mine = [e for e in entries if e.rule_index == index]
        why = f"{'加' if rule.is_bonus else '扣'}分不超过{_fmt(rule.cap)}分"
        _limit(mine, max(0.0, rule.cap), rule.is_bonus, why)


def _apply_cap_rules(rules: Sequence[RuleSpec], entries: list[_Entry]) -> None:
    for index, rule in enumerate(rules):
        if rule.kind is not RuleKind.CAP or rule.cap is None:
            continue
        scope = set(_scope(rules, index))
        mine = [e for e in entries if e.rule_index in scope]
        why = rule.condition or f"不超过{_fmt(rule.cap)}分"
        _limit(mine, max(0.0, rule.cap), rule.limits_bonus, why)


def _clamp(entries: list[_Entry], start: float, top: float) -> None:
    """Bonuses never lift the score above ``top``; deductions stop at 0 (扣完为止)."""
    _limit(entries, max(0.0, top - start), True, "不超过该指标最高分")
    bonus = sum(e.amount for e in entries if e.amount > 0)
    _limit(entries, max(0.0, start + bonus), False, "扣完对应考核要点分值为止")


def score_indicator(
    points: float, rules: Sequence[RuleSpec], events: Sequence[RuleEvent]
) -> IndicatorScore:
    """Score one level-3 indicator worth ``points`` from its rules and the booked events.

    Start: ``points``, or the base when a ``BASE`` rule exists ("基础分为4分"). Amounts are
    capped per rule, then by ``CAP`` rules, then the score is clamped to ``[0, max_score]``
    (DESIGN §6: an indicator never goes below 0 nor above its points plus allowed bonus).
    Raises ``ValueError`` for an event whose ``rule_index`` is not a rule of the list.
    """
    points = max(0.0, float(points))
    top = max_score(points, rules)
    base = _base(rules)
    start = min(top, base if base is not None else points)
    entries = _entries(rules, events)
    _apply_rule_caps(rules, entries)
    _apply_cap_rules(rules, entries)
    _clamp(entries, start, top)
    lines = [
        (e.bonus, ScoreLine(e.rule_index, round(e.amount, 6), e.note, e.source)) for e in entries
    ]
    score = start + sum(line.points for _, line in lines)
    score = round(min(top, max(0.0, score)), 6)
    return IndicatorScore(
        points=points,
        max_score=round(top, 6),
        score=score,
        deductions=tuple(line for bonus, line in lines if not bonus),
        bonuses=tuple(line for bonus, line in lines if bonus),
    )


# ---------------------------------------------------------------------------- grades

DEFAULT_GRADES: Mapping[str, float] = {"优秀": 0.9, "良好": 0.8, "合格": 0.6}
FAIL_GRADE = "不合格"


def grade(total: float, maximum: float, thresholds: Mapping[str, float] = DEFAULT_GRADES) -> str:
    """优秀/良好/合格/不合格 by the share of the maximum (DESIGN §6, issue 5 §5).

    ``thresholds`` maps a grade to the least share that earns it, as a fraction (0.9) or a
    percent (90); the highest threshold reached wins, else 不合格.
    """
    share = total / maximum if maximum > 0 else 0.0
    ordered = sorted(
        ((v / 100 if v > 1 else v, name) for name, v in thresholds.items()), reverse=True
    )
    for threshold, name in ordered:
        if share + _EPS >= threshold:
            return name
    return FAIL_GRADE
