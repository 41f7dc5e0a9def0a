"""Grades of a scorecard total: 优秀/良好/合格/不合格 (DESIGN.md §6, issue 5 §5)."""

from __future__ import annotations

from collections.abc import Mapping

from tracker.domain.scoring.rules import EPS

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
        if share + EPS >= threshold:
            return name
    return FAIL_GRADE
