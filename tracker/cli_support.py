"""What every ``flask --app tracker …`` command shares: JSON output and failing cleanly."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click

from tracker.extensions import db


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON with Chinese kept readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def fail(message: str) -> NoReturn:
    """Roll back, print "错误：…" on stderr and exit 1 (nothing was stored)."""
    db.session.rollback()
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)
