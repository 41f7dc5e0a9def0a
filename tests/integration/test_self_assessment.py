"""Self-assessment (自评, issue 5 §4) on the national rubric: the text limit, the score
range, the review, the form rows and the .docx export."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from docx import Document
from flask import Flask

from config.settings import TEST_HASH_METHOD, Settings
from tests.paths import SEEDS
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.io.self_assessment_document import HEADERS, self_assessment_docx
from tracker.models import AuditEntry, Indicator, SelfAssessment, Unit, User
from tracker.services import self_assessment as service
from tracker.services.errors import ServiceError
from tracker.services.users import create_user

RUBRIC = SEEDS / "national-assessment-rubric.docx"
UNIT = "省级产改领导机构"
FIRST = "纳入当地国民经济和社会发展规划"  # 15 分
AWARDS = "科技创新表彰奖项"  # 10 分: base 4, bonuses capped at 4, 2


@pytest.fixture(scope="module")
def rubric(app: Flask, shared_db: None) -> int:
    """Import the national rubric with the CLI; its set id."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["indicators", "import", str(RUBRIC), "--json"])
    assert result.exit_code == 0, result.output
    return int(json.loads(result.output)["set_id"])


def _unit() -> Unit:
    found = db.session.scalar(sa.select(Unit).where(Unit.name == UNIT))
    assert found is not None
    return found


def _indicator(name: str) -> Indicator:
    found = db.session.scalar(
        sa.select(Indicator).where(Indicator.level == 3, Indicator.name.like(f"{name}%"))
    )
    assert found is not None, name
    return found


def _max_chars() -> int:
    """The app's limit of a self-assessment text (TRACKER_SELF_ASSESSMENT_MAX_CHARS)."""
    return app_settings.current().assessment.self_assessment_max_chars


def _users() -> tuple[User, User]:
    reporter = create_user(
        "sa-unit", "Secret#2020pass", Role.UNIT, unit=_unit(), hash_method=TEST_HASH_METHOD
    )
    assessor = create_user(
        "sa-assessor", "Secret#2020pass", Role.ASSESSOR, hash_method=TEST_HASH_METHOD
    )
    return reporter, assessor


def test_save_creates_then_updates_and_audits(app_ctx: Flask, rubric: int) -> None:
    reporter, _ = _users()
    indicator = _indicator(FIRST)
    first = service.save_self_assessment(
        rubric, _unit(), indicator, reporter, "已纳入规划", 15, max_chars=_max_chars()
    )
    again = service.save_self_assessment(
        rubric, _unit(), indicator, reporter, "已纳入", 14.5, max_chars=_max_chars()
    )
    db.session.commit()
    assert again.id == first.id and again.text == "已纳入" and again.proposed_score == 14.5
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.entity == "self_assessments")
    ).all()
    assert actions == ["create", "update"]


def test_text_longer_than_the_limit_is_refused(app_ctx: Flask, rubric: int) -> None:
    reporter, _ = _users()
    indicator = _indicator(FIRST)
    service.save_self_assessment(
        rubric, _unit(), indicator, reporter, "字" * 100, 10, max_chars=_max_chars()
    )
    with pytest.raises(ServiceError) as refused:
        service.save_self_assessment(
            rubric, _unit(), indicator, reporter, "字" * 101, 10, max_chars=_max_chars()
        )
    assert refused.value.field == "text" and "100 字" in refused.value.message


def test_the_limit_is_a_setting(
    app_ctx: Flask, rubric: int, set_settings: Callable[..., Settings]
) -> None:
    set_settings("assessment", self_assessment_max_chars=5)
    reporter, _ = _users()
    with pytest.raises(ServiceError, match="5 字"):
        service.save_self_assessment(
            rubric, _unit(), _indicator(FIRST), reporter, "六个字六个字", 1, max_chars=_max_chars()
        )


