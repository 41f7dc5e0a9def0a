"""Supervision services on the database (issue 15): a round with self-checks and findings,
a problem's rectification, return and closing with the audit trail, deadlines in working
days, reminders and notices from the reminder pass, closing and reopening a task,
debriefing scores, proposals to the assessment, and the .xlsx read back."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook
from werkzeug.datastructures import FileStorage

from tests import evidence_samples as samples
from tests.functional.helpers import LEAD_UNIT, UNRELATED_UNIT, Cixi, add_user, import_cixi
from tests.paths import SEEDS
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import (
    AuditEntry,
    Indicator,
    Problem,
    Reminder,
    ScoreAdjustment,
    SupervisionNotice,
    Task,
    Unit,
    User,
)
from tracker.models.inspection import ProblemStatus
from tracker.services import assessment, evidence, reports
from tracker.services import calendar as calendar_service
from tracker.services.errors import Conflict, ServiceError
from tracker.services.inspections import assessment as supervision_assessment
from tracker.services.inspections import closing, debriefings, export, files, problems, rounds
from tracker.services.reminders import plan_intents, run_reminders

RUBRIC = SEEDS / "national-assessment-rubric.docx"


@dataclass(frozen=True, slots=True)
class World:
    task: Task
    unit: Unit
    other: Unit
    office: User
    lead: User
    storage: Path


def _one(model: type, **where: object) -> object:
    row = db.session.scalar(sa.select(model).filter_by(**where))
    assert row is not None, where
    return row


@pytest.fixture(scope="module")
def cixi(app: Flask, shared_db: None) -> Cixi:
    cixi = import_cixi(app, app.test_cli_runner())
    add_user(app, "office", Role.OFFICE)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    add_user(app, "leader", Role.LEADER)
    with app.app_context():
        calendar_service.sync_from_library(range(2019, 2022))
        db.session.commit()
    return cixi


@pytest.fixture
def world(app: Flask, cixi: Cixi, tmp_path: Path) -> Iterator[World]:
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        assert task is not None
        yield World(
            task,
            _one(Unit, name=LEAD_UNIT),  # type: ignore[arg-type]
            _one(Unit, name=UNRELATED_UNIT),  # type: ignore[arg-type]
            _one(User, username="office"),  # type: ignore[arg-type]
            _one(User, username="lead"),  # type: ignore[arg-type]
            tmp_path / "uploads",
        )
        db.session.remove()


def _rubric(app: Flask) -> int:
    """Import the national rubric (its own unit of work); the set's id."""
    result = app.test_cli_runner().invoke(args=["indicators", "import", str(RUBRIC), "--json"])
    assert result.exit_code == 0, result.output
    return int(json.loads(result.output)["set_id"])


def _round(world: World) -> rounds.Inspection:
    return rounds.create_inspection(
        rounds.InspectionInput(
            name="2020年产改实地督查",
            kind="on_site",
            starts_on=date(2020, 9, 14),
            ends_on=date(2020, 9, 18),
            unit_ids=[world.unit.id],
            team="张组长\n李成员",
            items=["听取汇报、查阅台账"],
            task_ids=[world.task.id],
            plan_id=world.task.plan_id,
        ),
        world.office,
    )


def _finding(world: World, inspection_id: int, days: int = 10) -> Problem:
    inspection = rounds.get_inspection(inspection_id)
    return rounds.record_finding(
        inspection,
        problems.ProblemInput(
            unit_id=world.unit.id,
            source="inspection",
            description="非公企业党组织覆盖台账不全",
            found_on=date(2020, 9, 18),
            deadline_workdays=days,
            requirement="补齐台账",
            task_id=world.task.id,
        ),
        world.office,
    )


