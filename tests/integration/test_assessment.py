"""From lags to points: proposals, decisions, appeals, scorecards and the .xlsx export."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook

from config.settings import TEST_HASH_METHOD
from tests.paths import SEEDS
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.io.scorecard_workbook import scorecard_xlsx
from tracker.models import Contribution, Plan, ProgressReport, Reminder, Task, Unit, User
from tracker.models.assessment import Indicator, ScoreAdjustment
from tracker.services import assessment
from tracker.services import calendar as calendar_service
from tracker.services.contributions import answer_contribution
from tracker.services.errors import Conflict, ServiceError
from tracker.services.reports import ReportInput, review_report, submit_report
from tracker.services.scorecard_sheet import scorecard_sheet
from tracker.services.users import create_user

PASSWORD = "secret-pass-1"
AS_OF = "2020-01-10"
PLANNING = "产改专项规划"


def _rubric_path() -> str:
    path = SEEDS / "national-assessment-rubric.docx"
    return str(path if path.exists() else "/work/shared/documents/national-assessment-rubric.docx")


@pytest.fixture(scope="module")
def imported(app: Flask, shared_db: None) -> dict[str, int]:
    """Cixi and the rubric imported by the CLIs, office/assessor users, the first Cixi task
    mapped to 产改专项规划 and its 2019 milestone missed (accepted low reports)."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["plan", "import", str(SEEDS / "cixi-key-tasks.docx"), "--period", "2019-2025"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        return _mapped_and_missed(runner)


@pytest.fixture
def ids(imported: dict[str, int], app_ctx: Flask) -> dict[str, int]:
    """The ids of :func:`imported`, with the test's app context pushed."""
    return imported


def _mapped_and_missed(runner: FlaskCliRunner) -> dict[str, int]:
    result = runner.invoke(args=["indicators", "import", _rubric_path(), "--json"])
    assert result.exit_code == 0, result.output
    set_id = json.loads(result.output)["set_id"]
    calendar_service.sync_from_library([2019, 2020, 2021])
    office = create_user("office", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
    create_user(
        "assessor", PASSWORD, Role.ASSESSOR, display_name="考核员", hash_method=TEST_HASH_METHOD
    )
    db.session.commit()
    plan = db.session.scalars(sa.select(Plan)).one()
    task = plan.tasks[0]
    indicator = db.session.scalars(
        sa.select(Indicator).where(
            Indicator.set_id == set_id, Indicator.level == 3, Indicator.name.contains(PLANNING)
        )
    ).one()
    assessment.map_task(task, indicator, office)
    db.session.commit()
    due_days = {"2019Q1": (4, 3), "2019Q2": (7, 3), "2019Q3": (10, 9), "2019Q4": (12, 31)}
    for period, value in (("2019Q1", 5), ("2019Q2", 8), ("2019Q3", 12), ("2019Q4", 15)):
        _report(task, period, value, date(2019, *due_days[period]))
    return {"set": set_id, "plan": plan.id, "task": task.id, "indicator": indicator.id}


def _report(task: Task, period: str, value: float, on: date, accept: bool = True) -> None:
    lead = task.lead_units[0]
    author = create_user(
        f"u{period}{task.id}", PASSWORD, Role.UNIT, unit=lead, hash_method=TEST_HASH_METHOD
    )
    saved = submit_report(task, lead, author, ReportInput(period, value, "进展"), on)
    if accept:
        review_report(saved, _user("office"), True, "", on)
    db.session.commit()


def _user(name: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == name)).one()


def _grades() -> dict[str, float]:
    return app_settings.current().assessment.grade_thresholds()


