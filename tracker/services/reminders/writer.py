"""The reminder pass's brief write transactions (issue 18 §1): each chunk of work its own
(:func:`~tracker.unit_of_work.chunk_of_work`), timed from the moment it holds the write
lock (on SQLite it begins IMMEDIATE) to its commit."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from tracker.services.channels.faults import kill_point
from tracker.services.reminders.recipients import insert_reminders
from tracker.unit_of_work import chunk_of_work

#: Reminder rows inserted per chunk.
ROWS_PER_CHUNK = 2000


class Writer:
    """Opens the pass's chunks and keeps their count and the longest one's seconds, in all
    and per kind of chunk ("notices", "reminders", "digests")."""

    def __init__(self) -> None:
        self.longest_s = 0.0
        self.longest_by: dict[str, float] = {}
        self.chunks = 0

    @contextmanager
    def chunk(self, kind: str = "notices") -> Iterator[None]:
        """One brief write transaction: the caller's open transaction ends first, this one
        commits when the block ends (rolls back when it raises)."""
        with chunk_of_work():
            began = time.perf_counter()
            yield
        took = time.perf_counter() - began
        self.longest_s = max(self.longest_s, took)
        self.longest_by[kind] = round(max(self.longest_by.get(kind, 0.0), took), 4)
        self.chunks += 1
        kill_point("chunk")

    def store(self, rows: Iterable[dict[str, Any]]) -> list[int]:
        """Insert reminder ``rows`` (ON CONFLICT DO NOTHING on the key), at most
        :data:`ROWS_PER_CHUNK` per chunk, each chunk's rows made before it begins.
        Returns the ids inserted."""
        ids: list[int] = []
        source = iter(rows)
        while batch := list(islice(source, ROWS_PER_CHUNK)):
            with self.chunk("reminders"):
                ids += insert_reminders(batch)
        return ids
