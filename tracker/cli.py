"""``flask --app tracker …`` commands for operators, demos and tests."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from tracker import settings as app_settings
from tracker.cli_assess import assess_command
from tracker.cli_indicators import indicators_cli
from tracker.cli_notices import notice_cli
from tracker.cli_reminders import remind_cli
from tracker.cli_support import echo_json, fail
from tracker.clock import today
from tracker.domain.lag import LAG_LABELS, LagState
from tracker.domain.policy import Role
from tracker.domain.titles import parse_period_option
from tracker.extensions import db
from tracker.io.tables import TableReadError
from tracker.services import calendar as calendar_service
from tracker.services import demo as demo_service
from tracker.services import plans, scan, users
from tracker.services.errors import ServiceError

plan_cli = AppGroup("plan", help="导入与查看实施方案（责任分工表）。")
user_cli = AppGroup("user", help="用户管理。")
demo_cli = AppGroup("demo", help="演示数据。")
calendar_cli = AppGroup("calendar", help="工作日日历。")


def _period_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return parse_period_option(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


@plan_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name", help="方案名称（默认取表格标题）")
@click.option("--period", callback=_period_option, help="实施期限，如 2019-2025")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出导入结果")
def plan_import(
    path: Path, name: str | None, period: tuple[int, int] | None, as_json: bool
) -> None:
    """Import a responsibility table (.docx/.xlsx). All or nothing: on any error, exit 1."""
    try:
        table = plans.read_table(path)
        try:
            chosen = plans.choose_period(table, period)
        except plans.PeriodMissing:
            if not sys.stdin.isatty():
                raise
            chosen = parse_period_option(click.prompt("实施期限（如 2019-2025）"))
        defaults = app_settings.current().reporting
        summary = plans.import_plan(table, period=chosen, defaults=defaults, name=name)
        db.session.commit()
    except (TableReadError, ServiceError, ValueError) as error:
        fail(str(error))
    if as_json:
        echo_json(summary.to_json())
    else:
        click.echo(
            f"已导入方案 {summary.plan_id}：{summary.categories} 个主要举措、"
            f"{summary.measures} 项举措、{summary.tasks} 项任务、{summary.units} 个单位、"
            f"{summary.milestones} 个节点，{summary.needs_review} 项进度需人工核对。"
        )


@plan_cli.command("show")
@click.argument("plan_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def plan_show(plan_id: int, as_json: bool) -> None:
    """Print a plan with its tree of tasks and milestones."""
    try:
        plan = plans.get_plan(plan_id)
    except ServiceError as error:
        fail(str(error))
    data = plans.plan_to_json(plan)
    if as_json:
        echo_json(data)
        return
    click.echo(f"{plan.id} {plan.name}（{plan.first_year}—{plan.last_year}年）")
    for category in plan.categories:
        click.echo(category.name)
        for measure in category.measures:
            click.echo(f"  {measure.name}")
            for task in measure.tasks:
                flag = "  [需核对]" if task.needs_review else ""
                click.echo(f"    #{task.id} {task.text}｜{task.schedule_text}{flag}")


@plan_cli.command("list")
def plan_list() -> None:
    """List plans."""
    for plan in plans.list_plans():
        click.echo(f"{plan.id}\t{plan.name}\t{plan.first_year}-{plan.last_year}")


@user_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def user_list(as_json: bool) -> None:
    """List users with role and unit."""
    found = users.users_to_json(users.list_users())
    if as_json:
        echo_json(found)
        return
    for row in found:
        click.echo(f"{row['username']}\t{row['role']}\t{row['unit'] or ''}")


@user_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_name", help="单位名称（单位填报员必填）")
@click.option("--email")
@click.password_option()
def user_create(
    username: str, role: str, unit_name: str | None, email: str | None, password: str
) -> None:
    """Create a user."""
    from tracker.services.units import UnitDirectory

    unit = UnitDirectory().find(unit_name) if unit_name else None
    if unit_name and unit is None:
        fail(f"没有名为「{unit_name}」的单位")
    try:
        hash_method = app_settings.current().passwords.hash_method
        users.create_user(
            username, password, Role(role), unit=unit, email=email, hash_method=hash_method
        )
        db.session.commit()
    except ServiceError as error:
        fail(str(error))
    click.echo(f"已创建用户 {username}")


@user_cli.command("token")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True, help='以 JSON 输出：{"token": …}')
def user_token(username: str, as_json: bool) -> None:
    """Issue an API token for a user (shown once; header ``Authorization: Bearer …``)."""
    from tracker.services import tokens

    try:
        raw = tokens.issue_token(tokens.find_user(username))
        db.session.commit()
    except ServiceError as error:
        fail(str(error))
    if as_json:
        echo_json({"token": raw})
    else:
        click.echo(f"已为 {username} 生成 API 令牌（只显示这一次，请妥善保存）：\n{raw}")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the Cixi plan, its units, demo accounts and plausible reports; print accounts."""
    try:
        result = demo_service.load_demo(today(), app_settings.current())
        db.session.commit()
    except (TableReadError, ServiceError, ValueError) as error:
        fail(str(error))
    click.echo(result.describe())


@click.command("scan")
@with_appcontext
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="按此日期扫描")
@click.option("--plan", "plan_id", type=int, help="只扫描一个方案")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def scan_command(as_of: Any, plan_id: int | None, as_json: bool) -> None:
    """Compute every task's lag state and store alerts for new lag events."""
    day: date = as_of.date() if as_of else today()
    result = scan.run_scan(day, plan_id, lag=app_settings.current().lag)
    db.session.commit()
    if as_json:
        echo_json(result.to_json())
        return
    counts: dict[str, int] = {}
    for status in result.statuses:
        counts[str(status.state)] = counts.get(str(status.state), 0) + 1
    summary = "，".join(f"{LAG_LABELS[LagState(state)]} {n}" for state, n in counts.items())
    tasks, alerts = len(result.statuses), result.alerts_created
    click.echo(f"{day.isoformat()}：{tasks} 项任务（{summary}），新增提醒 {alerts} 条")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the job scheduler in this process (the only place jobs run)."""
    from tracker.jobs.scheduler import run_scheduler

    run_scheduler()


@calendar_cli.command("sync")
@click.option(
    "--year", "years", type=int, multiple=True, help="年份（默认：节假日库所知的全部年份）"
)
def calendar_sync(years: tuple[int, ...]) -> None:
    """Store holidays and adjusted workdays from the chinesecalendar library."""
    try:
        added = calendar_service.sync_from_library(list(years) or None)
        db.session.commit()
    except ValueError as error:
        fail(str(error))
    click.echo(f"已写入 {added} 个节假日/调休日")


@calendar_cli.command("workdays")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--json", "as_json", is_flag=True)
def calendar_workdays(start: Any, end: Any, as_json: bool) -> None:
    """Count working days between two dates, both included."""
    count = calendar_service.load_calendar().workdays_between(start.date(), end.date())
    if as_json:
        echo_json({"workdays": count})
    else:
        click.echo(count)


def register_cli(app: Flask) -> None:
    """Attach the command groups to ``app``."""
    for command in (plan_cli, user_cli, demo_cli, calendar_cli, scan_command, scheduler_command):
        app.cli.add_command(command)
    app.cli.add_command(notice_cli)
    app.cli.add_command(remind_cli)
    app.cli.add_command(indicators_cli)
    app.cli.add_command(assess_command)
