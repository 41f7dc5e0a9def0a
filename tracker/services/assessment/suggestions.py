"""Suggested indicators for a task, with the reason of each (issue 11 §6): the shared
words (character pairs) of the task's text and the indicator's name and key points,
weighted by how rare each pair is among the set's indicators, so that "党员" outweighs
"企业" and "职工", which most indicators share."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tracker.domain.similarity import bigrams, idf_weights, weighted_overlap
from tracker.extensions import db
from tracker.models import Task
from tracker.models.assessment import Indicator


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An indicator suggested for a task: the overlap score (0–1) and the shared words."""

    indicator: Indicator
    score: float
    shared: tuple[str, ...]

    @property
    def reason(self) -> str:
        """Why it was suggested, in Chinese ("任务与指标都提到：党员、党组织")."""
        return f"任务与指标都提到：{'、'.join(self.shared)}" if self.shared else ""


def _text(indicator: Indicator) -> str:
    return f"{indicator.name} {indicator.name} {indicator.key_points}"


def suggestions_for(task: Task, set_id: int, limit: int = 5) -> list[Suggestion]:
    """Up to ``limit`` level-3 indicators of the set that read most like the task, best
    first, with up to three shared words each; those sharing nothing are left out."""
    indicators = list(
        db.session.scalars(
            sa.select(Indicator)
            .where(Indicator.set_id == set_id, Indicator.level == 3)
            .order_by(Indicator.position, Indicator.id)
        )
    )
    grams = [bigrams(_text(indicator)) for indicator in indicators]
    weights = idf_weights(grams)
    task_grams = bigrams(task.text)
    found: list[Suggestion] = []
    for indicator, indicator_grams in zip(indicators, grams, strict=True):
        score, shared = weighted_overlap(task_grams, indicator_grams, weights)
        if score > 0:
            found.append(Suggestion(indicator, score, tuple(_words(shared)[:3])))
    found.sort(key=lambda s: (-s.score, s.indicator.position, s.indicator.id))
    return found[:limit]


def _words(shared: list[str]) -> list[str]:
    """Shared pairs, those already inside a longer shown word left out."""
    return [gram for gram in shared if len(gram) > 1]
