"""``flask --app tracker scan``: every task's lag state, and alerts for new lag events."""

from __future__ import annotations

from datetime import date, datetime

import click

from tracker import settings as app_settings
from tracker.cli.support import command, echo_json
from tracker.clock import today
from tracker.domain.lag import LAG_LABELS, LagState
from tracker.services import scan


@command("scan")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="按此日期扫描")
@click.option("--plan", "plan_id", type=int, help="只扫描一个方案")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("--full", is_flag=True, help="重新计算全部任务（默认只计算当日以来情况有变的任务）")
def scan_command(as_of: datetime | None, plan_id: int | None, as_json: bool, full: bool) -> None:
    """Compute every task's lag state and store alerts for new lag events.
    \f
    Chunk by chunk, each committed on its own; a rerun the same day assesses only the
    tasks whose facts changed (``--full``: every task) and adds no alert twice. Prints
    the counts per state and of the new alerts."""
    day: date = as_of.date() if as_of else today()
    settings = app_settings.current()
    workers = settings.scheduler.scan_workers
    result = scan.run_scan(day, plan_id, lag=settings.lag, full=full, workers=workers)
    if as_json:
        echo_json(result.to_json())
        return
    counts: dict[str, int] = {}
    for status in result.statuses:
        counts[str(status.state)] = counts.get(str(status.state), 0) + 1
    summary = "，".join(f"{LAG_LABELS[LagState(state)]} {n}" for state, n in counts.items())
    tasks, alerts = len(result.statuses), result.alerts_created
    click.echo(f"{day.isoformat()}：{tasks} 项任务（{summary}），新增提醒 {alerts} 条")
