"""``flask --app tracker units …`` / ``users import``: lists of units and users from Excel
(issue 11 §3), all or nothing, printing ``{"created", "updated", "unchanged"}``."""

from __future__ import annotations

from pathlib import Path

import click

from tracker import settings as app_settings
from tracker.cli.support import echo_json, fail, group
from tracker.io.people_sheets import read_unit_rows, read_user_rows
from tracker.io.table_grid import TableReadError
from tracker.services import passwords, people_import, unit_admin
from tracker.services.errors import ServiceError
from tracker.unit_of_work import JOB_WAIT_MS, begin_writes

units_cli = group("units", help="单位：列表与导入。")
users_cli = group("users", help="用户：从 Excel 导入。")


@units_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--kind", help="未写类型的行的单位类型：部门、镇街、区县、企业、其他")
@click.option(
    "--json", "as_json", is_flag=True, help='以 JSON 输出：{"created", "updated", "unchanged"}'
)
def units_import(path: Path, kind: str | None, as_json: bool) -> None:
    """Import a list of units (序号 / 单位名称或企业名称 [/ 别名 / 类型 / 上级单位 / 地市 …]).
    \f
    All or nothing: exit 1 naming the row and column of the first bad row."""
    try:
        default = unit_admin.kind_of(kind) if kind else None
        rows = read_unit_rows(path, app_settings.container_limits())
        result = people_import.import_units(rows, default, None)
    except (TableReadError, ServiceError) as error:
        fail(str(error))
    _report(result, as_json)


@units_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def units_list(as_json: bool) -> None:
    """List units with kind and aliases."""
    found = [
        {
            "id": unit.id,
            "name": unit.name,
            "kind": unit.kind,
            "aliases": [a.alias for a in unit.aliases],
            "active": unit.active,
        }
        for unit in unit_admin.list_units()
    ]
    if as_json:
        echo_json(found)
        return
    for row in found:
        click.echo(f"{row['id']}\t{row['name']}\t{unit_admin.KIND_LABELS[str(row['kind'])]}")


@users_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help='以 JSON 输出：{"created", "updated", "unchanged"}'
)
def users_import(path: Path, as_json: bool) -> None:
    """Import a list of users (用户名 / 角色 [/ 姓名 / 单位 / 邮箱]); new users get one-time
    passwords, printed once.
    \f
    All or nothing: exit 1 naming the row and column of the first bad row."""
    current = app_settings.current()
    try:
        rows = read_user_rows(path, app_settings.container_limits())
        prepared = people_import.prepare_users(
            rows,
            hash_method=current.passwords.hash_method,
            policy=passwords.policy_named(current.accounts.password_profile),
        )  # the passwords are hashed before the write lock is taken (issue 18 §1)
        begin_writes(JOB_WAIT_MS)
        result = people_import.write_users(prepared, None)
    except (TableReadError, ServiceError) as error:
        fail(str(error))
    _report(result, as_json)


def _report(result: people_import.ImportResult, as_json: bool) -> None:
    data = result.to_json()
    if as_json:
        echo_json(data)
        return
    click.echo(f"新增 {data['created']}，更新 {data['updated']}，无变化 {data['unchanged']}。")
    for username, password in result.passwords.items():
        click.echo(f"{username}\t一次性密码：{password}")
