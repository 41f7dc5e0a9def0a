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
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import Flask, request
from flask_sqlalchemy.session import Session
from sqlalchemy.orm import scoped_session

from tracker.extensions import SQLITE_IMMEDIATE, db
from tracker.services.errors import ServiceError

T = TypeVar("T")

#: Methods that never write: their transactions begin deferred.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def will_write() -> None:
    """Declare that the unit of work about to start writes: on SQLite its transaction then
    begins IMMEDIATE (takes the write lock, waiting up to the busy timeout). Call it
    before the session's first statement; later it changes nothing."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={SQLITE_IMMEDIATE: True})


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
        raise


@contextmanager
def chunk_of_work() -> Iterator[scoped_session[Session]]:
    """One brief write transaction of its own, for a job or long command that writes in
    chunks (the scan, the reminder pass): it first ends the transaction the session has
    open (committing what the caller wrote so far, or ending a snapshot it only read in),
    then begins one that takes SQLite's write lock up front (:func:`will_write`), and
    commits when the block ends (rolls back when it raises).

    Compute the chunk before the block, write it inside: the write lock is then held only
    for the writes (on SQLite ~tens of ms for a few hundred rows), never while computing.
    """
    if db.session().in_transaction():
        db.session.commit()
    will_write()
    with unit_of_work() as session:
        yield session


def end_reads() -> None:
    """End the session's transaction between chunks (committing anything pending), so a
    long job does not hold one snapshot (or, on SQLite, a write lock it began with) while
    it computes the next chunk."""
    if db.session().in_transaction():
        db.session.commit()


class TrackerFlask(Flask):
    """Flask whose every view runs in one :func:`unit_of_work`.

    ``before_request`` hooks share the view's session, so their writes (an API token's
    last use) are committed with the view's. Error handlers see exceptions raised by the
    view *and* by the commit, after the rollback.
    """

    def dispatch_request(self) -> Any:
        with unit_of_work():
            return super().dispatch_request()

    def preprocess_request(self) -> Any:
        """A request that may write (not GET, HEAD or OPTIONS) declares it before any hook
        reads the database (:func:`will_write`)."""
        if request.method not in SAFE_METHODS:
            will_write()
        return super().preprocess_request()


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
