"""Who holds the write lock, and for how long (issue 18 §1, §4).

Every database transaction that writes is measured from its first write (on SQLite: the
``BEGIN IMMEDIATE`` that took the lock, or the first INSERT/UPDATE/DELETE of a deferred
transaction) to its commit or rollback, and the wait before it (this process's writer turn,
:class:`tracker.unit_of_work.WriterTurns`, plus SQLite's lock wait). Each such transaction is
put down to its **source**: ``web <METHOD> <rule>`` for a request, ``job <id>`` for a
scheduled job (:func:`job_source`), ``cli`` otherwise.

- A transaction that held the lock :data:`LONG_WRITE_MS` or more is logged as a warning
  (logger ``tracker.write_watch``), so that an install sees what keeps writers waiting.
- With ``TRACKER_WRITE_LOG`` set (a file path), every write transaction of every process
  is appended to it as one JSON line ``{"source", "held_ms", "waited_ms", "pid"}``: the
  concurrency benchmark reads it (:func:`read_log`, :func:`summarise`).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

#: A write transaction held this long (ms) or longer is logged as a warning.
LONG_WRITE_MS = 200

#: The environment variable naming the file every write transaction is appended to.
WRITE_LOG_VARIABLE = "TRACKER_WRITE_LOG"

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_BEGAN = "tracker_write_began"  # connection.info: perf_counter of the first write
_ASKED = "tracker_write_asked"  # connection.info: perf_counter before the statement
_job: ContextVar[str | None] = ContextVar("tracker_write_source_job", default=None)
_waits = threading.local()
_log_lock = threading.Lock()


@contextmanager
def job_source(job_id: str) -> Iterator[None]:
    """Put the write transactions of the block down to the job ``job_id``."""
    token = _job.set(f"job {job_id}")
    try:
        yield
    finally:
        _job.reset(token)


def note_wait(seconds: float) -> None:
    """Add ``seconds`` this thread waited for its turn to write (before its transaction
    began) to the wait of its next write transaction."""
    _waits.seconds = getattr(_waits, "seconds", 0.0) + seconds


def current_source() -> str:
    """Where the current write comes from: a job, a request (method and URL rule), or
    ``cli``."""
    job = _job.get()
    if job is not None:
        return job
    if has_request_context():
        rule = request.url_rule.rule if request.url_rule is not None else request.path
        return f"web {request.method} {rule}"
    return "cli"


def lock_taken(connection: Connection, asked: float) -> None:
    """The transaction on ``connection`` holds the write lock from now (it asked at
    ``asked``, a ``perf_counter``): called after SQLite's ``BEGIN IMMEDIATE``."""
    now = time.perf_counter()
    connection.info[_BEGAN] = now
    note_wait(now - asked)


def refused(seconds: float) -> None:
    """The current thread gave up waiting for the lock after ``seconds`` (a busy database):
    recorded as a transaction that held nothing, with all it waited."""
    waited = getattr(_waits, "seconds", 0.0) + seconds
    _waits.seconds = 0.0
    record(current_source(), 0.0, waited, refused=True)


@event.listens_for(Engine, "before_cursor_execute")
def _before(connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    if _BEGAN not in connection.info and statement.lstrip()[:7].upper().startswith(_WRITES):
        connection.info[_ASKED] = time.perf_counter()


@event.listens_for(Engine, "after_cursor_execute")
def _after(connection: Connection, *_: Any) -> None:
    asked = connection.info.pop(_ASKED, None)
    if asked is not None:
        lock_taken(connection, asked)


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _ended(connection: Connection) -> None:
    began = connection.info.pop(_BEGAN, None)
    waited = getattr(_waits, "seconds", 0.0)
    _waits.seconds = 0.0
    if began is not None:
        record(current_source(), time.perf_counter() - began, waited)


def record(source: str, held: float, waited: float, *, refused: bool = False) -> None:
    """One write transaction of ``source``: ``held`` seconds from its first write to its
    end, after ``waited`` seconds for the lock (``refused``: it never got it). Logged when
    long; appended to the write log when there is one."""
    held_ms, waited_ms = round(held * 1000, 1), round(waited * 1000, 1)
    if held_ms >= LONG_WRITE_MS:
        log.warning("%s held the write lock %.0f ms (waited %.0f ms)", source, held_ms, waited_ms)
    path = os.environ.get(WRITE_LOG_VARIABLE)
    if path:
        line = {"source": source, "held_ms": held_ms, "waited_ms": waited_ms, "pid": os.getpid()}
        if refused:
            line["refused"] = True
        with _log_lock, open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def read_log(path: Path) -> list[dict[str, Any]]:
    """The write transactions appended to ``path`` (none when it does not exist)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def summarise(entries: Iterable[dict[str, Any]], top: int = 10) -> dict[str, Any]:
    """The figures of a write log: the number of write transactions, the longest held by a
    job and by the web (ms, with its source), the longest wait in the web (ms), and the
    ``top`` sources by their longest hold (``{source: {"n", "max_held_ms",
    "max_waited_ms"}}``)."""
    by_source: dict[str, dict[str, float]] = {}
    for entry in entries:
        row = by_source.setdefault(
            entry["source"], {"n": 0, "max_held_ms": 0.0, "max_waited_ms": 0.0}
        )
        row["n"] += 1
        row["max_held_ms"] = max(row["max_held_ms"], entry["held_ms"])
        row["max_waited_ms"] = max(row["max_waited_ms"], entry["waited_ms"])

    def longest(prefix: str, key: str) -> dict[str, Any]:
        rows = [(row[key], name) for name, row in by_source.items() if name.startswith(prefix)]
        ms, source = max(rows, default=(0.0, None))
        return {"ms": ms, "source": source}

    ranked = sorted(by_source.items(), key=lambda item: -item[1]["max_held_ms"])[:top]
    return {
        "transactions": int(sum(row["n"] for row in by_source.values())),
        "longest_held_job": longest("job ", "max_held_ms"),
        "longest_held_web": longest("web ", "max_held_ms"),
        "longest_wait_web": longest("web ", "max_waited_ms"),
        "top_holders": dict(ranked),
    }
