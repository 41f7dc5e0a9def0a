"""``flask --app tracker assess``: propose deductions from lags, then print a scorecard."""

from __future__ import annotations

from datetime import date, datetime

import click
import sqlalchemy as sa

from tracker import settings as app_settings
from tracker.cli.support import command, echo_json, fail
from tracker.clock import today
from tracker.extensions import db
from tracker.models import Unit
from tracker.services import assessment
from tracker.services.errors import ServiceError
from tracker.services.inspections.assessment import propose_from_supervision


def _unit_id(name: str | None) -> int | None:
    """The id of the unit named ``name`` (None for no name); ServiceError if none is."""
    if name is None:
        return None
    unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.name == name.strip()))
    if unit_id is None:
        raise ServiceError(f"没有单位“{name}”")
    return unit_id


@command("assess")
@click.option("--set", "set_id", type=int, required=True, help="指标体系编号")
@click.option("--plan", "plan_id", type=int, required=True, help="方案编号")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="截至日期（默认今天）")
@click.option("--unit", "unit_name", help="只看一个单位（单位名称）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def assess_command(
    set_id: int, plan_id: int, as_of: datetime | None, unit_name: str | None, as_json: bool
) -> None:
    """Propose deductions from lags as of the date (safe to rerun), then print the
    scorecard; proposals not yet decided do not count ("pending")."""
    day: date = as_of.date() if as_of is not None else today()
    try:
        unit_id = _unit_id(unit_name)
        settings = app_settings.current()
        created = assessment.propose_from_lags(
            set_id, plan_id, day, settings=settings.assessment, lag=settings.lag
        )
        created += propose_from_supervision(set_id, plan_id, day, settings=settings.assessment)
        grades = settings.assessment.grade_thresholds()
        card = assessment.scorecard(set_id, plan_id, unit_id, grades=grades)
    except ServiceError as error:
        fail(str(error))
    data = assessment.scorecard_json(card)
    data["proposed"] = len(created)
    if as_json:
        echo_json(data)
        return
    click.echo(
        f"新增建议扣分 {len(created)} 项；待审定 {card.pending} 项（不计入得分）。"
        f"总分 {data['total']} / {data['max']}，等级 {card.grade or '—'}"
    )
