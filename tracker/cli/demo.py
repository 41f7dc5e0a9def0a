"""``flask --app tracker demo load``: the demo ledger (Cixi plan, units, accounts, reports)."""

from __future__ import annotations

import click

from tracker import settings as app_settings
from tracker.cli.support import fail, group
from tracker.clock import today
from tracker.io.tables import TableReadError
from tracker.services import demo as demo_service
from tracker.services.errors import ServiceError

demo_cli = group("demo", help="演示数据。")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the Cixi plan, its units, demo accounts and plausible reports; print accounts.
    \f
    Each step is printed as it starts (the whole load takes a while) and written in brief
    transactions of its own (issue 18 §1). A second run adds nothing. Exit 1 if a seed file
    cannot be read."""
    try:
        result = demo_service.load_demo(today(), app_settings.current(), progress=click.echo)
    except (TableReadError, ServiceError, ValueError) as error:
        fail(str(error))
    click.echo(result.describe())
