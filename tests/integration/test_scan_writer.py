"""The scan's writer thread on PostgreSQL (issue 14 §1): the chunks written beside their
computation are the same as written in line, and a failing chunk stops the writes after it
and reaches the caller, so a crash leaves whole chunks and the next run repairs the rest."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import LagThresholds
from tests.functional.helpers import import_cixi
from tracker.extensions import db
from tracker.models import Alert, TaskState
from tracker.services import scan_chunks
from tracker.services.scan import run_scan
from tracker.services.scan_writer import ChunkWriter

pytestmark = pytest.mark.commits

LAG = LagThresholds()
DAY = date(2020, 11, 20)


def _states() -> dict[int, tuple[str, float | None, float | None]]:
    query = sa.select(
        TaskState.task_id, TaskState.state, TaskState.expected, TaskState.actual
    ).where(TaskState.as_of == DAY)
    return {tid: (str(state), e, a) for tid, state, e, a in db.session.execute(query)}


def test_the_writer_thread_writes_every_chunk_and_stops_at_a_failure(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_cixi(app, runner)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the writer thread writes on PostgreSQL only")
        with ChunkWriter(scan_chunks.write_chunk) as writer:
            assert writer._thread is not None  # written beside, not in line
        written = scan_chunks.write_chunk
        calls: list[int] = []

        def dies_on_the_second(chunk: scan_chunks.Chunk) -> int:
            calls.append(len(chunk.states))
            if len(calls) == 2:
                raise RuntimeError("killed between chunks")
            return written(chunk)

        monkeypatch.setattr(scan_chunks, "write_chunk", dies_on_the_second)
        with pytest.raises(RuntimeError, match="killed between chunks"):
            run_scan(DAY, lag=LAG, chunk_size=10)
        monkeypatch.undo()
        db.session.rollback()
        assert len(_states()) == 10  # the first chunk, whole; nothing after the failure
        repaired = run_scan(DAY, lag=LAG, chunk_size=10)
        assert repaired.assessed == len(repaired.statuses) - 10
        assert _states() == {
            s.task_id: (str(s.state), s.expected, s.actual) for s in repaired.statuses
        }
        alerts = db.session.scalar(sa.select(sa.func.count(Alert.id)))
        again = run_scan(DAY, lag=LAG, full=True)
        assert again.alerts_created == 0
        assert db.session.scalar(sa.select(sa.func.count(Alert.id))) == alerts
        assert [s.to_json() for s in again.statuses] == [s.to_json() for s in repaired.statuses]
        db.session.remove()