def test_a_round_keeps_its_units_items_self_checks_and_findings(world: World) -> None:
    inspection = _round(world)
    assert [u.name for u in inspection.units] == [LEAD_UNIT]
    assert inspection.team_members == ["张组长", "李成员"]
    assert [item.task_id for item in inspection.items] == [world.task.id, None]
    check = rounds.save_self_check(inspection.items[0], world.unit, "已完成覆盖", world.lead)
    assert rounds.self_checks(inspection, world.unit.id) == {inspection.items[0].id: check}
    with pytest.raises(ServiceError) as refused:
        rounds.save_self_check(inspection.items[0], world.other, "x", world.lead)
    assert refused.value.field == "text"
    problem = _finding(world, inspection.id)
    assert problem.source.value == "inspection" and problem.inspection_id == inspection.id
    assert rounds.findings_by_unit(inspection) == {world.unit.id: [problem]}
    with pytest.raises(ServiceError):
        rounds.record_finding(
            inspection,
            problems.ProblemInput(world.other.id, "inspection", "x", date(2020, 9, 18), 5),
            world.office,
        )


def test_the_deadline_counts_working_days_across_national_day(world: World) -> None:
    """Found 2020-09-28 with 5 working days: Sep 29, 30, Oct 9, 10 (调休), 12."""
    problem = problems.create_problem(
        problems.ProblemInput(world.unit.id, "public_clue", "群众反映", date(2020, 9, 28), 5),
        world.office,
    )
    assert problem.due_on == date(2020, 10, 12)
    day = date(2020, 9, 28)
    for bad, field in (
        (problems.ProblemInput(world.unit.id, "rumour", "x", day, 5), "source"),
        (problems.ProblemInput(world.unit.id, "public_clue", " ", day, 5), "description"),
        (problems.ProblemInput(world.unit.id, "public_clue", "x", day, -1), "deadline_workdays"),
        (problems.ProblemInput(999_999, "public_clue", "x", day, 5), "unit_id"),
    ):
        with pytest.raises(ServiceError) as refused:
            problems.create_problem(bad, world.office)
        assert refused.value.field == field


def test_rectify_return_rectify_close_with_evidence_and_audit(world: World) -> None:
    problem = _finding(world, _round(world).id)
    with pytest.raises(Conflict):
        problems.return_problem(problem, world.office, "未整改")
    problems.rectify(problem, world.lead, "已补齐台账", date(2020, 9, 25))
    current = app_settings.current()
    upload = FileStorage(io.BytesIO(samples.PDF), "台账.pdf")
    files.attach_file(
        problem,
        upload,
        world.lead,
        storage_dir=world.storage,
        max_bytes=current.uploads.max_bytes,
        limits=app_settings.container_limits(),
    )
    with pytest.raises(ServiceError) as refused:
        files.attach_file(
            problem,
            FileStorage(io.BytesIO(samples.docm_bytes()), "宏.docx"),
            world.lead,
            storage_dir=world.storage,
            max_bytes=current.uploads.max_bytes,
            limits=app_settings.container_limits(),
        )
    assert refused.value.field == "file"
    assert [f.original_name for f in files.files_of(problem)] == ["台账.pdf"]
    problems.return_problem(problem, world.office, "缺少签字页")
    assert problem.status is ProblemStatus.RETURNED and problem.return_reason == "缺少签字页"
    problems.rectify(problem, world.lead, "已补签字页", date(2020, 9, 28))
    problems.close(problem, world.office, "核验属实", date(2020, 9, 29))
    assert problem.status is ProblemStatus.CLOSED and problem.closed_on == date(2020, 9, 29)
    with pytest.raises(Conflict):
        problems.rectify(problem, world.lead, "再改", date(2020, 9, 30))
    actions = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.entity == "problems", AuditEntry.entity_id == problem.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "rectify", "return", "rectify", "close"]


def test_closing_without_rectification_needs_a_note(world: World) -> None:
    problem = _finding(world, _round(world).id)
    with pytest.raises(ServiceError) as refused:
        problems.close(problem, world.office, "", date(2020, 9, 29))
    assert refused.value.field == "verification"


