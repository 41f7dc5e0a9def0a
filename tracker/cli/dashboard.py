"""``flask --app tracker dashboard backfill``: stored states at past quarter ends."""

from __future__ import annotations

import click

from tracker import settings as app_settings
from tracker.cli.support import fail, group
from tracker.clock import today
from tracker.extensions import db
from tracker.models import Plan
from tracker.services import briefing, briefing_schedule, dashboard_states

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


@dashboard_cli.command("briefing")
@click.option("--plan", "plan_id", type=int, required=True, help="方案编号")
@click.option(
    "--schedule",
    type=click.Choice(["monthly", "quarterly", "off"]),
    help="设置定期专报：每月 / 每季度 / 不定期",
)
@click.option("--issue", is_flag=True, help="立即编号印发一期专报并通知改革办")
def dashboard_briefing(plan_id: int, schedule: str | None, issue: bool) -> None:
    """Set a plan's briefing schedule, or issue its next briefing now.
    \f
    Without options prints the plan's schedule and the label the next briefing gets."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        fail(f"没有编号为 {plan_id} 的方案")
    if schedule:
        briefing_schedule.set_cadence(plan_id, schedule)
    if issue:
        item = briefing.issue_briefing(plan_id, today())
        click.echo(f"已印发专报 {item.label}。")
    cadence = briefing_schedule.cadence_of(plan_id)
    click.echo(
        f"专报周期：{briefing_schedule.CADENCE_LABELS[cadence]}；"
        f"下一期：{today().year}年第{briefing.next_sequence(plan_id, today().year)}期"
    )
