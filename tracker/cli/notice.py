"""``flask --app tracker notice …``: supervision notices (督办单) for operators and tests."""

from __future__ import annotations

import click

from tracker.cli.support import echo_json, group
from tracker.services import notices as notice_service

notice_cli = group("notice", help="督办单。")


@notice_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.option("--unsigned", is_flag=True, help="只列未签收的督办单。")
def list_notices(as_json: bool, unsigned: bool) -> None:
    """List notices, newest first: number, unit, task and status (未签收/已签收/已答复).

    With --json: a JSON array of {"number", "unit", "task", "task_id", "period",
    "issued_on", "new_deadline", "status"}.
    """
    rows = [notice_service.notice_to_json(n) for n in notice_service.all_notices(unsigned)]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("没有督办单。")
    for row in rows:
        click.echo(f"{row['number']}\t{row['status']}\t{row['unit']}\t{row['task']}")