@pytest.mark.parametrize("score", [-0.5, 15.5, float("nan")])
def test_proposed_score_outside_the_range_is_refused(
    app_ctx: Flask, rubric: int, score: float
) -> None:
    reporter, _ = _users()
    with pytest.raises(ServiceError) as refused:
        service.save_self_assessment(
            rubric, _unit(), _indicator(FIRST), reporter, "", score, max_chars=_max_chars()
        )
    assert refused.value.field == "proposed_score"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfAssessment)) == 0


def test_bonus_indicator_allows_its_capped_bonus(app_ctx: Flask, rubric: int) -> None:
    reporter, _ = _users()
    awards = _indicator(AWARDS)
    assert service.max_score(awards) == 10
    entry = service.save_self_assessment(
        rubric, _unit(), awards, reporter, "获奖2项", 10, max_chars=_max_chars()
    )
    assert entry.proposed_score == 10
    with pytest.raises(ServiceError, match="超出范围"):
        service.save_self_assessment(
            rubric, _unit(), awards, reporter, "获奖2项", 10.5, max_chars=_max_chars()
        )


def test_review_needs_an_opinion_and_a_score_in_range(app_ctx: Flask, rubric: int) -> None:
    reporter, assessor = _users()
    indicator = _indicator(FIRST)
    entry = service.save_self_assessment(
        rubric, _unit(), indicator, reporter, "已纳入", 15, max_chars=_max_chars()
    )
    with pytest.raises(ServiceError) as no_opinion:
        service.review_self_assessment(entry, assessor, "  ", 12)
    assert no_opinion.value.field == "opinion"
    with pytest.raises(ServiceError) as too_high:
        service.review_self_assessment(entry, assessor, "举措不全", 16)
    assert too_high.value.field == "final_score"
    with pytest.raises(ServiceError) as missing:
        service.review_self_assessment(entry, assessor, "举措不全", None)
    assert missing.value.field == "final_score"
    service.review_self_assessment(entry, assessor, "举措不全，扣3分", 12)
    db.session.commit()
    assert (entry.opinion, entry.final_score, entry.reviewer_id) == (
        "举措不全，扣3分",
        12,
        assessor.id,
    )
    assert entry.reviewed_at is not None


def test_form_lists_the_units_indicators_with_merged_levels(app_ctx: Flask, rubric: int) -> None:
    reporter, _ = _users()
    unit = _unit()
    service.save_self_assessment(
        rubric, unit, _indicator(FIRST), reporter, "已纳入", 15, max_chars=_max_chars()
    )
    rows = service.self_assessment_form(rubric, unit.id)
    assert len(rows) == 72  # the level-3 indicators listing 省级产改领导机构
    assert rows[0].indicator.name.startswith(FIRST) and rows[0].entry is not None
    assert rows[0].level1 is not None and rows[0].level1.level == 1
    assert rows[0].level2 is not None and rows[0].level2.level == 2
    assert sum(row.level1_span for row in rows) == len(rows)
    assert sum(row.level2_span for row in rows) == len(rows)
    assert all(row.entry is None for row in rows[1:])


def test_docx_has_the_source_layout_and_the_texts(app_ctx: Flask, rubric: int) -> None:
    reporter, assessor = _users()
    unit = _unit()
    entry = service.save_self_assessment(
        rubric, unit, _indicator(FIRST), reporter, "已纳入“十四五”规划", 14, max_chars=_max_chars()
    )
    service.review_self_assessment(entry, assessor, "举措缺1项", 13)
    rows = service.self_assessment_form(rubric, unit.id)
    data = self_assessment_docx(rows, "全国产改考核", UNIT)
    table = Document(io.BytesIO(data)).tables[0]
    assert tuple(cell.text for cell in table.rows[0].cells) == HEADERS
    first = [cell.text for cell in table.rows[1].cells]
    assert first[0] == "1" and first[3] == f"{FIRST}（15分）"
    assert first[5:] == ["已纳入“十四五”规划", "14", "举措缺1项", "13"]
    assert len(table.rows) == 1 + len(rows)
    # The level-1 cell is merged down: python-docx repeats it on the next row.
    assert table.rows[2].cells[1]._tc is table.rows[1].cells[1]._tc
