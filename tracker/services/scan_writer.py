"""The scan's chunks written beside their computation, and its statistics refreshed.

:class:`ChunkWriter` hands each computed chunk to a thread of this process that writes it
in a brief transaction of its own (:func:`~tracker.unit_of_work.chunk_of_work`, in an app
context and session of the thread's own) while the caller computes the next one. At most
:data:`QUEUED` chunks wait, so memory stays bounded by a few chunks; the chunks are written
in order, and after the first failure none is (the failure is raised to the caller), so a
chunk stays the unit of idempotency: a scan that dies leaves whole chunks written and the
next run repairs the rest. On SQLite, whose one write lock a second connection would only
queue for, and for a session bound to one connection rather than an engine (the test
suite's, inside one transaction), each chunk is written in the caller's thread before it
goes on.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from flask import current_app

from tracker.extensions import db
from tracker.unit_of_work import chunk_of_work

#: Chunks computed and waiting for the writer thread, at most.
QUEUED = 2

#: Refresh the planner's statistics when a scan wrote more than this share of a table's
#: rows as last counted (PostgreSQL's autovacuum analyses at 10 %; it may be off or late).
STALE_SHARE = 0.1


def threads_help() -> bool:
    """True when the session reaches PostgreSQL through an engine: a thread's (or a
    process's) own connection then reads or writes beside the caller's. On SQLite a second
    connection only queues for the one write lock, and a session bound to one connection
    (the test suite's, inside one transaction) holds rows no other connection can see."""
    bind = db.session.get_bind()
    return isinstance(bind, sa.Engine) and bind.dialect.name == "postgresql"


@contextmanager
def thread_session(app: Any) -> Iterator[None]:
    """An app context, and so a session, of the current thread's own for the block (a
    thread beside the caller: :class:`ChunkWriter`'s writer, a read beside the scan); the
    session is removed at the end, its connection back in the pool."""
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()


class ChunkWriter:
    """``write`` each chunk with ``write_chunk(chunk) -> alerts created``; use as a context
    manager (leaving it waits for the last chunk and raises the writer's failure, if any).
    ``created`` counts the alerts written, ``longest`` the longest chunk write (seconds,
    from the chunk's ``write_seconds``)."""

    def __init__(self, write_chunk: Callable[[Any], int]) -> None:
        self._write_chunk = write_chunk
        self.created = 0
        self.longest = 0.0
        self._failure: BaseException | None = None
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUED)
        self._thread: threading.Thread | None = None
        if threads_help():
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            self._thread = threading.Thread(target=self._run, args=(app,), daemon=True)
            self._thread.start()

    def __enter__(self) -> ChunkWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
        if error is None and self._failure is not None:
            raise self._failure

    def write(self, chunk: Any) -> None:
        """Write ``chunk`` (in the writer thread: queue it, waiting while
        :data:`QUEUED` chunks wait); raises the failure of an earlier chunk's write."""
        if self._failure is not None:
            raise self._failure
        if self._thread is None:
            self._done(chunk, self._write_chunk(chunk))
        else:
            self._queue.put(chunk)

    def _done(self, chunk: Any, created: int) -> None:
        self.created += created
        self.longest = max(self.longest, chunk.write_seconds)

    def _run(self, app: Any) -> None:
        with thread_session(app):
            while (chunk := self._queue.get()) is not None:
                if self._failure is None:
                    try:
                        self._done(chunk, self._write_chunk(chunk))
                    except BaseException as failure:  # handed to the caller
                        self._failure = failure


def refresh_statistics(states: int, alerts: int) -> None:
    """On PostgreSQL, ``ANALYZE`` the stored states or the alerts when a scan just wrote
    ``states`` / ``alerts`` rows, more than :data:`STALE_SHARE` of the table's rows the
    planner last counted (the first scans fill an empty table: planned as empty, the
    next scan's reads would walk the whole table per chunk); in a brief transaction of
    its own. Nothing on SQLite."""
    if db.session.get_bind().dialect.name != "postgresql" or not (states or alerts):
        return
    counted: dict[str, float] = dict(
        db.session.execute(
            sa.text(
                "SELECT relname, reltuples FROM pg_class "
                "WHERE relname IN ('task_states', 'alerts') AND relkind = 'r'"
            )
        ).all()
    )
    stale = [
        table
        for table, written in (("task_states", states), ("alerts", alerts))
        if written > STALE_SHARE * max(float(counted.get(table, 0)), 0.0)
    ]
    if stale:
        with chunk_of_work() as session:
            session.execute(sa.text(f"ANALYZE {', '.join(stale)}"))
