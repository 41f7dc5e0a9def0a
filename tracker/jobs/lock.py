"""The lock that lets only one scheduler process run jobs (issue 4 §1).

On PostgreSQL a session-level advisory lock held on a dedicated connection for the
process lifetime: the server releases it when the process (and so its connection) dies.
On SQLite an OS file lock next to the database file, released by the OS likewise.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import sqlalchemy as sa
from filelock import FileLock, Timeout
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 7_344_221_908_615_020_401
"""The fixed bigint naming the scheduler's PostgreSQL advisory lock."""

WAITING_MESSAGE = "另一个调度进程正在运行 / another scheduler process is running"
ACQUIRED_MESSAGE = "已取得调度锁 / scheduler lock acquired"


class SchedulerLock:
    """Held by the one scheduler process that runs jobs.

    ``acquire(wait=True)`` retries every ``retry_seconds`` while another process holds
    the lock, so a waiting process takes over when the holder dies.
    """

    def __init__(self, database_url: str | URL, retry_seconds: float = 30) -> None:
        self.url = make_url(database_url)
        self.retry_seconds = retry_seconds
        self._engine: Engine | None = None
        self._connection: Connection | None = None
        self._file_lock: FileLock | None = None
        self.held = False

    @property
    def is_postgres(self) -> bool:
        """Whether the lock is a PostgreSQL advisory lock (else a file lock)."""
        return self.url.get_backend_name() == "postgresql"

    def lock_file(self) -> Path | None:
        """The lock file beside a SQLite database; None for an in-memory database."""
        database = self.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database).resolve().with_name(Path(database).name + ".scheduler.lock")

    def acquire(self, wait: bool = True) -> bool:
        """Take the lock; with ``wait``, retry until it is free (never returns False)."""
        while True:
            if self.try_acquire():
                log.info(ACQUIRED_MESSAGE)
                return True
            if not wait:
                return False
            log.warning("%s; retrying in %s s", WAITING_MESSAGE, self.retry_seconds)
            time.sleep(self.retry_seconds)

    def try_acquire(self) -> bool:
        """One attempt to take the lock, without waiting."""
        if self.held:
            return True
        if self.is_postgres:
            self.held = self._try_advisory_lock()
        elif self.url.get_backend_name() == "sqlite":
            self.held = self._try_file_lock()
        else:
            raise ValueError(f"no scheduler lock for database {self.url.get_backend_name()}")
        return self.held

    def release(self) -> None:
        """Give the lock up (also happens when the process dies)."""
        if self._connection is not None:
            if self.held:
                self._connection.execute(
                    sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
            self._connection.close()
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._file_lock is not None and self._file_lock.is_locked:
            self._file_lock.release()
        self.held = False

    def _try_advisory_lock(self) -> bool:
        if self._connection is None:
            self._engine = sa.create_engine(self.url, poolclass=NullPool)
            # Autocommit: the lock is session-level, so no transaction is left open.
            self._connection = self._engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
        taken = self._connection.scalar(
            sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        )
        return bool(taken)

    def _try_file_lock(self) -> bool:
        path = self.lock_file()
        if path is None:  # an in-memory database belongs to this process alone
            return True
        if self._file_lock is None:
            self._file_lock = FileLock(path, timeout=0)
        try:
            self._file_lock.acquire(timeout=0)
        except Timeout:
            return False
        return True
