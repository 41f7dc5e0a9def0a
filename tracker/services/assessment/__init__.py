"""From lags to points (issue 5 §3) and scorecards (§5).

The office maps tasks to level-3 indicators (with suggestions from the text of both);
:func:`propose_from_lags` turns each lag event of a mapped task — a missed milestone, an
overdue report, a cooperating unit's request left unanswered after its deadline or
disputed — into a proposed :class:`ScoreAdjustment` (points 分, negative = deduction) on
each mapped indicator for the unit concerned. An assessor confirms, changes or rejects
each proposal with a reason (:func:`decide`); a unit may appeal a decided deduction once
(:func:`appeal`) and the assessor answers (:func:`answer_appeal`). :func:`scorecard`
scores every indicator from its rules and the decided adjustments only, so each point
links to the rule, the event and the decision behind it. Every change is audited; the
caller commits.

Modules: :mod:`.mapping`, :mod:`.proposals`, :mod:`.decisions`, :mod:`.scorecards`;
everything public is importable from here.
"""

from __future__ import annotations

from tracker.services.assessment.common import (
    COUNTED,
    DECIDED,
    Decision,
    NotAllowed,
    get_adjustment,
    rule_spec_of,
)
from tracker.services.assessment.decisions import adjustments_of, answer_appeal, appeal, decide
from tracker.services.assessment.mapping import (
    map_task,
    mapped_indicators,
    suggest_indicators,
    unmap_task,
)
from tracker.services.assessment.proposals import propose_from_lags
from tracker.services.assessment.scorecards import (
    LAG_RULE_SOURCE,
    CardLine,
    GroupCard,
    IndicatorCard,
    Scorecard,
    scorecard,
    scorecard_json,
)

__all__ = [
    "COUNTED",
    "DECIDED",
    "LAG_RULE_SOURCE",
    "CardLine",
    "Decision",
    "GroupCard",
    "IndicatorCard",
    "NotAllowed",
    "Scorecard",
    "adjustments_of",
    "answer_appeal",
    "appeal",
    "decide",
    "get_adjustment",
    "map_task",
    "mapped_indicators",
    "propose_from_lags",
    "rule_spec_of",
    "scorecard",
    "scorecard_json",
    "suggest_indicators",
    "unmap_task",
]
