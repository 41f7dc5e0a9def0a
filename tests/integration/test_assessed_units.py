"""Assessed units are real units (issue 11 §5): the demo's rubric resolved to the Cixi
plan's units gives every lead unit a scorecard with indicators; a set assigned to 100
enterprises gives each its self-assessment form; 未评 counts neither as full nor zero."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.people_samples import enterprise_form, enterprise_list
from tracker import settings as app_settings
from tracker.domain.policy import Role, UnitRole
from tracker.extensions import db
from tracker.io.people_sheets import read_unit_rows
from tracker.models import Indicator, IndicatorSet, Plan, Task, TaskUnit, Unit, User
from tracker.services import assessed_units, assessment, indicators, self_assessment
from tracker.services.assessment.scan_proposals import propose_everywhere
from tracker.services.assessment.suggestions import suggestions_for
from tracker.services.demo import PLAN_NAME, load_demo
from tracker.services.people_import import import_units


def test_every_cixi_lead_unit_has_a_scorecard_with_indicators(app_ctx: Flask) -> None:
    settings = app_settings.current()
    load_demo(date(2020, 11, 20), settings)
    db.session.commit()
    plan = db.session.scalars(sa.select(Plan).where(Plan.name == PLAN_NAME)).one()
    set_id = db.session.scalars(sa.select(IndicatorSet.id)).one()
    leads = db.session.scalars(
        sa.select(Unit)
        .join(TaskUnit, TaskUnit.unit_id == Unit.id)
        .join(Task, Task.id == TaskUnit.task_id)
        .where(Task.plan_id == plan.id, TaskUnit.role == UnitRole.LEAD)
        .distinct()
    ).all()
    grades = settings.assessment.grade_thresholds()

    assert len(leads) == 10
    admin = db.session.scalars(sa.select(User).where(User.username == "admin")).one()
    assert admin.role is Role.ADMIN
    for unit in leads:
        card = assessment.scorecard(set_id, plan.id, unit.id, grades=grades)
        assert card.indicators, unit.name
        assert self_assessment.self_assessment_form(set_id, unit.id), unit.name
    plan_card = assessment.scorecard(set_id, plan.id, grades=grades)
    assert plan_card.grade == "" and plan_card.unscored > 0  # nothing scored yet: no grade
    assert plan_card.total < plan_card.maximum == 1000
    names = {u.name for u in assessed_units.plan_units(plan.id)}
    assert "工作人员" not in names
    # The rubric's phrases that name no Cixi unit are listed for review.
    review = assessed_units.preview_resolution(set_id, plan.id).review
    assert any(item.phrase == "工作人员" for item in review)
    db.session.rollback()


def test_department_words_and_member_units_resolve() -> None:
    units = [Unit(name="市人力社保局"), Unit(name="市总工会"), Unit(name="市文广旅体局")]

    assert [u.name for u in assessed_units.resolve_phrase("人社部门", units)] == ["市人力社保局"]
    assert [u.name for u in assessed_units.resolve_phrase("省级总工会", units)] == ["市总工会"]
    assert len(assessed_units.resolve_phrase("各成员单位", units)) == 3
    assert assessed_units.resolve_phrase("相关部门", units) == []
    assert [u.name for u in assessed_units.resolve_phrase("文化旅游部门", units)] == [
        "市文广旅体局"
    ]


def test_a_set_assigned_to_100_enterprises(
    runner: FlaskCliRunner, app_ctx: Flask, tmp_path: Path
) -> None:
    import_units(read_unit_rows(enterprise_list(tmp_path / "e.xlsx")), "enterprise", None)
    table = indicators.read_table(enterprise_form(tmp_path / "f.xlsx"))
    summary = indicators.import_indicators(table, create_units=False)
    enterprises = db.session.scalars(sa.select(Unit).where(Unit.kind == "enterprise")).all()
    added = assessed_units.assign_set(summary.set_id, list(enterprises), None)
    db.session.commit()

    assert added == 100
    one = enterprises[0]
    rows = self_assessment.self_assessment_form(summary.set_id, one.id)
    scored = [r for r in rows if not r.indicator.is_bonus]
    assert len(scored) == 28 and sum(r.indicator.points or 0 for r in scored) == 100
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Indicator).where(Indicator.level == 3)
        )
        == 30
    )


def test_the_party_member_task_is_not_suggested_union_membership(app_ctx: Flask) -> None:
    settings = app_settings.current()
    load_demo(date(2020, 11, 20), settings)
    plan = db.session.scalars(sa.select(Plan).where(Plan.name == PLAN_NAME)).one()
    set_id = db.session.scalars(sa.select(IndicatorSet.id)).one()
    first = db.session.scalars(
        sa.select(Task).where(Task.plan_id == plan.id).order_by(Task.id).limit(1)
    ).one()
    [best] = suggestions_for(first, set_id, limit=1)
    print(first.text, "→", best.indicator.name, best.reason)

    assert "入会" not in best.indicator.name
    assert "党" in best.reason
    db.session.rollback()


def test_the_scan_job_proposes_each_lag_event_once(app_ctx: Flask) -> None:
    settings = app_settings.current()
    load_demo(date(2020, 11, 20), settings)  # every task mapped to its first suggestion
    db.session.commit()
    first = propose_everywhere(date(2020, 11, 20), settings)
    db.session.commit()
    again = propose_everywhere(date(2020, 11, 20), settings)

    assert first > 0 and again == 0
    db.session.rollback()
