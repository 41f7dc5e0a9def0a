"""Request and response models of the supervision routes of ``/api/v1`` (issue 15):
inspections, problems, task closing and debriefings."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from tracker.models import Debriefing, Inspection, Problem
from tracker.models.inspection import ProblemStatus
from tracker.services.inspections.debriefings import UnitResult
from tracker.services.inspections.problems import MAX_DEADLINE_WORKDAYS, TEXT_MAX
from tracker.web.api.responses import Out
from tracker.web.api.schemas import _STORABLE, Blank, Body, Id, Query

Text = Annotated[str, Field(max_length=TEXT_MAX), _STORABLE]
Short = Annotated[str, Field(max_length=100), _STORABLE]


class ProblemFilters(Query):
    """``GET /problems``: a unit (id), a status, only overdue ones."""

    unit: Annotated[Id | None, Blank, Field(description="单位编号")] = None
    status: Annotated[ProblemStatus | None, Blank, Field(description="整改状态")] = None
    overdue: Annotated[bool, Field(description="只看逾期未整改")] = False


class NewProblem(Body):
    """``POST /problems``: a problem for the ledger (the office)."""

    unit_id: Id
    source: Literal["inspection", "report_review", "instruction", "public_clue"] = Field(
        description="督查发现 / 报告审核 / 领导批示 / 群众线索"
    )
    description: Text
    found_on: date = Field(strict=False, description="发现日期（YYYY-MM-DD）")
    deadline_workdays: Annotated[int, Field(ge=0, le=MAX_DEADLINE_WORKDAYS)]
    category: Short = ""
    requirement: Text = ""
    responsible: Short = ""
    task_id: Id | None = None
    indicator_id: Id | None = None


class Finding(Body):
    """``POST /inspections/{inspection_id}/findings``: a finding about one inspected unit."""

    unit_id: Id
    description: Text
    deadline_workdays: Annotated[int, Field(ge=0, le=MAX_DEADLINE_WORKDAYS)]
    category: Short = ""
    requirement: Text = ""
    responsible: Short = ""
    task_id: Id | None = None


class NewInspection(Body):
    """``POST /inspections``: a round (the office)."""

    name: Annotated[str, Field(max_length=200), _STORABLE]
    kind: Literal["self_check", "on_site", "special"] = Field(
        description="自查 / 实地督查 / 专项督查"
    )
    starts_on: date = Field(strict=False)
    ends_on: date = Field(strict=False)
    unit_ids: Annotated[list[Id], Field(min_length=1, max_length=500)]
    team: Text = ""
    items: Annotated[list[Text], Field(max_length=100, default_factory=list)]
    task_ids: Annotated[list[Id], Field(max_length=100, default_factory=list)]
    plan_id: Id | None = None


class Rectification(Body):
    """``POST /problems/{problem_id}/rectify``: the unit's 整改情况."""

    rectification: Text


class Verification(Body):
    """``POST /problems/{problem_id}/verify``: accept (销号) or return with a reason."""

    decision: Literal["close", "return"]
    note: Text = Field("", description="核验意见；退回时为退回理由（必填）")


class Closing(Body):
    """``POST /problems/{problem_id}/close`` and ``/tasks/{task_id}/close``: a note
    (``{}`` for none)."""

    note: Text = ""


class Reopening(Body):
    """``POST /tasks/{task_id}/reopen``: the reason (required)."""

    reason: Text


class SelfCheckText(Body):
    """``POST /inspections/{inspection_id}/items/{item_id}/self-check``: the unit's text."""

    text: Text


class DebriefingText(Body):
    """``POST /debriefings/{debriefing_id}/report``: the unit's written report."""

    text: Annotated[str, Field(max_length=TEXT_MAX * 5), _STORABLE]


class Scores(Body):
    """``POST /debriefings/{debriefing_id}/units/{unit_id}/rate``: one score per criterion."""

    scores: Annotated[list[Annotated[float, Field(ge=0, le=1000)]], Field(max_length=50)]


