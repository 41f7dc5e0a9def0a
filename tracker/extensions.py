"""Unbound Flask extensions; :func:`tracker.create_app` binds them with ``init_app``."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from typing import TYPE_CHECKING, Any

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase

from tracker import write_watch

#: Named constraints, so that Alembic's batch mode on SQLite can drop and recreate them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model, sharing one MetaData with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

#: The class every model subclasses. At run time it is ``db.Model``, the class Flask-SQLAlchemy
#: builds from :class:`Base` (adding ``query``, bind keys and the ``db`` it belongs to); mypy
#: cannot take that instance attribute as a base (python/mypy#8603), so it checks the models
#: against :class:`Base`, whose mapping and metadata ``db.Model`` shares.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

migrate = Migrate()
csrf = CSRFProtect()
talisman = Talisman()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "warning"


#: Execution option of a connection whose transaction begins IMMEDIATE on SQLite.
SQLITE_IMMEDIATE = "tracker_sqlite_immediate"

#: Execution option: the busy timeout (ms) of a transaction on SQLite, set before its BEGIN;
#: the next transaction on the connection without it goes back to :data:`BUSY_TIMEOUT_MS`.
SQLITE_BUSY_TIMEOUT = "tracker_sqlite_busy_timeout"

#: How long an SQLite connection waits for the write lock before "database is locked".
BUSY_TIMEOUT_MS = 5000


def _md5(text: str | None) -> str | None:
    """PostgreSQL's ``md5()``: the hex digest of ``text``'s UTF-8 bytes (None stays None)."""
    if text is None:
        return None
    return hashlib.md5(str(text).encode(), usedforsecurity=False).hexdigest()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, foreign keys and a busy timeout on every SQLite connection (DESIGN.md §8), and
    pysqlite's own transaction handling off: :func:`_sqlite_begin` emits ``BEGIN`` instead,
    so that savepoints and rollbacks behave as on PostgreSQL (SQLAlchemy's documented
    recipe for pysqlite). Registers ``md5(text)`` as PostgreSQL has it (the scan's
    fingerprints, :mod:`tracker.services.scan_heads`)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function("md5", 1, _md5, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Connection) -> None:
    """Open SQLite's transaction ourselves (pysqlite would not before a ``SAVEPOINT``):
    ``BEGIN IMMEDIATE`` for a unit of work that will write (execution option
    :data:`SQLITE_IMMEDIATE`), so it waits for the write lock up front instead of failing
    with "database is locked" when it first writes after reading; plain ``BEGIN`` else."""
    if connection.dialect.name == "sqlite":
        options = connection.get_execution_options()
        _sqlite_timeout(connection, options.get(SQLITE_BUSY_TIMEOUT))
        if not options.get(SQLITE_IMMEDIATE):
            connection.exec_driver_sql("BEGIN")
            return
        asked = time.perf_counter()
        timeout_ms = options.get(SQLITE_BUSY_TIMEOUT)
        try:
            if timeout_ms is not None and timeout_ms > BUSY_TIMEOUT_MS:
                _begin_polling(connection, int(timeout_ms))
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
        except Exception:
            write_watch.refused(time.perf_counter() - asked)
            raise
        write_watch.lock_taken(connection, asked)


#: How often a long wait for SQLite's write lock (a job's) tries again, in seconds.
POLL_SECONDS = 0.002


def _begin_polling(connection: Connection, timeout_ms: int) -> None:
    """``BEGIN IMMEDIATE`` tried every :data:`POLL_SECONDS` for up to ``timeout_ms``: a job
    waits behind the web's writers, which hand the lock from thread to thread at once, and
    SQLite's own busy handler, sleeping up to 100 ms between tries, rarely finds the gap
    (the scan's chunks waited seconds each). Raises a busy OperationalError after
    ``timeout_ms``."""
    raw = connection.connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    deadline = time.monotonic() + timeout_ms / 1000
    raw.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error) or time.monotonic() >= deadline:
                    raise OperationalError("BEGIN IMMEDIATE", None, error) from error
            time.sleep(POLL_SECONDS)
    finally:
        raw.execute(f"PRAGMA busy_timeout={timeout_ms}")


def _sqlite_timeout(connection: Connection, timeout_ms: int | None) -> None:
    """Set the busy timeout a transaction asked for (:data:`SQLITE_BUSY_TIMEOUT`), and put
    the default back on the first transaction after it that asks for none."""
    info = connection.connection.info
    if timeout_ms is not None:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(timeout_ms)}")
        info[SQLITE_BUSY_TIMEOUT] = timeout_ms
    elif info.pop(SQLITE_BUSY_TIMEOUT, None) is not None:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


#: SQLSTATEs of PostgreSQL for a write that could not get its lock or lost to another:
#: lock_not_available (lock_timeout), serialization_failure, deadlock_detected.
BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01"})


def is_busy(error: BaseException) -> bool:
    """True for a database error that says "busy, try again": SQLite's "database is
    locked" / "database is busy" after the busy timeout, PostgreSQL's lock timeout,
    serialization failure or deadlock. Accepts SQLAlchemy's wrapper or the driver's error."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, sqlite3.OperationalError):
        text = str(original).lower()
        return "locked" in text or "busy" in text
    return getattr(original, "sqlstate", None) in BUSY_SQLSTATES
