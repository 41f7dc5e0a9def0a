"""``flask --app tracker user …``: listing and creating users, issuing API tokens."""

from __future__ import annotations

import click

from tracker import settings as app_settings
from tracker.cli.support import echo_json, fail, group
from tracker.domain.policy import Role
from tracker.services import passwords, tokens, users
from tracker.services.errors import ServiceError
from tracker.services.units import UnitDirectory

user_cli = group("user", help="用户管理。")


@user_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def user_list(as_json: bool) -> None:
    """List users with role and unit.
    \f
    Tab-separated, or a JSON array."""
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
    """Create a user.
    \f
    Exit 1 for an unknown unit or a refused user (name taken, …)."""
    unit = UnitDirectory().find(unit_name) if unit_name else None
    if unit_name and unit is None:
        fail(f"没有名为「{unit_name}」的单位")
    try:
        current = app_settings.current()
        users.create_user(
            username,
            password,
            Role(role),
            unit=unit,
            email=email,
            hash_method=current.passwords.hash_method,
            policy=passwords.policy_named(current.accounts.password_profile),
        )
    except ServiceError as error:
        fail(str(error))
    click.echo(f"已创建用户 {username}")


@user_cli.command("token")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True, help='以 JSON 输出：{"token": …}')
def user_token(username: str, as_json: bool) -> None:
    """Issue an API token for a user (shown once; header ``Authorization: Bearer …``).
    \f
    Exit 1 for an unknown user."""
    try:
        raw = tokens.issue_token(tokens.find_user(username))
    except ServiceError as error:
        fail(str(error))
    if as_json:
        echo_json({"token": raw})
    else:
        click.echo(f"已为 {username} 生成 API 令牌（只显示这一次，请妥善保存）：\n{raw}")