def test_overdue_problems_are_filtered_reminded_and_noticed(world: World) -> None:
    """Found Friday 2020-09-25 with 3 working days: Sunday Sep 27 (调休), 28, 29; overdue
    from Oct 9 (after National Day), a notice three working days on, once."""
    problem = problems.create_problem(
        problems.ProblemInput(
            world.unit.id, "inspection", "职工书屋未建", date(2020, 9, 25), 3,
            task_id=world.task.id,
        ),
        world.office,
    )  # fmt: skip
    assert problem.due_on == date(2020, 9, 29)
    overdue = problems.list_problems(problems.ProblemFilter(overdue=True), date(2020, 10, 9))
    assert problem in overdue
    mine = problems.list_problems(problems.ProblemFilter(unit_id=world.other.id), date(2020, 10, 9))
    assert problem not in mine
    settings = app_settings.current()
    run_reminders(date(2020, 10, 9), settings)
    run_reminders(date(2020, 10, 14), settings)
    kinds = db.session.scalars(
        sa.select(Reminder.kind).where(Reminder.key.like(f"%:problem{problem.id}:%"))
    ).all()
    assert "problem_overdue" in kinds and "problem_notice" in kinds
    notice = db.session.scalar(
        sa.select(SupervisionNotice).where(SupervisionNotice.period == f"问题{problem.id}")
    )
    assert notice is not None and notice.unit_id == world.unit.id
    again = run_reminders(date(2020, 10, 14), settings)
    assert not [r for r in again.reminders if f"problem{problem.id}" in r.key]


def test_a_task_is_closed_only_when_its_final_milestone_is_verified(world: World) -> None:
    lag = app_settings.current().lag
    with pytest.raises(Conflict) as refused:
        closing.close_task(world.task, world.office, "", date(2020, 11, 20), lag=lag)
    assert "审核通过" in refused.value.message
    with pytest.raises(Conflict):
        closing.reopen_task(world.task, world.office, "x")


def test_a_task_with_its_target_met_and_evidence_is_closed_and_reopened(world: World) -> None:
    """Refused without evidence; closed once the accepted report carries some; closed
    tasks leave the reminders; reopened with a reason; both audited."""
    task, lead, lag = world.task, world.lead, app_settings.current().lag
    first = reports.submit_report(
        task, world.unit, lead, reports.ReportInput(period="2020Q3", value=100.0,
                                                    progress="全覆盖"), date(2020, 10, 12)
    )  # fmt: skip
    reports.review_report(first, world.office, True, "", date(2020, 10, 13))
    refusal = closing.closing_refusal(task, date(2020, 10, 20), lag=lag)
    assert refusal == "该任务最近审核通过的2020Q3进展报告没有佐证材料，不能销号。"
    report = reports.submit_report(
        task, world.unit, lead, reports.ReportInput(period="2020Q4", value=100.0,
                                                    progress="全覆盖"), date(2021, 1, 8)
    )  # fmt: skip
    evidence.attach(
        report,
        FileStorage(io.BytesIO(samples.PDF), "验收.pdf"),
        lead,
        storage_dir=world.storage,
        max_bytes=app_settings.current().uploads.max_bytes,
        limits=app_settings.container_limits(),
    )
    reports.review_report(report, world.office, True, "", date(2021, 1, 11))
    closing.close_task(task, world.office, "验收合格", date(2021, 1, 20), lag=lag)
    assert task.closed_at is not None and task in closing.closed_tasks(task.plan_id)
    calendar = calendar_service.load_calendar()

    def reminded() -> bool:  # around the 2021Q1 report's due date and after it
        days = (date(2021, 4, 1), date(2021, 4, 8), date(2021, 4, 9), date(2021, 4, 16))
        return any(
            intent.task_id == task.id
            for day in days
            for intent in plan_intents(task.plan, day, calendar, lag=lag, catchup_workdays=5)
        )

    assert not reminded()
    assert closing.closing_refusal(task, date(2021, 1, 20), lag=lag) == "该任务已销号。"
    with pytest.raises(Conflict):
        closing.close_task(task, world.office, "", date(2021, 1, 20), lag=lag)
    with pytest.raises(ServiceError) as refused:
        closing.reopen_task(task, world.office, " ")
    assert refused.value.field == "reason"
    closing.reopen_task(task, world.office, "复查发现问题")
    assert task.closed_at is None and reminded()
    actions = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.entity == "tasks", AuditEntry.entity_id == task.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions[-2:] == ["close", "reopen"]


