"""``flask --app tracker …`` commands for operators, demos and tests: one module per
command group, each command in one unit of work (:mod:`tracker.cli.support`)."""

from __future__ import annotations

import click
from flask import Flask

from tracker.cli.assess import assess_command
from tracker.cli.backup import backup_cli
from tracker.cli.calendar import calendar_cli
from tracker.cli.dashboard import dashboard_cli
from tracker.cli.demo import demo_cli
from tracker.cli.indicators import indicators_cli
from tracker.cli.notice import notice_cli
from tracker.cli.people import units_cli, users_cli
from tracker.cli.plan import plan_cli
from tracker.cli.remind import remind_cli
from tracker.cli.scan import scan_command
from tracker.cli.scheduler import scheduler_command
from tracker.cli.support import UnitOfWorkCommand
from tracker.cli.user import user_cli

COMMANDS: tuple[click.Command, ...] = (
    plan_cli,
    user_cli,
    demo_cli,
    calendar_cli,
    scan_command,
    scheduler_command,
    notice_cli,
    remind_cli,
    indicators_cli,
    assess_command,
    backup_cli,
    dashboard_cli,
    units_cli,
    users_cli,
)
"""Every command and command group of ours."""


def register_cli(app: Flask) -> None:
    """Attach the commands to ``app``.

    Raises TypeError when a command would run outside a unit of work (not made with
    :func:`tracker.cli.support.command` or a :func:`~tracker.cli.support.group`).
    """
    for command in COMMANDS:
        check_unit_of_work(command)
        app.cli.add_command(command)


def check_unit_of_work(command: click.Command) -> None:
    """Raise TypeError unless ``command`` and every command under it is a
    :class:`UnitOfWorkCommand` (groups only dispatch, so they need not be)."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            check_unit_of_work(sub)
    elif not isinstance(command, UnitOfWorkCommand):
        raise TypeError(f"command {command.name!r} does not run in a unit of work")
