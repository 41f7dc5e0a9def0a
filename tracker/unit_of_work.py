"""The one place that commits: a unit of work per web request, CLI command and job run.

Services only flush. The caller of a use case never commits either: it runs inside a unit of
work, which commits when the request, command or job finishes without an exception and rolls
back otherwise.

- Web: :class:`TrackerFlask` wraps every view in :func:`unit_of_work`, so a view's writes are
  committed before its response goes out, and a commit that fails (a lost race, a locked
  database) reaches the error handlers like any other exception.
- CLI: every command is a :class:`tracker.cli.support.UnitOfWorkCommand`, whose callback
  runs in :func:`unit_of_work` (``register_cli`` refuses any other kind of command).
- Jobs: :func:`tracker.jobs.runs.run_job` opens one unit of work per run (a job that
  writes in chunks opens one per chunk inside it), and records the run in units of its own.

Inside a unit of work, :func:`attempt` runs one service call in a savepoint: a
:class:`~tracker.services.errors.ServiceError` undoes only that call's writes and is handed
back to the view, which shows it beside the form field or as a flash.

Writes nobody waits for (a login's ``last_login_at``) are queued with :func:`after_commit`:
each runs after the main commit in a short transaction of its own (:func:`best_effort`,
a lock wait of :data:`BEST_EFFORT_TIMEOUT_MS`), and is skipped, logged, when the database
is busy. A view whose main work only reads says so with :func:`writes_late`, so that on
SQLite its transaction does not start by waiting for the write lock; one that must do slow
work before it writes (store an upload) is :func:`writes_late` too and calls
:func:`begin_writing` when the slow part is done.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import Flask, request
from flask_sqlalchemy.session import Session
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import scoped_session

from tracker import extensions, write_watch
from tracker.extensions import SQLITE_BUSY_TIMEOUT, SQLITE_IMMEDIATE, db, is_busy
from tracker.services.errors import ServiceError

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger(__name__)

#: How long a best-effort write waits for a lock before it is skipped.
BEST_EFFORT_TIMEOUT_MS = 200

#: Where :func:`after_commit` queues its writes (the session's ``info``).
_AFTER_COMMIT = "tracker_after_commit"

#: Attribute of a view marked with :func:`writes_late`.
_WRITES_LATE = "tracker_writes_late"

#: Methods that never write: their transactions begin deferred.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


#: How long a job's write transaction waits for SQLite's write lock (ms): nobody waits on a
#: job, so it queues behind the web's brief writes (and another job) instead of failing.
JOB_WAIT_MS = 60_000

#: After each chunk a job wrote on SQLite, it leaves the write lock free for at least as
#: long as it held it (at most this many seconds), so the web's writers, which wait only
#: 5 s, get the lock between a long job's chunks instead of queueing behind them.
JOB_YIELD_MAX_S = 0.25


def will_write(timeout_ms: int | None = None) -> None:
    """Declare that the unit of work about to start writes: on SQLite its transaction then
    begins IMMEDIATE (takes the write lock, waiting up to ``timeout_ms``, else the busy
    timeout). Call it before the session's first statement; later it changes nothing."""
    if not db.session().in_transaction():
        options: dict[str, object] = {SQLITE_IMMEDIATE: True}
        if timeout_ms is not None:
            options[SQLITE_BUSY_TIMEOUT] = timeout_ms
        db.session.connection(execution_options=options)


@contextmanager
def unit_of_work() -> Iterator[scoped_session[Session]]:
    """Commit the session when the block ends normally, roll it back when it raises.

    Yields the scoped session. Re-raises whatever the block or the commit raised.
    """
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        db.session().info.pop(_AFTER_COMMIT, None)
        raise
    for write in db.session().info.pop(_AFTER_COMMIT, []):
        best_effort(write)


@contextmanager
def writing_unit_of_work() -> Iterator[scoped_session[Session]]:
    """A :func:`unit_of_work` that will write: on SQLite it begins IMMEDIATE
    (:func:`will_write`), so that a read-then-write transaction is never refused at its first
    write because another connection committed after it read (WAL's busy snapshot)."""
    with unit_of_work() as session:
        will_write()
        yield session


