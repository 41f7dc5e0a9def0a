"""``flask --app tracker plan …``: importing, showing and listing implementation plans
(实施方案, the responsibility table)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from tracker import settings as app_settings
from tracker.cli.support import echo_json, fail, group
from tracker.domain.titles import parse_period_option
from tracker.io.tables import ResponsibilityTable, TableReadError
from tracker.models._types import utcnow
from tracker.services import plan_revision, plans
from tracker.services.errors import ServiceError
from tracker.services.plan_rows import compute_plan
from tracker.unit_of_work import JOB_WAIT_MS, begin_writes

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
@click.option("--into", "into", type=int, help="修订已有方案：按编号把修订后的表格导入该方案")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出导入结果（错误也是 JSON）")
def plan_import(
    path: Path,
    name: str | None,
    period: tuple[int, int] | None,
    into: int | None,
    as_json: bool,
) -> None:
    """Import a responsibility table (.docx/.xlsx). All or nothing: on any error, exit 1.
    \f
    The period comes from ``--period``, else the table's title, else a prompt (only on a
    terminal; otherwise the missing period is an error). With ``--into`` the table revises
    that plan: kept tasks keep their reports, dropped ones are archived; ``--json`` then
    prints ``{"added", "changed", "removed", "unchanged"}``. With ``--json`` an error is
    printed as ``{"error", "file", "row", "column"}`` (exit 1).
    """
    try:
        table = plans.read_table(path, limits=app_settings.container_limits())
        if into is not None:
            _revise(into, table, as_json)
            return
        chosen = _chosen_period(table, period)
        rows = compute_plan(
            table, period=chosen, defaults=app_settings.current().reporting, name=name
        )
        begin_writes(JOB_WAIT_MS, up_front=False)  # all computed: the writes alone lock
        summary = plans.store_plan(rows, chosen)
    except TableReadError as error:
        _fail(as_json, error.message, error.file, error.row, error.column, str(error))
    except (ServiceError, ValueError) as error:
        _fail(as_json, getattr(error, "message", str(error)), path.name, None, None, str(error))
    if as_json:
        echo_json(summary.to_json())
    else:
        click.echo(
            f"已导入方案 {summary.plan_id}：{summary.categories} 个主要举措、"
            f"{summary.measures} 项举措、{summary.tasks} 项任务、{summary.units} 个单位、"
            f"{summary.milestones} 个节点，{summary.needs_review} 项进度需人工核对。"
        )


def on_terminal() -> bool:
    """True when someone at a terminal can answer a prompt (not in a script or a pipe)."""
    return sys.stdin.isatty()


def _chosen_period(table: ResponsibilityTable, period: tuple[int, int] | None) -> tuple[int, int]:
    try:
        return plans.choose_period(table, period)
    except plans.PeriodMissing as missing:
        if not on_terminal():
            raise
        if missing.guess is None:
            return parse_period_option(click.prompt("实施期限（如 2019-2025）"))
        first, last = missing.guess  # shown for confirmation, never taken silently
        click.echo(f"标题中没有实施期限；时间进度中写到的年份为 {first}–{last}。", err=True)
        answer = click.prompt("实施期限（回车即采用上面的年份）", default=f"{first}-{last}",
                              err=True)  # fmt: skip
        return parse_period_option(answer)


def _revise(plan_id: int, table: ResponsibilityTable, as_json: bool) -> None:
    """Apply ``table`` to plan ``plan_id`` and print the counts."""
    plan = plans.get_plan(plan_id)
    diff = plan_revision.diff_plan(plan, table)  # computed first, then the writes alone lock
    begin_writes(JOB_WAIT_MS)
    counts = plan_revision.apply_revision(plan, table, user=None, now=utcnow(), diff=diff).counts()
    if as_json:
        echo_json(counts)
        return
    click.echo(
        f"已修订方案 {plan.id}：新增 {counts['added']} 项、修改 {counts['changed']} 项、"
        f"归档 {counts['removed']} 项、未变 {counts['unchanged']} 项任务。"
    )


def _fail(
    as_json: bool, message: str, file: str, row: int | None, column: str | None, text: str
) -> NoReturn:
    """Exit 1 with the error: as JSON on stdout with ``--json``, else "错误：…"."""
    if not as_json:
        fail(text)
    echo_json({"error": message, "file": file, "row": row, "column": column})
    sys.exit(1)


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
                if task.archived_at is not None:
                    continue
                flag = "  [需核对]" if task.needs_review else ""
                click.echo(f"    #{task.id} {task.text}｜{task.schedule_text}{flag}")
                for reason in task.review_reason_list:
                    click.echo(f"        · {reason}")


@plan_cli.command("list")
def plan_list() -> None:
    """List plans.
    \f
    One line per plan: id, name and period, tab-separated."""
    for plan in plans.list_plans():
        click.echo(f"{plan.id}\t{plan.name}\t{plan.first_year}-{plan.last_year}")
