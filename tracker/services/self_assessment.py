"""Self-assessment (自评, issue 5 §4): per indicator, an assessed unit writes a short text
and proposes a score; the reviewer (the assessment group) writes an opinion (审核意见)
and a final score. Functions here flush; the caller commits."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa

from tracker.domain import scoring
from tracker.extensions import db
from tracker.models import Evidence, Indicator, IndicatorSet, SelfAssessment, Unit, User
from tracker.models._types import utcnow
from tracker.services import audit
from tracker.services.assessment import rule_spec_of
from tracker.services.errors import NotFound, ServiceError


@dataclass(slots=True)
class FormRow:
    """One level-3 indicator of a unit's form, with its level-1/2 ancestors, the unit's
    current entry (None before the first save) and its evidence. ``level1_span`` and
    ``level2_span`` are the number of rows a merged level-1/2 cell covers, on the first
    row of that cell, and 0 on the rows it continues over."""

    number: int
    indicator: Indicator
    level1: Indicator | None
    level2: Indicator | None
    entry: SelfAssessment | None
    max_score: float | None
    evidence: list[Evidence] = field(default_factory=list)
    level1_span: int = 0
    level2_span: int = 0


# ---------------------------------------------------------------------------- scores


def max_score(indicator: Indicator) -> float | None:
    """The highest score of ``indicator``: its points plus the bonus its rules allow
    (:func:`tracker.domain.scoring.max_score`); None when the table gives no points."""
    if indicator.points is None:
        return None
    rules = [rule_spec_of(rule) for rule in indicator.rules]
    return scoring.max_score(float(indicator.points), rules)


# ---------------------------------------------------------------------------- queries


def get_set(set_id: int) -> IndicatorSet:
    """The indicator set. Raises NotFound."""
    found = db.session.get(IndicatorSet, set_id)
    if found is None:
        raise NotFound("指标体系不存在。")
    return found


def get_indicator(set_id: int, indicator_id: int) -> Indicator:
    """A level-3 indicator of the set. Raises NotFound."""
    found = db.session.get(Indicator, indicator_id)
    if found is None or found.set_id != set_id or found.level != 3:
        raise NotFound("指标不存在。")
    return found


def get_entry(set_id: int, unit_id: int, indicator_id: int) -> SelfAssessment | None:
    """The unit's entry for the indicator, if any."""
    return db.session.scalar(
        sa.select(SelfAssessment).where(
            SelfAssessment.set_id == set_id,
            SelfAssessment.unit_id == unit_id,
            SelfAssessment.indicator_id == indicator_id,
        )
    )


def get_self_assessment(entry_id: int) -> SelfAssessment:
    """A self-assessment entry. Raises NotFound."""
    found = db.session.get(SelfAssessment, entry_id)
    if found is None:
        raise NotFound("自评记录不存在。")
    return found


def indicators_of_unit(set_id: int, unit_id: int) -> list[Indicator]:
    """The set's level-3 indicators that list the unit; all of them when none lists any
    unit. In the order of the table."""
    level3 = list(
        db.session.scalars(
            sa.select(Indicator)
            .where(Indicator.set_id == set_id, Indicator.level == 3)
            .order_by(Indicator.position, Indicator.id)
        )
    )
    if not any(indicator.units for indicator in level3):
        return level3
    return [i for i in level3 if any(unit.id == unit_id for unit in i.units)]


def assessed_units(set_id: int) -> list[Unit]:
    """Units listed on the set's level-3 indicators, or that have filed entries."""
    listed = {
        unit.id: unit
        for indicator in db.session.scalars(
            sa.select(Indicator).where(Indicator.set_id == set_id, Indicator.level == 3)
        )
        for unit in indicator.units
    }
    filed = db.session.scalars(
        sa.select(Unit)
        .join(SelfAssessment, SelfAssessment.unit_id == Unit.id)
        .where(SelfAssessment.set_id == set_id)
    )
    for unit in filed:
        listed.setdefault(unit.id, unit)
    return sorted(listed.values(), key=lambda unit: unit.name)


def self_assessment_form(set_id: int, unit_id: int) -> list[FormRow]:
    """The unit's form: its level-3 indicators with their ancestors, current entries and
    evidence, numbered from 1, with the spans of the merged level-1/2 cells."""
    get_set(set_id)
    entries = {
        entry.indicator_id: entry
        for entry in db.session.scalars(
            sa.select(SelfAssessment).where(
                SelfAssessment.set_id == set_id, SelfAssessment.unit_id == unit_id
            )
        )
    }
    rows = [
        _row(number, indicator, entries.get(indicator.id))
        for number, indicator in enumerate(indicators_of_unit(set_id, unit_id), start=1)
    ]
    _set_spans(rows)
    return rows