def test_debriefing_scores_are_trimmed_and_feed_the_indicator(world: World, app: Flask) -> None:
    set_id = _rubric(app)
    indicator = db.session.scalar(
        sa.select(Indicator).where(Indicator.set_id == set_id, Indicator.level == 3).limit(1)
    )
    assert indicator is not None and indicator.points
    round_ = debriefings.create_debriefing(
        debriefings.DebriefingInput(
            name="2020年度产改述职评议",
            held_on=date(2020, 12, 20),
            unit_ids=[world.unit.id],
            criteria="工作推进:60\n创新举措:40",
            plan_id=world.task.plan_id,
            indicator_id=indicator.id,
        ),
        world.office,
    )
    debriefings.hand_in(round_, world.unit, "一年来……", world.lead)
    raters = []
    for n, scores in enumerate(([50, 30], [60, 40], [40, 20], [55, 35])):
        rater = User(username=f"rater{n}", password_hash="x", role=Role.LEADER)
        db.session.add(rater)
        db.session.flush()
        raters.append(debriefings.rate(round_, world.unit, rater, [float(s) for s in scores]))
    with pytest.raises(ServiceError):
        debriefings.rate(round_, world.unit, world.office, [70.0, 10.0])
    (result,) = debriefings.results(round_)
    assert result.totals == [60, 80, 90, 100] and result.score == 85
    proposed = supervision_assessment.propose_from_debriefings(set_id, world.task.plan_id)
    assert len(proposed) == 1
    assert proposed[0].proposed_points == -round(0.15 * indicator.points, 2)
    assert supervision_assessment.propose_from_debriefings(set_id, world.task.plan_id) == []


def test_overdue_problems_propose_deductions_the_assessor_decides(world: World, app: Flask) -> None:
    set_id = _rubric(app)
    indicator = db.session.scalar(
        sa.select(Indicator).where(Indicator.set_id == set_id, Indicator.level == 3).limit(1)
    )
    assert indicator is not None
    assessment.map_task(world.task, indicator, None)
    problem = _finding(world, _round(world).id, days=3)
    settings = app_settings.current().assessment
    proposed = supervision_assessment.propose_from_problems(
        set_id, world.task.plan_id, date(2020, 11, 20), settings=settings
    )
    assert [p.event_key for p in proposed] == [
        f"problem{problem.id}:unit{world.unit.id}:indicator{indicator.id}"
    ]
    assert proposed[0].proposed_points < 0
    assessor = User(username="assessor", password_hash="x", role=Role.ASSESSOR)
    db.session.add(assessor)
    db.session.flush()
    assessment.decide(proposed[0], assessor, "confirm", "属实", None)
    assert db.session.get(ScoreAdjustment, proposed[0].id).status == "confirmed"  # type: ignore[union-attr]


def test_the_ledger_exports_as_xlsx_with_colours(world: World) -> None:
    problem = _finding(world, _round(world).id, days=3)
    data = export.ledger_xlsx([problem], date(2020, 11, 20))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet["A1"].value == "问题清单（截至2020-11-20）"
    assert sheet["B3"].value == LEAD_UNIT
    assert sheet["K3"].value == "待整改（逾期）"
    assert sheet["K3"].fill.fgColor.rgb.endswith("F8CBAD")


def test_the_assess_command_proposes_for_overdue_problems(world: World, app: Flask) -> None:
    """``flask assess`` adds the supervision proposals to the lag ones, once."""
    set_id = _rubric(app)
    indicator = db.session.scalar(
        sa.select(Indicator).where(Indicator.set_id == set_id, Indicator.level == 3).limit(1)
    )
    assert indicator is not None
    assessment.map_task(world.task, indicator, None)
    problem = _finding(world, _round(world).id, days=3)
    db.session.commit()
    args = ["assess", "--set", str(set_id), "--plan", str(world.task.plan_id)]
    runner = app.test_cli_runner()
    first = runner.invoke(args=[*args, "--as-of", "2020-11-20", "--json"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=[*args, "--as-of", "2020-11-20", "--json"])
    keys = db.session.scalars(
        sa.select(ScoreAdjustment.event_key).where(ScoreAdjustment.set_id == set_id)
    ).all()
    assert f"problem{problem.id}:unit{world.unit.id}:indicator{indicator.id}" in keys
    assert json.loads(again.output)["proposed"] == 0