class ProblemOut(Out):
    """A problem of the ledger."""

    id: int
    unit_id: int
    unit: str
    inspection_id: int | None
    source: str
    category: str
    description: str
    requirement: str
    found_on: date
    deadline_workdays: int
    due_on: date
    responsible: str
    status: str
    status_label: str
    overdue: bool
    task_id: int | None
    indicator_id: int | None
    rectification: str
    return_reason: str
    verification: str
    closed_on: date | None

    @classmethod
    def of(cls, problem: Problem, today: date) -> ProblemOut:
        """The problem as the API shows it, overdue as of ``today``."""
        return cls(
            id=problem.id,
            unit_id=problem.unit_id,
            unit=problem.unit.name,
            inspection_id=problem.inspection_id,
            source=problem.source.value,
            category=problem.category,
            description=problem.description,
            requirement=problem.requirement,
            found_on=problem.found_on,
            deadline_workdays=problem.deadline_workdays,
            due_on=problem.due_on,
            responsible=problem.responsible,
            status=problem.status.value,
            status_label=problem.status_label,
            overdue=problem.is_overdue(today),
            task_id=problem.task_id,
            indicator_id=problem.indicator_id,
            rectification=problem.rectification,
            return_reason=problem.return_reason,
            verification=problem.verification,
            closed_on=problem.closed_on,
        )


class ProblemList(Out):
    """The ledger under the filters, with counts by status and overdue."""

    as_of: date
    counts: dict[str, int]
    problems: list[ProblemOut]


class InspectionOut(Out):
    """A round with its units, team and items."""

    id: int
    name: str
    kind: str
    kind_label: str
    plan_id: int | None
    starts_on: date
    ends_on: date
    team: list[str]
    unit_ids: list[int]
    items: list[str]

    @classmethod
    def of(cls, inspection: Inspection) -> InspectionOut:
        """The round as the API shows it."""
        return cls(
            id=inspection.id,
            name=inspection.name,
            kind=inspection.kind.value,
            kind_label=inspection.kind_label,
            plan_id=inspection.plan_id,
            starts_on=inspection.starts_on,
            ends_on=inspection.ends_on,
            team=inspection.team_members,
            unit_ids=[unit.id for unit in inspection.units],
            items=[item.text for item in inspection.items],
        )


class SelfCheckOut(Out):
    """A unit's self-check of one item of a round."""

    unit_id: int
    item_id: int
    item: str
    text: str


class InspectionDetail(InspectionOut):
    """A round with the self-checks and findings the user may read (a unit: its own)."""

    self_checks: list[SelfCheckOut]
    findings: list[ProblemOut]


class InspectionList(Out):
    """The rounds the user may read."""

    inspections: list[InspectionOut]


class ClosedTask(Out):
    """A task's closing state."""

    task_id: int
    closed: bool
    closed_at: str | None


class DebriefingResult(Out):
    """A unit's standing in a debriefing: report handed in, raters' totals, score."""

    unit_id: int
    unit: str
    report_handed_in: bool
    totals: list[float]
    score: float | None

    @classmethod
    def of(cls, result: UnitResult) -> DebriefingResult:
        """One unit's result."""
        return cls(
            unit_id=result.unit.id,
            unit=result.unit.name,
            report_handed_in=result.report is not None,
            totals=result.totals,
            score=result.score,
        )


class DebriefingOut(Out):
    """A debriefing round and (for overseers) its results."""

    id: int
    name: str
    held_on: date
    trim: bool
    indicator_id: int | None
    results: list[DebriefingResult]

    @classmethod
    def of(cls, round_: Debriefing, results: list[UnitResult]) -> DebriefingOut:
        """The round with ``results``."""
        return cls(
            id=round_.id,
            name=round_.name,
            held_on=round_.held_on,
            trim=round_.trim,
            indicator_id=round_.indicator_id,
            results=[DebriefingResult.of(result) for result in results],
        )


class DebriefingList(Out):
    """The debriefing rounds the user may read (results for overseers only)."""

    debriefings: list[DebriefingOut]
