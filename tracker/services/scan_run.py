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

The result holds plain values (:class:`ScannedTask`), never ORM objects, so printing it
after the commits loads nothing.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa

from config.settings import LagThresholds
from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag import LagEvent, LagState, assess_task
from tracker.domain.periods import parse_period
from tracker.extensions import db
from tracker.models import (
    Alert,
    Contribution,
    ProgressReport,
    Task,
    TaskState,
    Unit,
)
from tracker.models._types import utcnow
from tracker.services.bulk import insert_rows
from tracker.services.calendar import load_calendar
from tracker.services.contributions import unanswered_of_plans
from tracker.services.scan_facts import (
    PlanRules,
    TaskRange,
    TaskRow,
    load_tasks,
    plan_rules,
    ranges,
)
from tracker.services.scan_facts import task_ids as plan_task_ids
from tracker.services.scan_heads import heads
from tracker.services.scan_writer import ChunkWriter, refresh_statistics
from tracker.unit_of_work import chunk_of_work, end_reads

#: Tasks computed and written per chunk (a few hundred rows per write transaction).
CHUNK_TASKS = 1000

#: Changed tasks loaded by their ids up to this many; more, and the whole range is loaded.
_FEW = 200

#: Lag events that become alerts in the office's inbox.
ALERT_KINDS = frozenset({LagState.MISSED, LagState.OVERDUE, LagState.BEHIND})

_STATES = cast(sa.Table, TaskState.__table__)
_ALERTS = cast(sa.Table, Alert.__table__)


@dataclass(frozen=True, slots=True)
class ScannedTask:
    """One task's state as a scan found (or kept) it: plain values."""

    task_id: int
    plan_id: int
    state: LagState
    expected: float | None
    actual: float | None

    def to_json(self) -> dict[str, object]:
        """``{"id", "state", "expected", "actual"}`` as ``scan --json`` prints per task."""
        return {
            "id": self.task_id,
            "state": str(self.state),
            "expected": rounded(self.expected),
            "actual": rounded(self.actual),
        }


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


def rounded(value: float | None) -> float | None:
    """``value`` to two decimals (None stays None)."""
    return None if value is None else round(value, 2)


@dataclass(slots=True)
class Chunk:
    """One chunk computed and not yet written: its tasks' states in order, the TaskState
    rows to upsert and the new alert rows."""

    statuses: list[ScannedTask] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    write_seconds: float = 0.0


def run_scan(
    as_of: date,
    plan_id: int | None = None,
    *,
    lag: LagThresholds,
    full: bool = False,
    chunk_size: int = CHUNK_TASKS,
) -> ScanResult:
    """Assess every plan's tasks (or ``plan_id``'s) as of ``as_of`` under the thresholds
    ``lag``, store each one's :class:`TaskState` for the day and an alert for each new lag
    event, chunk by chunk, each chunk committed on its own (what the caller wrote before
    is committed first). Only tasks whose facts changed since their stored state of the
    day are assessed, unless ``full``. Safe to run twice and to rerun after a crash: an
    alert's key names its event, and a state is replaced.

    On PostgreSQL the chunks are written by a thread of this process on a connection of
    its own (:class:`~tracker.services.scan_writer.ChunkWriter`) while the next chunk is
    computed; on SQLite each chunk is written before the next is read."""
    end_reads()
    calendar = load_calendar()
    rules = plan_rules(as_of, calendar, lag, plan_id)
    ids = plan_task_ids(rules)
    statuses: list[ScannedTask] = []
    assessed = 0
    with ChunkWriter(write_chunk) as writer:
        for task_range in ranges(ids, chunk_size, plan_id):
            chunk = compute_chunk(task_range, rules, as_of, calendar, full=full)
            writer.write(chunk)
            statuses.extend(chunk.statuses)
            assessed += len(chunk.states)
    created = writer.created + write_chunk(Chunk(alerts=contribution_alerts(set(rules), as_of)))
    refresh_statistics(assessed, writer.created)
    order = {tid: i for i, tid in enumerate(ids)}
    statuses.sort(key=lambda status: order[status.task_id])
    return ScanResult(as_of, statuses, created, assessed, round(writer.longest, 3))


