"""One chunk of the lag scan: computed with a fixed number of queries, written in a brief
transaction of its own (issue 14 §1, issue 18 §1).

:func:`compute_chunk` reads a range of tasks' stored states and fact digests
(:func:`~tracker.services.scan_heads.heads`), loads the facts of those that changed
(:mod:`tracker.services.scan_facts`) and assesses them with the domain's
:func:`~tracker.domain.lag.assess_task`, writing nothing; :func:`write_chunk` upserts each
assessed task's :class:`~tracker.models.TaskState` for the day on ``(task_id, as_of)`` and
inserts the new alerts with ``ON CONFLICT DO NOTHING``. A chunk is idempotent, so a scan
that dies between chunks is repaired by the next run. :func:`scan_ranges` runs a list of
chunks in one process, written beside their computation on PostgreSQL
(:class:`~tracker.services.scan_writer.ChunkWriter`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, cast

import sqlalchemy as sa

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag import LagEvent, LagState, assess_task
from tracker.extensions import db
from tracker.models import Alert, TaskState
from tracker.models._types import utcnow
from tracker.services.bulk import insert_rows
from tracker.services.scan_facts import PlanRules, TaskRange, TaskRow, load_tasks, salt_of
from tracker.services.scan_heads import STATES, heads
from tracker.services.scan_writer import ChunkWriter
from tracker.unit_of_work import chunk_of_work, end_reads

#: Changed tasks loaded by their ids up to this many; more, and the whole range is loaded.
_FEW = 200

#: Lag events that become alerts in the office's inbox.
ALERT_KINDS = frozenset({LagState.MISSED, LagState.OVERDUE, LagState.BEHIND})

_STATES = cast(sa.Table, TaskState.__table__)
_ALERTS = cast(sa.Table, Alert.__table__)


def rounded(value: float | None) -> float | None:
    """``value`` to two decimals (None stays None)."""
    return None if value is None else round(value, 2)


class ScannedTask(NamedTuple):
    """One task's state as a scan found (or kept) it: plain values (a tuple, so that a
    scan's 171,000 of them cost little to make and to hand between processes);
    ``expected`` and ``actual`` in the task's milestone unit."""

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


@dataclass(slots=True)
class Chunk:
    """One chunk computed and not yet written: its tasks' states in order, the TaskState
    rows to upsert and the new alert rows."""

    statuses: list[ScannedTask] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    write_seconds: float = 0.0


@dataclass(slots=True)
class Scanned:
    """What one process's share of a scan found: every task's state (in chunk order), how
    many tasks it assessed, how many alerts it wrote, and its longest chunk write (s)."""

    statuses: list[ScannedTask] = field(default_factory=list)
    assessed: int = 0
    created: int = 0
    longest_write_s: float = 0.0

    def add(self, other: Scanned) -> None:
        """Fold another share's findings into this one."""
        self.statuses.extend(other.statuses)
        self.assessed += other.assessed
        self.created += other.created
        self.longest_write_s = max(self.longest_write_s, other.longest_write_s)


def scan_ranges(
    task_ranges: Sequence[TaskRange],
    rules: Mapping[int, PlanRules],
    as_of: date,
    calendar: WorkdayCalendar,
    *,
    full: bool = False,
) -> Scanned:
    """Compute and write every chunk of ``task_ranges`` in turn (see :func:`compute_chunk`
    and :func:`write_chunk`); on PostgreSQL each chunk is written by a thread while the
    next is computed. Raises the first chunk's failure, after which nothing more is
    written (the chunks before it stay)."""
    found = Scanned()
    with ChunkWriter(write_chunk) as writer:
        for task_range in task_ranges:
            chunk = compute_chunk(task_range, rules, as_of, calendar, full=full)
            writer.write(chunk)
            found.statuses.extend(chunk.statuses)
            found.assessed += len(chunk.states)
    found.created, found.longest_write_s = writer.created, writer.longest
    return found


def compute_chunk(
    tasks: TaskRange,
    rules: Mapping[int, PlanRules],
    as_of: date,
    calendar: WorkdayCalendar,
    *,
    full: bool = False,
) -> Chunk:
    """The states and new alerts of the tasks in ``tasks`` (reads only; ends its reads).

    The tasks' stored states of the day and the fingerprints of their current facts are
    read first (:func:`~tracker.services.scan_heads.heads`, under the plans' ``salt``, the
    same for every plan); a task whose stored state carries its fingerprint keeps that
    state, unless ``full``. The others are loaded (by their ids when
    few, else the whole range) and assessed."""
    chunk, todo = Chunk(), {}
    salt = salt_of(rules)
    kept, make, states = chunk.statuses, ScannedTask._make, STATES
    for tid, pid, fingerprint, state, expected, actual in heads(
        tasks, as_of, salt, with_stored=not full
    ):
        if fingerprint is not None or state is None:
            todo[tid] = fingerprint or ""
        else:
            kept.append(make((tid, pid, states[state], expected, actual)))
    if todo:
        rows = load_tasks(tasks if full or len(todo) > _FEW else list(todo))
        _assess(chunk, [row for row in rows if row.id in todo], todo, rules, as_of, calendar)
    if chunk.alerts:
        chunk.alerts = new_only(chunk.alerts, _alert_keys(tasks))
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


def new_only(alerts: list[dict[str, Any]], existing: set[str]) -> list[dict[str, Any]]:
    """``alerts`` less those whose key is in ``existing`` (or repeated); ``existing``
    gains the keys kept."""
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