def _row(number: int, indicator: Indicator, entry: SelfAssessment | None) -> FormRow:
    """A form row of ``indicator``."""
    level2 = indicator.parent if indicator.parent and indicator.parent.level == 2 else None
    level1_parent = level2.parent if level2 else indicator.parent
    level1 = level1_parent if level1_parent and level1_parent.level == 1 else None
    return FormRow(
        number=number,
        indicator=indicator,
        level1=level1,
        level2=level2,
        entry=entry,
        max_score=max_score(indicator),
        evidence=evidence_of(entry) if entry else [],
    )


def _set_spans(rows: list[FormRow]) -> None:
    """Fill ``level1_span``/``level2_span`` on the first row of each run of equal cells."""
    for attribute, span in (("level1", "level1_span"), ("level2", "level2_span")):
        start = 0
        for index in range(1, len(rows) + 1):
            same = index < len(rows) and _key(rows[index], attribute) == _key(
                rows[start], attribute
            )
            if attribute == "level2" and same:
                same = _key(rows[index], "level1") == _key(rows[start], "level1")
            if not same:
                setattr(rows[start], span, index - start)
                start = index


def _key(row: FormRow, attribute: str) -> int | None:
    node = getattr(row, attribute)
    return node.id if node is not None else None


def evidence_of(entry: SelfAssessment) -> list[Evidence]:
    """The entry's evidence files that are not removed, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Evidence)
            .where(Evidence.self_assessment_id == entry.id, Evidence.removed_at.is_(None))
            .order_by(Evidence.uploaded_at, Evidence.id)
        )
    )


# ---------------------------------------------------------------------------- use cases


def save_self_assessment(
    set_id: int,
    unit: Unit,
    indicator: Indicator,
    user: User,
    text: str,
    proposed_score: float | None,
    *,
    max_chars: int,
) -> SelfAssessment:
    """Create or update the unit's entry for ``indicator``, and audit it; ``max_chars`` is
    the character limit of the text (``AssessmentSettings.self_assessment_max_chars``).

    Raises ServiceError (field "text") when the text is longer than the limit, (field
    "proposed_score") when the score is not within [0, the indicator's maximum].
    """
    text = (text or "").strip()
    limit = max_chars
    if len(text) > limit:
        raise ServiceError(
            f"指标“{indicator.name}”的自评情况有 {len(text)} 字，超过 {limit} 字的上限，未保存。",
            "text",
        )
    _check_score(indicator, proposed_score, "proposed_score", "自评分")
    entry = get_entry(set_id, unit.id, indicator.id)
    before = audit.snapshot(entry) if entry else None
    if entry is None:
        entry = SelfAssessment(set_id=set_id, unit_id=unit.id, indicator_id=indicator.id)
        db.session.add(entry)
    entry.text = text
    entry.proposed_score = proposed_score
    entry.author_id = user.id
    audit.record(
        "update" if before else "create",
        entry,
        user=user,
        task_id=None,
        before=before,
        summary=f"{unit.name}填写自评“{indicator.name}”",
    )
    return entry


def review_self_assessment(
    entry: SelfAssessment, reviewer: User, opinion: str, final_score: float | None
) -> SelfAssessment:
    """Write the reviewer's opinion and final score on ``entry``, and audit it.

    Raises ServiceError (field "opinion") when the opinion is empty, (field
    "final_score") when the score is missing or not within the indicator's range.
    """
    indicator = db.session.get(Indicator, entry.indicator_id)
    if indicator is None:
        raise NotFound("指标不存在。")
    opinion = (opinion or "").strip()
    if not opinion:
        raise ServiceError(f"请填写指标“{indicator.name}”的审核意见。", "opinion")
    if final_score is None:
        raise ServiceError(f"请填写指标“{indicator.name}”的审核得分。", "final_score")
    _check_score(indicator, final_score, "final_score", "审核得分")
    before = audit.snapshot(entry)
    entry.opinion = opinion
    entry.final_score = final_score
    entry.reviewer_id = reviewer.id
    entry.reviewed_at = utcnow()
    audit.record(
        "review",
        entry,
        user=reviewer,
        task_id=None,
        before=before,
        summary=f"审核自评“{indicator.name}”",
    )
    return entry


def _check_score(indicator: Indicator, score: float | None, field_name: str, label: str) -> None:
    """Raise ServiceError naming ``field_name`` unless ``score`` is empty or within the
    indicator's range."""
    if score is None:
        return
    if not math.isfinite(score) or score < 0:
        raise ServiceError(f"指标“{indicator.name}”的{label}不能小于 0 分。", field_name)
    top = max_score(indicator)
    if top is not None and score > top:
        raise ServiceError(
            f"指标“{indicator.name}”的{label} {score:g} 分超出范围（0～{top:g} 分）。", field_name
        )
