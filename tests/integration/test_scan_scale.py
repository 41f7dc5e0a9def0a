"""The scan, the ledger and the reminder pass at scale (issue 14 §1–§3, issue 18 §1): query
counts that grow per chunk, never per task; stored states equal to fresh assessments; an
interrupted scan repaired by the next; an incremental rerun equal to a full scan."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from config.settings import LagThresholds
from tests.functional.helpers import add_lead_report, add_user, import_cixi, login
from tracker import settings as app_settings
from tracker.domain.policy import Role, UnitRole
from tracker.extensions import Model, db
from tracker.models import (
    Alert,
    Milestone,
    Plan,
    ProgressReport,
    ReportStatus,
    Task,
    TaskState,
)
from tracker.services import calendar as calendar_service
from tracker.services import scan_chunks
from tracker.services.reminders.intents import all_intents
from tracker.services.scan import run_scan
from tracker.services.task_states import current_states

LAG = LagThresholds()
DAY = date(2020, 11, 20)


@contextmanager
def counted() -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def _clone(row: Model, **changes: object) -> Model:
    table = row.__table__  # type: ignore[attr-defined]
    kept = (c.key for c in table.columns if c.key not in {"id", "facts_version"})
    values = {key: getattr(row, key) for key in kept}
    values.update(changes)
    return type(row)(**values)


def copy_tasks(source_id: int, target: Plan) -> None:
    """Copy every task of the plan ``source_id`` (categories, measures, milestones, units
    and reports) into ``target``."""
    source = db.session.get(Plan, source_id)
    assert source is not None
    for category in source.categories:
        new_category = _clone(category, plan_id=target.id)
        db.session.add(new_category)
        db.session.flush()
        for measure in category.measures:
            new_measure = _clone(measure, category_id=new_category.id)
            db.session.add(new_measure)
            db.session.flush()
            for task in measure.tasks:
                copy = _clone(task, plan_id=target.id, measure_id=new_measure.id)
                db.session.add(copy)
                db.session.flush()
                for m in db.session.scalars(
                    sa.select(Milestone).where(Milestone.task_id == task.id)
                ):
                    db.session.add(_clone(m, task_id=copy.id))
                for link in task.unit_links:
                    db.session.add(_clone(link, task_id=copy.id))
                query = sa.select(ProgressReport).where(ProgressReport.task_id == task.id)
                for report in db.session.scalars(query):
                    db.session.add(_clone(report, task_id=copy.id))
    db.session.flush()


def new_plan(source_id: int, name: str) -> Plan:
    source = db.session.get(Plan, source_id)
    assert source is not None
    plan = _clone(source, name=name)
    db.session.add(plan)
    db.session.flush()
    assert isinstance(plan, Plan)
    return plan


@pytest.fixture(scope="module")
def world(app: Flask, shared_db: None) -> dict[str, int]:
    """The Cixi plan with accepted 2020Q2 reports of every task and 2020Q3 ones of every
    other task; four copies of it; and one larger plan of three copies (171 tasks)."""
    cixi = import_cixi(app, app.test_cli_runner())
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020, 2021])
        for i, task in enumerate(db.session.scalars(sa.select(Task).order_by(Task.id))):
            lead = next((u for u in task.unit_links if u.role is UnitRole.LEAD), None)
            if lead is None:
                continue
            for period, end, value, on in (
                ("2020Q2", date(2020, 6, 30), 30.0 + i % 7, date(2020, 7, 8)),
                ("2020Q3", date(2020, 9, 30), 40.0 + i % 5, date(2020, 10, 12)),
            ):
                if period == "2020Q3" and i % 2:
                    continue
                db.session.add(
                    ProgressReport(
                        task_id=task.id,
                        unit_id=lead.unit_id,
                        period=period,
                        period_end=end,
                        status=ReportStatus.ACCEPTED,
                        value=value,
                        submitted_on=on,
                        reviewed_on=on,
                    )
                )
        db.session.flush()
        ids = {"small": cixi.plan_id}
        for n in range(4):
            copy_tasks(cixi.plan_id, new_plan(cixi.plan_id, f"副本{n}"))
        big = new_plan(cixi.plan_id, "大方案")
        for _ in range(3):
            copy_tasks(cixi.plan_id, big)
        ids["big"] = big.id
        db.session.commit()
        return ids


def test_scan_queries_grow_per_chunk_not_per_task(app_ctx: Flask, world: dict[str, int]) -> None:
    """One plan or all six (5×57 + 171 tasks) in one chunk: the same statements but a few
    per plan; in chunks of 50, a bounded number per chunk."""
    with counted() as one:
        run_scan(DAY, world["small"], lag=LAG, full=True)
    with counted() as every:
        everything = run_scan(DAY, lag=LAG, full=True)
    tasks = len(everything.statuses)
    assert tasks == 5 * 57 + 171
    assert len(every) - len(one) <= 6, (len(one), len(every))
    with counted() as chunked:
        run_scan(DAY, lag=LAG, full=True, chunk_size=50)
    chunks = -(-tasks // 50)
    assert len(chunked) <= 12 * chunks + 12, (len(chunked), chunks)


def test_the_stored_states_are_the_scans_results(app_ctx: Flask, world: dict[str, int]) -> None:
    result = run_scan(DAY, lag=LAG, full=True)
    stored = {
        tid: (str(state), expected, actual)
        for tid, state, expected, actual in db.session.execute(
            sa.select(
                TaskState.task_id, TaskState.state, TaskState.expected, TaskState.actual
            ).where(TaskState.as_of == DAY)
        )
    }
    assert stored == {s.task_id: (str(s.state), s.expected, s.actual) for s in result.statuses}
    assert len({s.state for s in result.statuses}) >= 3


def _submit(task_id: int, period: str, value: float, status: ReportStatus) -> None:
    add_lead_report(task_id, period, date(2020, 9, 30), value, status, DAY)
    db.session.commit()


def _lagging_task(plan_id: int) -> int:
    """A task of the plan without a 2020Q3 report whose state a report changes."""
    reported = sa.select(ProgressReport.task_id).where(ProgressReport.period == "2020Q3")
    return db.session.scalars(
        sa.select(TaskState.task_id)
        .where(
            TaskState.plan_id == plan_id,
            TaskState.as_of == DAY,
            TaskState.state.in_(["overdue", "behind"]),
            TaskState.task_id.not_in(reported),
        )
        .order_by(TaskState.task_id)
    ).first()


def test_an_incremental_rerun_equals_a_full_scan(app_ctx: Flask, world: dict[str, int]) -> None:
    """Unchanged: nothing assessed again. After a report: only its task, and the same
    states and alerts as a full scan."""
    run_scan(DAY, lag=LAG)
    unchanged = run_scan(DAY, lag=LAG)
    assert unchanged.assessed == 0 and unchanged.alerts_created == 0
    task_id = _lagging_task(world["small"])
    assert task_id is not None
    _submit(task_id, "2020Q3", 99.0, ReportStatus.ACCEPTED)
    incremental = run_scan(DAY, lag=LAG)
    assert incremental.assessed == 1
    alerts = set(db.session.scalars(sa.select(Alert.key)))
    full = run_scan(DAY, lag=LAG, full=True)
    assert full.alerts_created == 0
    assert set(db.session.scalars(sa.select(Alert.key))) == alerts
    assert [s.to_json() for s in incremental.statuses] == [s.to_json() for s in full.statuses]


def test_an_interrupted_scan_is_repaired_by_the_next(
    app_ctx: Flask, world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan dying after its first chunk keeps that chunk; the next run writes the rest,
    and its states and alerts equal an uninterrupted scan's."""
    day = date(2020, 11, 23)
    written = scan_chunks.write_chunk
    calls = []

    def dies_on_the_second(chunk: scan_chunks.Chunk) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed between chunks")
        return written(chunk)

    monkeypatch.setattr(scan_chunks, "write_chunk", dies_on_the_second)
    with pytest.raises(RuntimeError):
        run_scan(day, lag=LAG, chunk_size=40)
    monkeypatch.undo()
    db.session.rollback()
    states = sa.select(sa.func.count(TaskState.id)).where(TaskState.as_of == day)
    assert db.session.scalar(states) == 40
    repaired = run_scan(day, lag=LAG, chunk_size=40)
    assert repaired.assessed == len(repaired.statuses) - 40
    assert db.session.scalar(states) == len(repaired.statuses)
    again = run_scan(day, lag=LAG, full=True)
    assert again.alerts_created == 0
    assert [s.to_json() for s in again.statuses] == [s.to_json() for s in repaired.statuses]