def compute_chunk(
    tasks: TaskRange,
    rules: Mapping[int, PlanRules],
    as_of: date,
    calendar: WorkdayCalendar,
    *,
    full: bool = False,
) -> Chunk:
    """The states and new alerts of the tasks in ``tasks`` (reads only; ends its reads).

    The tasks' stored states of the day and the digests of their current facts are read
    first (:func:`~tracker.services.scan_heads.heads`, one query); a task whose stored
    fingerprint is current keeps its state, unless ``full``. The others are loaded (by
    their ids when few, else the whole range) and assessed."""
    chunk, todo = Chunk(), {}
    for head in heads(tasks, as_of, with_stored=not full):
        plan = rules.get(head.plan_id)
        fingerprint = (plan.key if plan else "-" * 8) + head.digest
        if full or head.fingerprint != fingerprint or head.state is None:
            todo[head.task_id] = fingerprint
            continue
        chunk.statuses.append(
            ScannedTask(head.task_id, head.plan_id, head.state, head.expected, head.actual)
        )
    if todo:
        rows = load_tasks(tasks if full or len(todo) > _FEW else list(todo))
        _assess(chunk, [row for row in rows if row.id in todo], todo, rules, as_of, calendar)
    if chunk.alerts:
        chunk.alerts = _new_only(chunk.alerts, _alert_keys(tasks))
    end_reads()
    return chunk


def _assess(
    chunk: Chunk,
    rows: Sequence[TaskRow],
    fingerprints: Mapping[int, str],
    rules: Mapping[int, PlanRules],
    as_of: date,
    calendar: WorkdayCalendar,
) -> None:
    """Assess ``rows`` into ``chunk``: a status, a state row and the alert rows each."""
    now = utcnow()
    for row in rows:
        tid, pid = row.id, row.plan_id
        plan = rules[pid]
        found = assess_task(row.facts(plan), as_of, calendar, plan.settings)
        state, expected, actual = found.state, found.expected, found.actual
        chunk.statuses.append(ScannedTask(tid, pid, state, expected, actual))
        chunk.states.append(
            {
                "task_id": tid,
                "plan_id": pid,
                "as_of": as_of,
                "state": state,
                "expected": expected,
                "actual": actual,
                "scanned_at": now,
                "fingerprint": fingerprints[tid],
            }
        )
        for event in found.events:
            if event.kind in ALERT_KINDS:
                chunk.alerts.append(_alert_row(row, event, as_of, now))


def _alert_keys(tasks: TaskRange) -> set[str]:
    """The keys of the alerts stored for the tasks in ``tasks``: one query."""
    query = sa.select(Alert.key).where(Alert.task_id.between(tasks.lo, tasks.hi))
    return set(db.session.scalars(query))


def task_alert_key(task_id: int, milestone_ids: Sequence[int], event: LagEvent) -> str:
    """The identity of a lag event: kind, task and the milestone or period it is about
    (as :func:`tracker.services.scan.alert_key`)."""
    if event.milestone_index is not None:
        return f"{event.kind}:task{task_id}:milestone{milestone_ids[event.milestone_index]}"
    return f"{event.kind}:task{task_id}:period{event.period_code}"


def _alert_row(row: TaskRow, event: LagEvent, as_of: date, now: datetime) -> dict[str, Any]:
    return {
        "key": task_alert_key(row.id, row.milestone_ids, event),
        "plan_id": row.plan_id,
        "task_id": row.id,
        "unit_id": row.lead_unit_ids[0] if row.lead_unit_ids else None,
        "kind": event.kind,
        "due": event.due,
        "message": event.message,
        "raised_on": as_of,
        "created_at": now,
    }


def _new_only(alerts: list[dict[str, Any]], existing: set[str]) -> list[dict[str, Any]]:
    """``alerts`` less those whose key is in ``existing`` (or repeated)."""
    new: list[dict[str, Any]] = []
    for alert in alerts:
        if alert["key"] not in existing:
            existing.add(alert["key"])
            new.append(alert)
    return new


def write_chunk(chunk: Chunk) -> int:
    """Write one computed chunk in a brief transaction of its own: the states upserted on
    ``(task_id, as_of)``, the alerts inserted unless their key is there. Returns the
    number of alerts written."""
    if not chunk.states and not chunk.alerts:
        return 0
    with chunk_of_work():
        began = time.perf_counter()  # the write lock is held from here to the commit
        changed = ("plan_id", "state", "expected", "actual", "scanned_at", "fingerprint")
        insert_rows(_STATES, chunk.states, conflict=("task_id", "as_of"), update=changed)
        insert_rows(_ALERTS, chunk.alerts, conflict=("key",))
    chunk.write_seconds = time.perf_counter() - began
    return len(chunk.alerts)


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
    new = _new_only(rows, existing)
    end_reads()
    return new
