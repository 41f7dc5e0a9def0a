"""What every ``flask --app tracker …`` command shares: one unit of work per command, JSON
output and failing cleanly.

Every command of ours is a :class:`UnitOfWorkCommand`: its callback runs inside
:func:`~tracker.unit_of_work.unit_of_work`, which commits when the callback returns and
rolls back when it raises — including the ``SystemExit`` of :func:`fail`, so a command that
fails stores nothing. Commands are made with :func:`command` (a top-level command) or the
``command()`` of a :func:`group`; :func:`tracker.cli.register_cli` refuses any other kind,
so a command cannot forget its unit of work.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo

from tracker.unit_of_work import unit_of_work, will_write

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute of a command callback marked with :func:`writes`.
_WRITES = "tracker_command_writes"


def writes(callback: F) -> F:
    """Mark a command that writes: its unit of work begins by taking SQLite's write lock
    (:func:`~tracker.unit_of_work.will_write`), as a job run's does, so that the read-then-
    write transaction is not refused once web requests commit meanwhile (WAL's busy
    snapshot). Put it below the ``command()`` decorator."""
    setattr(callback, _WRITES, True)
    return callback


class UnitOfWorkCommand(click.Command):
    """A click command whose callback runs in the app context and one unit of work."""

    def invoke(self, ctx: click.Context) -> Any:
        """Push the app context if none is active, then run the callback in a unit of work
        (commit on return, rollback on any exception or exit)."""
        if not current_app:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        with unit_of_work():
            if getattr(self.callback, _WRITES, False):
                will_write()
            return super().invoke(ctx)


class CommandGroup(AppGroup):
    """An ``AppGroup`` whose commands are :class:`UnitOfWorkCommand` and whose subgroups
    are command groups too."""

    command_class = UnitOfWorkCommand
    group_class = type  # click: subgroups are of this group's own class


def group(name: str, help: str) -> CommandGroup:
    """A command group ``flask --app tracker NAME …`` whose commands each run in one unit
    of work."""
    return CommandGroup(name, help=help)


def command(name: str) -> Callable[[Callable[..., Any]], UnitOfWorkCommand]:
    """Decorate a top-level command's callback: ``flask --app tracker NAME``, in one unit
    of work."""
    return click.command(name, cls=UnitOfWorkCommand)


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON with Chinese kept readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def fail(message: str) -> NoReturn:
    """Print "错误：…" on stderr and exit 1; the command's unit of work rolls back, so
    nothing was stored."""
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)