def after_commit(write: Callable[[], object]) -> None:
    """Queue ``write`` (it flushes, never commits) to run after the unit of work's commit in
    a brief transaction of its own (:func:`best_effort`); nothing runs if the unit of work
    rolls back. For writes a user must never wait for, such as a login's time."""
    db.session().info.setdefault(_AFTER_COMMIT, []).append(write)


def best_effort(write: Callable[[], object], timeout_ms: int = BEST_EFFORT_TIMEOUT_MS) -> bool:
    """Run ``write`` in a transaction that waits at most ``timeout_ms`` for a lock, and
    commit it. When the database is busy the write is rolled back and skipped (logged, not
    raised). Returns True when it was committed."""
    session = db.session()
    try:
        connection = session.connection(
            execution_options={SQLITE_IMMEDIATE: True, SQLITE_BUSY_TIMEOUT: timeout_ms}
        )
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(timeout_ms)}ms'")
        write()
        session.commit()
    except OperationalError as error:
        session.rollback()
        if not is_busy(error):
            raise
        log.warning("database busy: skipped a best-effort write (%s)", error.orig)
        return False
    except BaseException:
        session.rollback()
        raise
    return True


def writes_late(view: F) -> F:
    """Mark a view whose main work only reads (it may write on rare paths, and queues the
    rest with :func:`after_commit`): a POST to it does not begin by taking SQLite's write
    lock, so it is answered while another connection holds it."""
    setattr(view, _WRITES_LATE, True)
    return view


def begin_writing() -> None:
    """In a :func:`writes_late` view, once the slow preparation is done (files read,
    checked, hashed and stored; passwords hashed): end what the request has read so far and
    begin its write transaction now — on SQLite after its turn among this process's
    writers (:data:`writer_turns`), IMMEDIATE. The objects loaded before are reloaded on
    their next use. Raises a busy OperationalError (a 503) when no turn comes in time."""
    end_reads()
    if db.engine.dialect.name == "sqlite":
        writer_turns.acquire(db.engine.url.render_as_string())
    will_write()


@contextmanager
def chunk_of_work() -> Iterator[scoped_session[Session]]:
    """One brief write transaction of its own, for a job or long command that writes in
    chunks (the scan, the reminder pass): it first ends the transaction the session has
    open (committing what the caller wrote so far, or ending a snapshot it only read in),
    then begins one that takes SQLite's write lock up front (:func:`will_write`), and
    commits when the block ends (rolls back when it raises).

    Compute the chunk before the block, write it inside: the write lock is then held only
    for the writes (on SQLite ~tens of ms for a few hundred rows), never while computing.
    On SQLite the job then leaves the lock free for as long as it held it
    (:data:`JOB_YIELD_MAX_S`): a job never takes more than half the lock's time.
    """
    if db.session().in_transaction():
        db.session.commit()
    will_write(JOB_WAIT_MS)
    began = time.perf_counter()
    with unit_of_work() as session:
        yield session
    if db.engine.dialect.name == "sqlite":
        time.sleep(min(time.perf_counter() - began, JOB_YIELD_MAX_S))


def end_reads() -> None:
    """End the session's transaction between chunks (committing anything pending), so a
    long job does not hold one snapshot (or, on SQLite, a write lock it began with) while
    it computes the next chunk."""
    if db.session().in_transaction():
        db.session.commit()


