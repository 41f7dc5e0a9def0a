"""``flask --app tracker dashboard backfill``: stored states at past quarter ends."""

from __future__ import annotations

import click

from tracker import settings as app_settings
from tracker.cli.support import group
from tracker.clock import today
from tracker.services import dashboard_states

dashboard_cli = group("dashboard", help="领导驾驶舱。")


@dashboard_cli.command("backfill")
@click.option("--plan", "plan_id", type=int, help="只补一个方案")
def dashboard_backfill(plan_id: int | None) -> None:
    """Store the missing task states at every past quarter end and today.
    \f
    Assesses each plan as of each quarter end that has no stored states yet; stored rows
    are kept. Prints how many rows were added."""
    added = dashboard_states.backfill(today(), plan_id, lag=app_settings.current().lag)
    click.echo(f"已补存 {added} 条任务状态（各季度末及今日）。")
