"""``flask --app tracker remind run [--as-of YYYY-MM-DD] [--json]`` (issue 4 §5)."""

from __future__ import annotations

from datetime import date, datetime

import click

from tracker import settings as app_settings
from tracker.cli.support import echo_json, group
from tracker.clock import today
from tracker.services.reminders import run_reminders

remind_cli = group("remind", help="催办提醒。")


@remind_cli.command("run")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="按此日期催办")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def remind_run(as_of: datetime | None, as_json: bool) -> None:
    """One reminder pass: store the reminders due, one digest per recipient, send them.
    Running it again for the same date sends nothing new."""
    day: date = as_of.date() if as_of else today()
    result = run_reminders(day, app_settings.current())
    if as_json:
        echo_json(result.to_json())
        return
    click.echo(
        f"{day.isoformat()}：新增提醒 {len(result.reminders)} 条，汇总 {len(result.digests)} 份，"
        f"发送 {result.sent} 次，跳过重复 {result.skipped_duplicates} 条"
    )