def begin_writes(timeout_ms: int | None = None, *, up_front: bool = True) -> None:
    """Between the read phase and the write phase of a use case that computes everything
    first (an import): end the transaction the reads ran in (committing what the caller
    wrote before, if anything) without expiring what they loaded, and begin the one the
    writes run in, which the unit of work commits — so SQLite's write lock is held only
    from the first write to that commit.

    ``up_front``: the new transaction takes the write lock at once (:func:`will_write`,
    waiting up to ``timeout_ms``). Without it, it begins deferred with that lock wait, for
    a write phase that first stages rows in temporary tables (which lock nothing others
    wait for) and whose first statement on the database itself is a write
    (:mod:`tracker.services.plan_staging`).

    Loaded objects are kept as read: the write phase re-checks in SQL what another writer
    may have changed meanwhile (a staged import confirmed twice, a unit added)."""
    session = db.session()
    if session.in_transaction():
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
    if up_front:
        will_write(timeout_ms)
    elif timeout_ms is not None:
        session.connection(execution_options={SQLITE_BUSY_TIMEOUT: timeout_ms})


class TrackerFlask(Flask):
    """Flask whose every view runs in one :func:`unit_of_work`.

    ``before_request`` hooks share the view's session, so their writes (an API token's
    last use) are committed with the view's. Error handlers see exceptions raised by the
    view *and* by the commit, after the rollback.
    """

    def dispatch_request(self) -> Any:
        try:
            with unit_of_work():
                return super().dispatch_request()
        finally:
            # Committed (or rolled back) and its after-commit writes done: the next writer
            # of this process may go while this response is finished.
            writer_turns.release()

    def full_dispatch_request(self) -> Any:
        try:
            return super().full_dispatch_request()
        finally:
            writer_turns.release()

    def preprocess_request(self) -> Any:
        """A request that may write (not GET, HEAD or OPTIONS) declares it before any hook
        reads the database (:func:`will_write`); on SQLite it first waits for its turn
        among this process's writers (:data:`writer_turns`)."""
        view = self.view_functions.get(request.endpoint or "")
        if request.method not in SAFE_METHODS and not getattr(view, _WRITES_LATE, False):
            if db.engine.dialect.name == "sqlite":
                writer_turns.acquire(db.engine.url.render_as_string())
            will_write()
        return super().preprocess_request()


class WriterTurns:
    """One writing request at a time per SQLite database in this process, in turn.

    SQLite has one write lock, and a connection waiting for it polls (sleeping up to 100 ms
    between tries), so under a steady stream of writers some wait past the busy timeout
    while others get in twice. Threads of one process queue on a lock here instead, and
    only the winner asks SQLite (where it still waits for other processes: the scheduler,
    a command). Waiting longer than the busy timeout is a busy database (503).
    """

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._held = threading.local()

    def acquire(self, database: str) -> None:
        """Wait for this thread's turn on ``database``; raise a busy OperationalError when
        it does not come within the busy timeout. A thread that has its turn keeps it."""
        if getattr(self._held, "lock", None) is not None:
            return
        with self._guard:
            lock = self._locks.setdefault(database, threading.Lock())
        asked = time.perf_counter()
        if not lock.acquire(timeout=extensions.BUSY_TIMEOUT_MS / 1000):
            write_watch.refused(time.perf_counter() - asked)
            refused = sqlite3.OperationalError("database is locked (no writer turn in time)")
            raise OperationalError("BEGIN IMMEDIATE", None, refused)
        write_watch.note_wait(time.perf_counter() - asked)
        self._held.lock = lock

    def release(self) -> None:
        """End this thread's turn, if it has one."""
        lock = getattr(self._held, "lock", None)
        if lock is not None:
            self._held.lock = None
            lock.release()


#: The writer turns of this process (see :class:`WriterTurns`).
writer_turns = WriterTurns()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What :func:`attempt` gives back: the service's result, or the error it raised."""

    value: T | None = None
    error: ServiceError | None = None

    @property
    def ok(self) -> bool:
        """True when the service accepted the input."""
        return self.error is None


def attempt(action: Callable[[], T]) -> Outcome[T]:
    """Run one service call in a savepoint; on a :class:`ServiceError` undo its writes.

    Returns an :class:`Outcome` with the result, or with the error when the service refused.
    Any other exception propagates (and the whole unit of work rolls back).
    """
    savepoint = db.session.begin_nested()
    try:
        result = action()
    except ServiceError as error:
        savepoint.rollback()
        return Outcome(error=error)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return Outcome(value=result)
