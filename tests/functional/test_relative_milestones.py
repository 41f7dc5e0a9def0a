"""Relative milestones through the import, the database and the JSON (issue 10 §2)."""

from __future__ import annotations

from flask import Flask

from tracker.io.tables import PlanRow
from tracker.models import Milestone
from tracker.services import plans
from tracker.web.api.responses import Milestone as MilestoneOut

SCHEDULE = "到2020年，单位GDP能耗较2018年下降8%"
EXPECTED = {
    "kind": "level",
    "due": "2020-12-31",
    "comparator": "<=",
    "target": None,
    "unit": None,
    "relative": {"base_year": 2018, "kind": "percent_change", "amount": -8.0},
}


def _row(schedule: str) -> PlanRow:
    return PlanRow(1, "类", "措施", "单位GDP能耗下降", schedule, (), ())


def test_import_keeps_the_relative_target_and_asks_for_its_base(app: Flask) -> None:
    with app.app_context():
        task = plans.task_from_row(_row(SCHEDULE), 1, (2019, 2025))
        assert [m.to_spec().to_json() for m in task.milestones] == [EXPECTED]
        assert task.needs_review is True
        assert task.review_reasons == "缺少2018年基期值，请在填报时补充"


def test_a_plain_target_gets_no_base_reason(app: Flask) -> None:
    with app.app_context():
        task = plans.task_from_row(_row("2020年达到20%"), 1, (2019, 2025))
        assert task.needs_review is False and task.review_reasons == ""


def test_the_row_and_the_api_keep_the_relative_and_its_base(app: Flask) -> None:
    with app.app_context():
        task = plans.task_from_row(_row(SCHEDULE), 1, (2019, 2025))
        row = task.milestones[0]
        assert row.relative_kind == "percent_change" and row.relative_base_year == 2018
        row.base_value = 100.0
        spec = row.to_spec()
        assert Milestone.from_spec(spec, 1).base_value == 100.0
        data = spec.to_json()
        assert data["relative"] == {
            "base_year": 2018,
            "kind": "percent_change",
            "amount": -8.0,
            "base_value": 100.0,
        }
        assert MilestoneOut.model_validate(data).model_dump(mode="json") == data
        plain = Milestone(kind=row.kind, due=row.due, comparator=">=", target_value=20.0)
        assert "relative" not in MilestoneOut.model_validate(plain.to_spec().to_json()).model_dump()
