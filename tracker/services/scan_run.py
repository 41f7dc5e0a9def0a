"""The lag scan, set-based and in chunks (issue 14 §1, issue 18 §1).

:func:`run_scan` streams the tasks of every plan (or one) in chunks of
:data:`CHUNK_TASKS`. Each chunk is first computed — a fixed number of queries
(:mod:`tracker.services.scan_facts`), the domain's :func:`~tracker.domain.lag.assess_task`
per task, nothing written — and then written in a brief transaction of its own
(:func:`~tracker.unit_of_work.chunk_of_work`): every task's :class:`TaskState` for the day
upserted on ``(task_id, as_of)`` and the new alerts inserted with ``ON CONFLICT DO
NOTHING`` (PostgreSQL and SQLite alike). A chunk is idempotent, so a scan that dies
between chunks is repaired by the next run; SQLite's write lock is held only while one
chunk's rows are written.

On PostgreSQL a thread writes each chunk on a connection of its own while the next one
is computed (:mod:`tracker.services.scan_writer`): the database's work on the writes and
the assessments run side by side on two cores, one chunk apart at most.

Incremental by default: a task whose stored state for the day carries the fingerprint
of its current facts (worked out by the database in the query that reads the stored
states, :func:`~tracker.services.scan_heads.heads`) keeps it and is not assessed again,
so an unchanged rerun the same day reads one row per task and hashes nothing. On a new
day no task has a state yet, and every one is assessed: the expected-to-date (序时进度)
moves with the date itself. ``full=True`` assesses every task whatever is stored.

With ``workers`` above 1 on PostgreSQL the chunks are shared with helper processes
(:mod:`tracker.services.scan_parallel`): every n-th chunk goes to each, and each process
computes and writes its own as above.

The result holds plain values (:class:`ScannedTask`), never ORM objects, so printing it
after the commits loads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from config.settings import LagThresholds
from tracker.domain.lag import LagState
from tracker.domain.periods import parse_period
from tracker.extensions import db
from tracker.models import Alert, Contribution, ProgressReport, Task, Unit
from tracker.models._types import utcnow
from tracker.services.calendar import load_calendar
from tracker.services.contributions import unanswered_of_plans
from tracker.services.scan_chunks import (
    ALERT_KINDS,
    Chunk,
    ScannedTask,
    compute_chunk,
    new_only,
    rounded,
    scan_ranges,
    task_alert_key,
    write_chunk,
)
from tracker.services.scan_facts import plan_rules, ranges
from tracker.services.scan_facts import task_ids as plan_task_ids
from tracker.services.scan_parallel import (
    Beside,
    Helpers,
    Share,
    database_settings,
    process_count,
    shares,
    to_assess,
)
from tracker.services.scan_writer import refresh_statistics
from tracker.unit_of_work import end_reads

__all__ = [
    "ALERT_KINDS",
    "CHUNK_TASKS",
    "Chunk",
    "ScanResult",
    "ScannedTask",
    "compute_chunk",
    "contribution_alerts",
    "rounded",
    "run_scan",
    "task_alert_key",
    "write_chunk",
]

#: Tasks computed and written per chunk (a few hundred rows per write transaction).
CHUNK_TASKS = 1000

#: A rerun the same day (most tasks have their state of the day) reads chunks this many
#: times as large: each reads one row per task and writes only what changed, and fewer,
#: larger reads cost a fifth less here.
RERUN_CHUNK_FACTOR = 5


@dataclass(frozen=True, slots=True)
class ScanResult:
    """One scan: the date, every task's state, how many alerts were new, and how many
    tasks were assessed (the others kept their stored state), and the longest a chunk's
    write transaction took (on SQLite: held the write lock)."""

    as_of: date
    statuses: list[ScannedTask]
    alerts_created: int
    assessed: int = 0
    longest_write_s: float = 0.0

    def to_json(self) -> dict[str, object]:
        """The object ``scan --json`` prints."""
        return {
            "as_of": self.as_of.isoformat(),
            "tasks": [status.to_json() for status in self.statuses],
            "alerts_created": self.alerts_created,
        }


def run_scan(
    as_of: date,
    plan_id: int | None = None,
    *,
    lag: LagThresholds,
    full: bool = False,
    chunk_size: int = CHUNK_TASKS,
    workers: int = 1,
) -> ScanResult:
    """Assess every plan's tasks (or ``plan_id``'s) as of ``as_of`` under the thresholds
    ``lag``, store each one's :class:`TaskState` for the day and an alert for each new lag
    event, chunk by chunk, each chunk committed on its own (what the caller wrote before
    is committed first). Only tasks whose facts changed since their stored state of the
    day are assessed, unless ``full``. Safe to run twice and to rerun after a crash: an
    alert's key names its event, and a state is replaced.

    On PostgreSQL the chunks are written by a thread of this process on a connection of
    its own (:class:`~tracker.services.scan_writer.ChunkWriter`) while the next chunk is
    computed, and up to ``workers`` processes share the chunks when many tasks are to be
    assessed (:func:`~tracker.services.scan_parallel.process_count`); on SQLite each chunk is
    written before the next is read, in this process. The overdue contribution requests
    are read beside the chunks (:class:`~tracker.services.scan_parallel.Beside`) and their
    alerts written last."""
    end_reads()
    calendar = load_calendar()
    rules = plan_rules(as_of, calendar, lag, plan_id)
    ids = plan_task_ids(rules)
    assessing = to_assess(len(ids), as_of, plan_id, full=full)
    if assessing < len(ids) // 2:  # a rerun: its chunks write only the few tasks that changed
        chunk_size *= RERUN_CHUNK_FACTOR
    dealt = shares(ranges(ids, chunk_size, plan_id), process_count(assessing, workers))
    database = database_settings()
    theirs = [Share(database, as_of, lag, plan_id, full, part) for part in dealt[1:]]
    contributions = Beside(lambda: contribution_alerts(set(rules), as_of))
    with Helpers(theirs) as helpers:
        found = scan_ranges(dealt[0], rules, as_of, calendar, full=full)
        for share in helpers.results():
            found.add(share)
    created = found.created + write_chunk(Chunk(alerts=contributions.result()))
    refresh_statistics(found.assessed, found.created)
    order = {tid: i for i, tid in enumerate(ids)}
    found.statuses.sort(key=lambda status: order[status.task_id])
    return ScanResult(
        as_of, found.statuses, created, found.assessed, round(found.longest_write_s, 3)
    )


def _day_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def contribution_alerts(plan_ids: set[int], as_of: date) -> list[dict[str, Any]]:
    """An alert row for each contribution request of ``plan_ids``' tasks left unanswered
    past its deadline (on a report still in play), unless stored already: one query for
    the requests, one for the keys (reads only)."""
    if not plan_ids:
        return []
    query = unanswered_of_plans(
        as_of,
        plan_ids,
        Contribution.id,
        Contribution.due_on,
        Contribution.unit_id,
        Unit.name,
        ProgressReport.period,
        Task.id,
        Task.plan_id,
    ).join(Unit, Unit.id == Contribution.unit_id)
    rows = [
        {
            "key": f"overdue:contribution{cid}:due{due}",
            "plan_id": pid,
            "task_id": tid,
            "unit_id": unit_id,
            "kind": LagState.OVERDUE,
            "due": due,
            "message": f"{unit_name}未在{_day_label(due)}前确认"
            f"{parse_period(period).label}填报中的配合情况",
            "raised_on": as_of,
            "created_at": utcnow(),
        }
        for cid, due, unit_id, unit_name, period, tid, pid in db.session.execute(query)
        if due is not None
    ]
    known = sa.select(Alert.key).where(Alert.key.like("overdue:contribution%"))
    if len(plan_ids) <= 50:
        known = known.where(Alert.plan_id.in_(sorted(plan_ids)))
    existing = set(db.session.scalars(known)) if rows else set()
    new = new_only(rows, existing)
    end_reads()
    return new
