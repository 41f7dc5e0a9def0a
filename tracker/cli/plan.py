"""``flask --app tracker plan …``: importing, showing and listing implementation plans
(实施方案, the responsibility table)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tracker import settings as app_settings
from tracker.cli.support import echo_json, fail, group
from tracker.domain.titles import parse_period_option
from tracker.io.tables import TableReadError
from tracker.services import plans
from tracker.services.errors import ServiceError
from tracker.unit_of_work import will_write

plan_cli = group("plan", help="导入与查看实施方案（责任分工表）。")


def _period_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    """``--period 2019-2025`` as ``(2019, 2025)``; a malformed value is a usage error."""
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
    """Import a responsibility table (.docx/.xlsx). All or nothing: on any error, exit 1.
    \f
    The period comes from ``--period``, else the table's title, else a prompt (only on a
    terminal; otherwise the missing period is an error).
    """
    try:
        table = plans.read_table(path, limits=app_settings.container_limits())
        try:
            chosen = plans.choose_period(table, period)
        except plans.PeriodMissing:
            if not sys.stdin.isatty():
                raise
            chosen = parse_period_option(click.prompt("实施期限（如 2019-2025）"))
        will_write()  # the file is read: now wait for SQLite's write lock, then write
        defaults = app_settings.current().reporting
        summary = plans.import_plan(table, period=chosen, defaults=defaults, name=name)
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
    """Print a plan with its tree of tasks and milestones.
    \f
    Exit 1 if there is no such plan."""
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
    """List plans.
    \f
    One line per plan: id, name and period, tab-separated."""
    for plan in plans.list_plans():
        click.echo(f"{plan.id}\t{plan.name}\t{plan.first_year}-{plan.last_year}")
