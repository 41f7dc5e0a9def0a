"""The scan shared between processes on PostgreSQL (issue 14 §1): helper processes find and
store the same states and alerts as one process does, and a helper's failure reaches the
caller."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import LagThresholds
from tests.functional.helpers import import_cixi
from tracker.extensions import db
from tracker.models import Alert, TaskState
from tracker.services import scan_parallel
from tracker.services.scan import run_scan
from tracker.services.scan_facts import TaskRange

pytestmark = pytest.mark.commits

LAG = LagThresholds()
DAY = date(2020, 11, 20)


def _stored() -> tuple[dict[int, tuple[str, Any, Any, str | None]], dict[str, str]]:
    states = sa.select(
        TaskState.task_id,
        TaskState.state,
        TaskState.expected,
        TaskState.actual,
        TaskState.fingerprint,
    ).where(TaskState.as_of == DAY)
    alerts = sa.select(Alert.key, Alert.message)
    return (
        {tid: (str(state), e, a, f) for tid, state, e, a, f in db.session.execute(states)},
        {key: message for key, message in db.session.execute(alerts)},
    )


def _forget_scans() -> None:
    db.session.execute(sa.delete(TaskState))
    db.session.execute(sa.delete(Alert))
    db.session.commit()


def test_helper_processes_store_what_one_process_stores(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_cixi(app, runner)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the scan is shared between processes on PostgreSQL only")
        alone = run_scan(DAY, lag=LAG, full=True, chunk_size=10)
        stored_alone = _stored()
        assert stored_alone[1], "the Cixi plan has lagging tasks: the comparison covers alerts"
        _forget_scans()

        started: list[int] = []
        helpers = scan_parallel.Helpers

        def counting(shares: list[scan_parallel.Share]) -> scan_parallel.Helpers:
            started.append(len(shares))
            return helpers(shares)

        monkeypatch.setattr(scan_parallel, "MIN_TASKS_PER_PROCESS", 10)
        monkeypatch.setattr("tracker.services.scan_run.Helpers", counting)
        shared = run_scan(DAY, lag=LAG, full=True, chunk_size=10, workers=3)
        assert started == [2]  # this process and two helpers
        assert [s.to_json() for s in shared.statuses] == [s.to_json() for s in alone.statuses]
        assert shared.alerts_created == alone.alerts_created
        assert shared.assessed == alone.assessed == len(alone.statuses)
        assert _stored() == stored_alone

        rerun = run_scan(DAY, lag=LAG, chunk_size=10, workers=3)  # nothing changed
        assert rerun.assessed == 0 and rerun.alerts_created == 0
        assert [s.to_json() for s in rerun.statuses] == [s.to_json() for s in alone.statuses]
        db.session.remove()


def test_a_helpers_failure_reaches_the_caller(app: Flask) -> None:
    with app.app_context():
        database = scan_parallel.database_settings()
        if not database["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            pytest.skip("the scan is shared between processes on PostgreSQL only")
        database["SQLALCHEMY_DATABASE_URI"] += "_that_does_not_exist"
        share = scan_parallel.Share(database, DAY, LAG, None, False, [TaskRange(1, 10)])
        with scan_parallel.Helpers([share]) as helpers, pytest.raises(sa.exc.OperationalError):
            helpers.results()


def test_small_scans_and_sqlite_stay_in_one_process(app: Flask) -> None:
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        assert scan_parallel.process_count(171_000, 1) == 1
        assert scan_parallel.process_count(30_000, 4) == 1  # one helper per 20,000 tasks
        assert scan_parallel.process_count(171_000, 2) == (2 if postgres else 1)
        assert scan_parallel.process_count(171_000, 16) == (8 if postgres else 1)
        assert scan_parallel.shares([TaskRange(i, i) for i in range(5)], 2) == [
            [TaskRange(0, 0), TaskRange(2, 2), TaskRange(4, 4)],
            [TaskRange(1, 1), TaskRange(3, 3)],
        ]


def test_a_rerun_the_same_day_stays_in_one_process(app: Flask, runner: FlaskCliRunner) -> None:
    """The day's first scan assesses every task (helpers help); a rerun the same day reads
    the stored states and assesses what changed, faster than a helper starts."""
    import_cixi(app, runner)
    with app.app_context():
        tasks = len(run_scan(DAY, lag=LAG).statuses)
        assert scan_parallel.to_assess(tasks, DAY, None, full=False) == 0
        assert scan_parallel.to_assess(tasks, DAY, None, full=True) == tasks
        assert scan_parallel.to_assess(tasks, date(2020, 11, 23), None, full=False) == tasks
        db.session.remove()
