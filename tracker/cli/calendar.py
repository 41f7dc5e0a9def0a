"""``flask --app tracker calendar …``: the working-day calendar (holidays and 调休)."""

from __future__ import annotations

from datetime import datetime

import click

from tracker.cli.support import echo_json, fail, group
from tracker.services import calendar as calendar_service

calendar_cli = group("calendar", help="工作日日历。")


@calendar_cli.command("sync")
@click.option(
    "--year", "years", type=int, multiple=True, help="年份（默认：节假日库所知的全部年份）"
)
def calendar_sync(years: tuple[int, ...]) -> None:
    """Store holidays and adjusted workdays from the chinesecalendar library.
    \f
    Exit 1 for a year the library does not know."""
    try:
        added = calendar_service.sync_from_library(list(years) or None)
    except ValueError as error:
        fail(str(error))
    click.echo(f"已写入 {added} 个节假日/调休日")


@calendar_cli.command("workdays")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--json", "as_json", is_flag=True)
def calendar_workdays(start: datetime, end: datetime, as_json: bool) -> None:
    """Count working days between two dates, both included."""
    count = calendar_service.load_calendar().workdays_between(start.date(), end.date())
    if as_json:
        echo_json({"workdays": count})
    else:
        click.echo(count)
