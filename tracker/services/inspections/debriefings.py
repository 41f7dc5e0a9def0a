"""Duty debriefings (述职评议, issue 15 §4): the office sets a round up (units, criteria,
whether the highest and lowest totals are dropped, the indicator it feeds); each unit
hands in its written report (text and file); raters (leaders, the assessment group) score
each unit per criterion in the browser; the unit's score is the (trimmed) average of the
raters' totals. Functions here flush; the caller commits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.domain.supervision import parse_criteria, trimmed_average
from tracker.extensions import db
from tracker.models import (
    Debriefing,
    DebriefingReport,
    DebriefingScore,
    Indicator,
    Plan,
    Unit,
    User,
)
from tracker.models._types import utcnow
from tracker.services import audit
from tracker.services.errors import NotFound, ServiceError
from tracker.services.inspections.problems import TEXT_MAX


@dataclass(frozen=True, slots=True)
class DebriefingInput:
    """A new round: name, date, the units, criteria ("名称:满分" a line), trimming, and the
    plan and indicator its scores feed."""

    name: str
    held_on: date
    unit_ids: list[int]
    criteria: str
    trim: bool = True
    plan_id: int | None = None
    indicator_id: int | None = None


@dataclass(frozen=True, slots=True)
class UnitResult:
    """A unit's standing in a round: its report (if handed in), the raters' totals and the
    score (trimmed average; None before anyone rated)."""

    unit: Unit
    report: DebriefingReport | None
    totals: list[float]
    score: float | None


def create_debriefing(data: DebriefingInput, user: User | None) -> Debriefing:
    """Set up a round and audit it; raises ServiceError naming the field at fault."""
    name = data.name.strip()
    if not name or len(name) > 200:
        raise ServiceError("请填写述职评议名称（不超过200字）。", "name")
    try:
        parse_criteria(data.criteria)
    except ValueError as error:
        raise ServiceError(str(error), "criteria") from None
    units = list(db.session.scalars(sa.select(Unit).where(Unit.id.in_(set(data.unit_ids)))))
    if not units or len(units) != len(set(data.unit_ids)):
        raise ServiceError("请选择参加述职的单位。", "unit_ids")
    if data.plan_id is not None and db.session.get(Plan, data.plan_id) is None:
        raise ServiceError("没有这个方案。", "plan_id")
    if data.indicator_id is not None and db.session.get(Indicator, data.indicator_id) is None:
        raise ServiceError("没有这个考核指标。", "indicator_id")
    round_ = Debriefing(
        name=name,
        held_on=data.held_on,
        criteria=data.criteria.strip(),
        trim=data.trim,
        plan_id=data.plan_id,
        indicator_id=data.indicator_id,
    )
    round_.units = units
    db.session.add(round_)
    audit.record("create", round_, user=user, task_id=None, summary=f"新建述职评议“{name}”")
    return round_


def criteria_of(round_: Debriefing) -> list[tuple[str, float]]:
    """The round's criteria and their full points."""
    return parse_criteria(round_.criteria)


def get_debriefing(debriefing_id: int) -> Debriefing:
    """The round; NotFound when there is none."""
    round_ = db.session.get(Debriefing, debriefing_id)
    if round_ is None:
        raise NotFound("没有这次述职评议。")
    return round_


def list_debriefings(unit_id: int | None = None) -> list[Debriefing]:
    """Every round, newest first; with ``unit_id``, those the unit takes part in."""
    query = sa.select(Debriefing).order_by(Debriefing.held_on.desc(), Debriefing.id.desc())
    if unit_id is not None:
        query = query.where(Debriefing.units.any(Unit.id == unit_id))
    return list(db.session.scalars(query))


def takes_part(round_: Debriefing, unit_id: int | None) -> bool:
    """Whether ``unit_id`` is one of the round's units."""
    return any(unit.id == unit_id for unit in round_.units)


def report_of(round_: Debriefing, unit_id: int) -> DebriefingReport | None:
    """The unit's written report in the round, if handed in."""
    return db.session.scalar(
        sa.select(DebriefingReport).where(
            DebriefingReport.debriefing_id == round_.id, DebriefingReport.unit_id == unit_id
        )
    )


def hand_in(round_: Debriefing, unit: Unit, text: str, user: User) -> DebriefingReport:
    """Write (or rewrite) the unit's report and audit it; ServiceError (field "text")
    without text or for a unit not in the round."""
    if not takes_part(round_, unit.id):
        raise ServiceError(f"{unit.name}不参加这次述职评议。", "text")
    body = text.strip()
    if not body or len(body) > TEXT_MAX * 5:
        raise ServiceError(f"请填写述职报告（不超过{TEXT_MAX * 5}字）。", "text")
    report = report_of(round_, unit.id)
    if report is None:
        report = DebriefingReport(debriefing_id=round_.id, unit_id=unit.id)
        db.session.add(report)
    report.text = body
    report.author_id = user.id
    report.submitted_at = utcnow()
    audit.record("hand_in", report, user=user, task_id=None, summary=f"{unit.name}提交述职报告")
    return report


def rate(round_: Debriefing, unit: Unit, rater: User, scores: list[float]) -> DebriefingScore:
    """The rater's scores of ``unit``, one per criterion, each between 0 and its full
    points; a second rating replaces the first. ServiceError (field "scores") otherwise."""
    if not takes_part(round_, unit.id):
        raise ServiceError(f"{unit.name}不参加这次述职评议。", "scores")
    criteria = criteria_of(round_)
    if len(scores) != len(criteria):
        raise ServiceError(f"请为全部{len(criteria)}项评分标准打分。", "scores")
    for (name, full), value in zip(criteria, scores, strict=True):
        if not 0 <= value <= full:
            raise ServiceError(f"“{name}”的得分应在 0–{full:g} 之间。", "scores")
    row = db.session.scalar(
        sa.select(DebriefingScore).where(
            DebriefingScore.debriefing_id == round_.id,
            DebriefingScore.unit_id == unit.id,
            DebriefingScore.rater_id == rater.id,
        )
    )
    if row is None:
        row = DebriefingScore(debriefing_id=round_.id, unit_id=unit.id, rater_id=rater.id)
        db.session.add(row)
    row.scores = json.dumps(scores)
    row.total = round(sum(scores), 2)
    row.scored_at = utcnow()
    audit.record("rate", row, user=rater, task_id=None, summary=f"评议{unit.name}")
    return row


def my_scores(round_: Debriefing, rater_id: int) -> dict[int, list[float]]:
    """The rater's scores in the round, by unit id."""
    rows = db.session.scalars(
        sa.select(DebriefingScore).where(
            DebriefingScore.debriefing_id == round_.id, DebriefingScore.rater_id == rater_id
        )
    )
    return {row.unit_id: [float(v) for v in json.loads(row.scores)] for row in rows}


def results(round_: Debriefing) -> list[UnitResult]:
    """Each unit's report, raters' totals and (trimmed) average score."""
    totals: dict[int, list[float]] = {}
    for row in db.session.scalars(
        sa.select(DebriefingScore).where(DebriefingScore.debriefing_id == round_.id)
    ):
        totals.setdefault(row.unit_id, []).append(row.total)
    return [
        UnitResult(
            unit,
            report_of(round_, unit.id),
            sorted(totals.get(unit.id, [])),
            trimmed_average(totals.get(unit.id, []), round_.trim),
        )
        for unit in round_.units
    ]


def full_points(round_: Debriefing) -> float:
    """The most a unit can score in the round."""
    return sum(points for _, points in criteria_of(round_))