def _assess(runner: FlaskCliRunner, ids: dict[str, int], *extra: str) -> dict:
    args = ["assess", "--set", str(ids["set"]), "--plan", str(ids["plan"]), "--as-of", AS_OF]
    result = runner.invoke(args=[*args, *extra, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _item(data: dict, indicator_id: int) -> dict:
    return next(item for item in data["indicators"] if item["id"] == indicator_id)


def _proposals(ids: dict[str, int]) -> list[ScoreAdjustment]:
    db.session.expire_all()
    return assessment.adjustments_of(ids["set"], ids["plan"])


def test_missed_milestone_is_proposed_then_decided(
    runner: FlaskCliRunner, ids: dict[str, int]
) -> None:
    first = _assess(runner, ids)
    item = _item(first, ids["indicator"])
    assert (first["pending"], first["proposed"]) == (1, 1)
    assert item["score"] is None and item["points"] == 15 and item["note"] == "未评"
    assert item["deductions"] == []
    [proposal] = _proposals(ids)
    assert proposal.proposed_points == -8  # first deduction rule 扣8分, lead weight 1.0
    assert "missed" in proposal.event_key and "20" in proposal.event

    assessment.decide(proposal, _user("assessor"), "confirm")
    db.session.commit()
    confirmed = _item(_assess(runner, ids), ids["indicator"])
    [line] = confirmed["deductions"]
    assert confirmed["score"] == 7
    assert line["points"] == -8 and "扣8分" in line["rule"] and line["event"] == proposal.event
    assert (line["decision"], line["decided_by"]) == ("confirmed", "考核员")

    with pytest.raises(ServiceError):
        assessment.decide(proposal, _user("assessor"), "reject", reason=" ")
    assessment.decide(proposal, _user("assessor"), "reject", reason="已整改")
    db.session.commit()
    assert _item(_assess(runner, ids), ids["indicator"])["score"] == 15

    with pytest.raises(ServiceError):
        assessment.decide(proposal, _user("assessor"), "change", points=-3)
    with pytest.raises(ServiceError):
        assessment.decide(proposal, _user("assessor"), "change", points=2, reason="加重")
    assessment.decide(proposal, _user("assessor"), "change", points=-3, reason="情节较重")
    db.session.commit()
    changed = _assess(runner, ids)
    [line] = _item(changed, ids["indicator"])["deductions"]
    assert (line["points"], line["reason"]) == (-3, "情节较重")
    assert _item(changed, ids["indicator"])["score"] == 12
    assert (changed["pending"], changed["proposed"]) == (0, 0)  # rerun adds nothing
    assert len(_proposals(ids)) == 1


def test_office_only_maps_and_assessor_only_decides(ids: dict[str, int]) -> None:
    task = db.session.get(Task, ids["task"])
    indicator = db.session.get(Indicator, ids["indicator"])
    with pytest.raises(assessment.NotAllowed):
        assessment.map_task(task, indicator, _user("assessor"))
    suggestions = assessment.suggest_indicators(task, ids["set"], limit=3)
    assert len(suggestions) <= 3 and all(0 < score <= 1 for _, score in suggestions)
    assert assessment.unmap_task(task, indicator, _user("office")) is True
    assert assessment.mapped_indicators(task, ids["set"]) == []


def test_appeal_once_by_the_unit_and_answer(runner: FlaskCliRunner, ids: dict[str, int]) -> None:
    _assess(runner, ids)
    [proposal] = _proposals(ids)
    lead = db.session.get(Unit, proposal.unit_id)
    member = create_user("lead-user", PASSWORD, Role.UNIT, unit=lead, hash_method=TEST_HASH_METHOD)
    other = create_user(
        "other-user",
        PASSWORD,
        Role.UNIT,
        unit=db.session.scalars(sa.select(Unit).where(Unit.id != lead.id)).first(),
        hash_method=TEST_HASH_METHOD,
    )
    with pytest.raises(Conflict):
        assessment.appeal(proposal, member, "尚未审定")
    assessment.decide(proposal, _user("assessor"), "confirm")
    with pytest.raises(assessment.NotAllowed):
        assessment.appeal(proposal, other, "不是我们")
    assessment.appeal(proposal, member, "数据统计口径有误")
    with pytest.raises(Conflict):
        assessment.appeal(proposal, member, "再次申诉")
    with pytest.raises(Conflict):
        assessment.decide(proposal, _user("assessor"), "reject", reason="改判")
    assessment.answer_appeal(proposal, _user("assessor"), "部分采纳", points=-0.25)
    db.session.commit()
    with pytest.raises(Conflict):
        assessment.answer_appeal(proposal, _user("assessor"), "再答")
    assert (proposal.status, proposal.points, proposal.appeal_answer) == (
        "changed",
        -0.25,
        "部分采纳",
    )
    assert _item(_assess(runner, ids), ids["indicator"])["score"] == 14.75
    # Word of the appeal to the assessment group, of its answer to the unit (issue 12 §2).
    words = {
        (r.recipient.username, r.kind): r.message
        for r in db.session.scalars(sa.select(Reminder).where(Reminder.kind.like("handoff_app%")))
    }
    assert "数据统计口径有误" in words["assessor", "handoff_appeal"]
    assert "部分采纳" in words["lead-user", "handoff_appeal_answered"]


def test_disputed_contribution_deducts_from_the_cooperating_unit(
    runner: FlaskCliRunner, ids: dict[str, int]
) -> None:
    task = db.session.get(Task, ids["task"])
    _report(task, "2020Q1", 40, date(2020, 1, 6), accept=False)
    contribution = db.session.scalars(
        sa.select(Contribution)
        .join(ProgressReport, ProgressReport.id == Contribution.report_id)
        .where(ProgressReport.period == "2020Q1")
    ).first()
    assert contribution is not None
    member = create_user(
        "coop-user", PASSWORD, Role.UNIT, unit=contribution.unit, hash_method=TEST_HASH_METHOD
    )
    answer_contribution(contribution, member, False, "", "未参与此项工作", date(2020, 1, 7))
    db.session.commit()

    data = _assess(runner, ids)
    coop = [a for a in _proposals(ids) if a.unit_id == contribution.unit_id]
    assert len(coop) == 1 and coop[0].proposed_points == -4  # 8 × cooperating 0.5
    assert "异议" in coop[0].event
    assert data["pending"] == 2
    by_unit = _assess(runner, ids, "--unit", contribution.unit.name)
    assert by_unit["pending"] == 1 and by_unit["proposed"] == 0


def test_score_never_goes_below_zero(runner: FlaskCliRunner, ids: dict[str, int]) -> None:
    _assess(runner, ids)
    [proposal] = _proposals(ids)
    for number in range(12):
        db.session.add(
            ScoreAdjustment(
                set_id=ids["set"],
                plan_id=ids["plan"],
                indicator_id=ids["indicator"],
                unit_id=proposal.unit_id,
                task_id=ids["task"],
                event_key=f"manual{number}",
                event=f"人工扣分{number}",
                proposed_points=-1,
                status="proposed",
            )
        )
    db.session.commit()
    for adjustment in _proposals(ids):
        assessment.decide(adjustment, _user("assessor"), "change", points=-5, reason="严重")
    db.session.commit()
    item = _item(_assess(runner, ids), ids["indicator"])
    assert item["score"] == 0
    assert sum(line["points"] for line in item["deductions"]) == pytest.approx(
        -item["points"] + item["score"]
    )


def test_scorecard_exports_as_xlsx(runner: FlaskCliRunner, ids: dict[str, int]) -> None:
    _assess(runner, ids)
    [proposal] = _proposals(ids)
    assessment.decide(proposal, _user("assessor"), "confirm", reason="属实")
    db.session.commit()
    card = assessment.scorecard(ids["set"], ids["plan"], grades=_grades())
    sheet = load_workbook(BytesIO(scorecard_xlsx(scorecard_sheet(card)))).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[1][:6] == ["序号", "一级指标", "二级指标", "三级指标（分值）", "得分", "扣分及原因"]
    planning = next(row for row in rows if row[3] and PLANNING in str(row[3]))
    assert planning[4] == 7 and "-8分" in planning[5] and "属实" in planning[5]
    total = next(row for row in rows if row[0] == "合计")
    assert total[4] == pytest.approx(card.total) and card.maximum == 1000
    assert card.grade == "" and card.unscored == 87  # a grade only when all are scored
    assert next(row for row in rows if row[0] == "等级")[4] == "未评87项，暂不定等次"
    assert sheet.merged_cells.ranges


def test_scorecard_groups_follow_the_indicator_tree(
    runner: FlaskCliRunner, ids: dict[str, int]
) -> None:
    card = assessment.scorecard(ids["set"], ids["plan"], grades=_grades())

    names = [group.indicator.name for group in card.ordered_groups()]

    assert names[:3] == ["一、组织领导", "（一）顶层设计", "（二）党政重视"]
    assert sum(1 for g in card.ordered_groups() if g.indicator.level == 1) == 7
    assert len(names) == 7 + 25
