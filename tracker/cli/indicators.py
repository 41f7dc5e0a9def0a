"""`flask --app tracker indicators …`: importing and showing indicator tables (考核指标)."""

from __future__ import annotations

from pathlib import Path

import click

from tracker import settings as app_settings
from tracker.cli.support import echo_json, fail, group
from tracker.io.tables import TableReadError
from tracker.services import indicators as indicator_service
from tracker.services.errors import ServiceError
from tracker.unit_of_work import will_write

indicators_cli = group("indicators", help="考核指标体系：导入与查看。")


@indicators_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name", help="指标体系名称（默认取表格标题）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出导入结果")
def import_command(path: Path, name: str | None, as_json: bool) -> None:
    """Import an indicator table (.docx/.xlsx). All or nothing: on any error, exit 1."""
    try:
        table = indicator_service.read_table(path, limits=app_settings.container_limits())
        will_write()  # the file is read: now wait for SQLite's write lock, then write
        summary = indicator_service.import_indicators(table, name=name)
    except (TableReadError, ServiceError, ValueError) as error:
        fail(str(error))
    if as_json:
        echo_json(summary.to_json())
        return
    data = summary.to_json()
    counts = data["indicators"]
    click.echo(
        f"已导入指标体系 {summary.set_id}：一级指标 {counts['level1']} 个、"
        f"二级指标 {counts['level2']} 个、三级指标 {counts['level3']} 个，"
        f"共 {data['points']} 分；评分规则 {summary.rules} 条，"
        f"{summary.needs_review} 条需人工评分或核对。"
    )


@indicators_cli.command("show")
@click.argument("set_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def show_command(set_id: int, as_json: bool) -> None:
    """Print an indicator set's tree with points, units and rules."""
    try:
        indicator_set = indicator_service.get_set(set_id)
    except ServiceError as error:
        fail(str(error))
    data = indicator_service.set_to_json(indicator_set)
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['id']} {data['name']}（{data['points']} 分）")
    for level1 in data["indicators"]:
        click.echo(f"{level1['name']}（{level1['points']}）")
        for level2 in level1["children"]:
            click.echo(f"  {level2['name']}（{level2['points']}）")
            for level3 in level2["children"]:
                click.echo(f"    {level3['code']} {level3['name']}（{level3['points']}）")