def test_current_states_assess_changed_tasks_fresh_and_write_nothing(
    app_ctx: Flask, world: dict[str, int]
) -> None:
    run_scan(DAY, lag=LAG)
    task_id = _lagging_task(world["small"])
    assert task_id is not None
    _submit(task_id, "2020Q3", 99.0, ReportStatus.SUBMITTED)
    rows = sa.select(TaskState.task_id, TaskState.state, TaskState.scanned_at)
    before = db.session.execute(rows.order_by(TaskState.id)).all()
    states = current_states(world["small"], DAY, lag=LAG)
    assert db.session.execute(rows.order_by(TaskState.id)).all() == before
    assert [tid for tid, row in states.items() if not row.stored] == [task_id]
    fresh = {s.task_id: s for s in run_scan(DAY, world["small"], lag=LAG).statuses}
    assert {tid: row.to_json() for tid, row in states.items()} == {
        tid: s.to_json() for tid, s in fresh.items()
    }
    assert len(current_states(world["small"], DAY, [task_id], lag=LAG)) == 1


def test_the_ledger_page_costs_the_same_queries_for_a_small_and_a_larger_plan(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    add_user(app, "office_scale", Role.OFFICE)
    login(client, "office_scale")
    with app.app_context():
        run_scan(DAY, lag=app_settings.current().lag)
    counts = {}
    for name in ("small", "big"):
        client.get(f"/plans/{world[name]}")
        with app.app_context(), counted() as statements:
            page = client.get(f"/plans/{world[name]}")
        assert page.status_code == 200
        counts[name] = len(statements)
    assert counts["small"] == counts["big"], counts
    last = client.get(f"/plans/{world['big']}?page=4")
    assert "第 4 / 4 页（共 171 项）" in last.text  # 50 a page
    assert last.text.count("<tr data-task-id=") == 21


def test_reminder_intents_cost_queries_per_chunk_not_per_task(
    app_ctx: Flask, world: dict[str, int]
) -> None:
    calendar = calendar_service.load_calendar()
    day = date(2020, 10, 15)
    with counted() as one:
        few = all_intents(day, calendar, lag=LAG, catchup_workdays=3, plan_id=world["small"])
    with counted() as every:
        many = all_intents(day, calendar, lag=LAG, catchup_workdays=3)
    assert few and len(many) > 5 * len(few)
    assert len(every) - len(one) <= 6, (len(one), len(every))


def test_a_rerun_reassesses_what_the_fingerprint_covers(
    app_ctx: Flask, world: dict[str, int]
) -> None:
    """Fingerprints are 8 hex characters of the plan's rules and 32 of the task's facts;
    a rerun the same day reassesses a task whose baseline changed, and every task of a plan
    whose overdue grace changed, and nothing else."""
    first = run_scan(DAY, lag=LAG)
    stored = list(db.session.scalars(sa.select(TaskState.fingerprint)))
    assert len(stored) == len(first.statuses)
    assert all(len(f) == 40 and set(f) <= set("0123456789abcdef") for f in stored), stored[:3]
    assert len({f[:8] for f in stored}) == 1  # the same rules in every plan of the world
    task = db.session.get(Task, first.statuses[0].task_id)
    task.baseline_value = (task.baseline_value or 0) + 1
    db.session.commit()
    assert run_scan(DAY, lag=LAG).assessed == 1
    plan = db.session.get(Plan, world["small"])
    plan.overdue_grace_workdays += 3
    db.session.commit()
    of_plan = sa.select(sa.func.count(Task.id)).where(Task.plan_id == plan.id)
    assert run_scan(DAY, lag=LAG).assessed == db.session.scalar(of_plan)
    assert run_scan(DAY, lag=LAG).assessed == 0


def _facts_versions() -> dict[int, int]:
    query = sa.text("SELECT id, facts_version FROM tasks")
    return {tid: version for tid, version in db.session.execute(query)}


def test_reports_and_milestones_written_by_plain_sql_are_seen_by_the_next_rerun(
    app_ctx: Flask, world: dict[str, int]
) -> None:
    """The database's triggers keep each task's facts version, whoever writes (an import,
    a console): a report's value raised in plain SQL moves its task's actual on the rerun
    the same day; a milestone edited and a report deleted get their tasks assessed again;
    nothing else is, and a rerun after that assesses nothing."""
    first = {s.task_id: s for s in run_scan(DAY, lag=LAG).statuses}
    reported = db.session.execute(
        sa.select(ProgressReport.task_id, ProgressReport.id)
        .where(ProgressReport.value.is_not(None))
        .order_by(ProgressReport.task_id, ProgressReport.id)
    ).all()
    valued = next(tid for tid, _ in reported if first[tid].actual is not None)
    deleted_task, deleted_report = next((tid, rid) for tid, rid in reported if tid != valued)
    edited = db.session.scalar(
        sa.select(Milestone.task_id)
        .where(Milestone.task_id.not_in([valued, deleted_task]))
        .order_by(Milestone.id)
    )
    before = _facts_versions()
    for statement, values in (
        ("UPDATE progress_reports SET value = value + 50 WHERE task_id = :t", {"t": valued}),
        ("UPDATE milestones SET source = source || '（修订）' WHERE task_id = :t", {"t": edited}),
        ("DELETE FROM progress_reports WHERE id = :r", {"r": deleted_report}),
    ):
        db.session.execute(sa.text(statement), values)
    db.session.commit()
    after = _facts_versions()
    assert {tid for tid in after if after[tid] != before[tid]} == {valued, edited, deleted_task}
    rerun = run_scan(DAY, lag=LAG)
    assert rerun.assessed == 3
    moved = next(s for s in rerun.statuses if s.task_id == valued)
    assert moved.actual is not None and moved.actual > first[valued].actual
    assert run_scan(DAY, lag=LAG).assessed == 0


def test_one_statement_bumps_each_task_it_writes_once_on_postgresql(
    app_ctx: Flask, world: dict[str, int]
) -> None:
    """On PostgreSQL the triggers run once per statement (a bulk import of 1 M reports
    bumps each task once); on SQLite once per row. Either way only the written tasks."""
    task_id = db.session.scalar(
        sa.select(ProgressReport.task_id)
        .group_by(ProgressReport.task_id)
        .having(sa.func.count() > 1)
        .order_by(ProgressReport.task_id)
    )
    rows = db.session.scalar(sa.select(sa.func.count()).where(ProgressReport.task_id == task_id))
    before = _facts_versions()
    db.session.execute(
        sa.text("UPDATE progress_reports SET next_steps = next_steps || '。' WHERE task_id = :t"),
        {"t": task_id},
    )
    after = _facts_versions()
    db.session.rollback()
    per_statement = db.engine.dialect.name == "postgresql"
    assert after[task_id] - before[task_id] == (1 if per_statement else rows)
    assert {tid for tid in after if after[tid] != before[tid]} == {task_id}
