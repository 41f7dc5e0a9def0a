"""Commands and job runs each run in one unit of work (tracker/unit_of_work.py): a command
that fails cleanly stores nothing, a failed job is rolled back yet recorded, a job that
writes in chunks keeps the chunks it committed, and no command can skip its unit of work."""

from __future__ import annotations

import itertools
import json

import click
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tracker.cli import check_unit_of_work
from tracker.cli.support import fail, group
from tracker.extensions import db
from tracker.jobs import deliver
from tracker.jobs.runs import recorded
from tracker.models import Unit
from tracker.models.reminder import JobRun
from tracker.services.channels import DeliverySummary
from tracker.unit_of_work import unit_of_work

probe_cli = group("probe", help="测试用。")


@probe_cli.command("write")
@click.argument("name")
@click.option("--fail", "refuse", is_flag=True)
def write_unit(name: str, refuse: bool) -> None:
    """Store a unit named NAME; with --fail, refuse afterwards."""
    db.session.add(Unit(name=name))
    db.session.flush()
    if refuse:
        fail("拒绝写入")


def stored_units() -> list[str]:
    """Unit names as committed (a fresh session sees no uncommitted writes)."""
    db.session.remove()
    return list(db.session.scalars(sa.select(Unit.name).order_by(Unit.id)))


def runs_of(job_id: str) -> list[sa.Row]:
    """The recorded runs of ``job_id``, as committed."""
    db.session.remove()
    runs = JobRun.__table__
    return list(db.session.execute(sa.select(runs).where(runs.c.job_id == job_id)).all())


# --- Commands -----------------------------------------------------------------------------


def test_a_command_commits_on_success_and_stores_nothing_when_it_fails(
    app: Flask, runner: FlaskCliRunner
) -> None:
    refused = runner.invoke(probe_cli, ["write", "甲单位", "--fail"])
    done = runner.invoke(probe_cli, ["write", "乙单位"])

    assert refused.exit_code == 1 and "错误：拒绝写入" in refused.output
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert stored_units() == ["乙单位"]


def test_a_command_outside_a_unit_of_work_is_refused() -> None:
    plain = click.Command("plain", callback=lambda: None)
    holder = group("holder", help="")
    holder.add_command(plain)

    with pytest.raises(TypeError, match="plain"):
        check_unit_of_work(plain)
    with pytest.raises(TypeError, match="plain"):
        check_unit_of_work(holder)
    check_unit_of_work(probe_cli)


# --- Jobs ---------------------------------------------------------------------------------


@recorded("test_rolled_back")
def failing_writer() -> dict[str, int]:
    """Writes a unit, then fails."""
    db.session.add(Unit(name="失败单位"))
    db.session.flush()
    raise RuntimeError("写到一半失败")


@recorded("test_chunks")
def chunked_writer() -> dict[str, int]:
    """Commits one chunk, writes a second outside any chunk, then fails."""
    with unit_of_work():
        db.session.add(Unit(name="第一批"))
    db.session.add(Unit(name="第二批"))
    db.session.flush()
    raise RuntimeError("第二批失败")


def test_a_failed_job_is_rolled_back_and_recorded_as_an_error(app_ctx: Flask) -> None:
    with pytest.raises(RuntimeError):
        failing_writer()

    (run,) = runs_of("test_rolled_back")
    assert stored_units() == []
    assert run.outcome == "error" and "RuntimeError: 写到一半失败" in run.error
    assert run.finished_at is not None


def test_a_chunked_job_keeps_the_chunks_it_committed(app_ctx: Flask) -> None:
    with pytest.raises(RuntimeError):
        chunked_writer()

    (run,) = runs_of("test_chunks")
    assert stored_units() == ["第一批"]
    assert run.outcome == "error"


def _fake_deliveries(monkeypatch: pytest.MonkeyPatch, results: list[object]) -> None:
    """Each chunk of the delivery job stores a unit "批次N", then returns (or raises) the
    next of ``results``; one delivery per chunk."""
    monkeypatch.setattr(deliver, "CHUNK_SIZE", 1)
    calls, numbers = iter(results), itertools.count(1)

    def deliver_due(_now: object, _channels: object, *, limit: int) -> object:
        db.session.add(Unit(name=f"批次{next(numbers)}"))
        result = next(calls)
        if isinstance(result, Exception):
            raise result
        return result

    monkeypatch.setattr(deliver, "deliver_due", deliver_due)


def test_the_delivery_job_commits_each_chunk(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_deliveries(monkeypatch, [DeliverySummary(sent=1), DeliverySummary(retrying=1)] * 3)

    counts = deliver.deliver_pending()

    assert counts == {"sent": 2, "failed": 0, "retrying": 2, "skipped": 0}  # MAX_CHUNKS = 4
    assert stored_units() == ["批次1", "批次2", "批次3", "批次4"]
    (run,) = runs_of("deliver_pending")
    assert run.outcome == "ok" and json.loads(run.counts) == counts


def test_a_failing_delivery_chunk_keeps_the_chunks_before_it(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_deliveries(monkeypatch, [DeliverySummary(sent=1), RuntimeError("网络中断")])

    with pytest.raises(RuntimeError):
        deliver.deliver_pending()

    assert stored_units() == ["批次1"]
    (run,) = runs_of("deliver_pending")
    assert run.outcome == "error" and "网络中断" in run.error


def test_the_delivery_job_stops_at_a_short_chunk(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_deliveries(monkeypatch, [DeliverySummary(sent=1), DeliverySummary()])

    assert deliver.deliver_pending() == {"sent": 1, "failed": 0, "retrying": 0, "skipped": 0}
    assert stored_units() == ["批次1", "批次2"]
