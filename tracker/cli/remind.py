"""``flask --app tracker remind run [--as-of YYYY-MM-DD] [--json] [--no-send]`` and
``remind deliver`` (issue 4 §5, issue 9 §2)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

import click

from tracker import settings as app_settings
from tracker.cli.support import echo_json, group
from tracker.clock import today
from tracker.jobs.deliver import deliver_now
from tracker.services.channels.faults import kill_point
from tracker.services.reminders import run_reminders, sent_count
from tracker.unit_of_work import unit_of_work

remind_cli = group("remind", help="催办提醒。")


@remind_cli.command("run")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="按此日期催办")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("--no-send", "no_send", is_flag=True, help="只记录，不发送")
def remind_run(as_of: datetime | None, as_json: bool, no_send: bool) -> None:
    """One reminder pass: store the reminders due, one digest per recipient and its
    deliveries (in brief transactions, nothing sent), then send what is due. Running it
    again for the same date records and sends nothing new.
    \f
    With --no-send the deliveries wait for ``remind deliver`` or the delivery job."""
    day: date = as_of.date() if as_of else today()
    settings = app_settings.current()
    with unit_of_work():
        result = run_reminders(day, settings)
    kill_point("recorded")
    if not no_send:
        deliver_now(settings.channels)
    result.sent = sent_count(result.digest_ids)
    if as_json:
        echo_json(result.to_json())
        return
    click.echo(
        f"{day.isoformat()}：新增提醒 {len(result.reminder_ids)} 条，"
        f"汇总 {len(result.digest_ids)} 份，"
        f"发送 {result.sent} 次，跳过重复 {result.skipped_duplicates} 条"
    )


@remind_cli.command("deliver")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def remind_deliver(as_json: bool) -> None:
    """Send every delivery due now (as the 10-minute delivery job does), each claimed,
    sent and recorded on its own."""
    summary = deliver_now(app_settings.current().channels)
    if as_json:
        echo_json(asdict(summary))
        return
    click.echo(
        f"发送 {summary.sent} 次，失败 {summary.failed} 次，待重试 {summary.retrying} 次，"
        f"跳过 {summary.skipped} 次"
    )
