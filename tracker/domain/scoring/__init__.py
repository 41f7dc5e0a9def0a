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

Modules: ``rules`` (the values), ``parse`` (the rule grammar), ``score`` (the scorer) and
``grades``.
"""

from tracker.domain.scoring.grades import DEFAULT_GRADES, FAIL_GRADE, grade
from tracker.domain.scoring.parse import parse_rule
from tracker.domain.scoring.rules import RuleKind, RuleSpec
from tracker.domain.scoring.score import (
    IndicatorScore,
    RuleEvent,
    ScoreLine,
    max_score,
    score_indicator,
)

__all__ = [
    "DEFAULT_GRADES",
    "FAIL_GRADE",
    "IndicatorScore",
    "RuleEvent",
    "RuleKind",
    "RuleSpec",
    "ScoreLine",
    "grade",
    "max_score",
    "parse_rule",
    "score_indicator",
]
