"""Commands and job runs each run in one unit of work (tracker/unit_of_work.py): a command
that fails cleanly stores nothing, a failed job is rolled back yet recorded, a job that
writes in chunks keeps the chunks it committed (the delivery job: each delivery's claim
and outcome), and no command can skip its unit of work."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime
from typing import Any

import click
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import TEST_HASH_METHOD, ChannelSettings
from tracker.cli import check_unit_of_work
from tracker.cli.support import fail, group
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.jobs import deliver
from tracker.jobs.runs import recorded
from tracker.models import Delivery, Digest, Unit, User
from tracker.models.reminder import JobRun
from tracker.services import channels as channel_service
from tracker.services.channels import create_deliveries
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


def _inbox_deliveries(count: int) -> list[int]:
    """``count`` committed digests of one user, each with its pending inbox delivery due
    now; their delivery ids, oldest first."""
    user = User(username="zhang", display_name="张三", role=Role.UNIT)
    user.set_password("x", method=TEST_HASH_METHOD)
    ids = []
    for day in range(1, count + 1):
        digest = Digest(recipient=user, day=date(2020, 11, day), subject=f"提醒{day}", body="…")
        db.session.add(digest)
        (delivery,) = create_deliveries(digest, ChannelSettings(), now=datetime(2020, 11, day))
        db.session.flush()
        ids.append(delivery.id)
    db.session.commit()
    return ids


def statuses(ids: list[int]) -> list[str]:
    """The committed status of each delivery."""
    db.session.remove()
    found = {
        row.id: row.status for row in db.session.execute(sa.select(Delivery.id, Delivery.status))
    }
    return [found[i] for i in ids]


def test_the_delivery_job_commits_each_delivery_and_records_its_counts(app_ctx: Flask) -> None:
    ids = _inbox_deliveries(3)

    counts = deliver.deliver_pending()

    assert counts == {"sent": 3, "failed": 0, "retrying": 0, "skipped": 0}
    assert statuses(ids) == ["sent", "sent", "sent"]
    (run,) = runs_of("deliver_pending")
    assert run.outcome == "ok" and json.loads(run.counts) == counts


def test_a_fault_in_the_delivery_job_keeps_what_went_out_before_it(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second outcome cannot be recorded: the first stays sent, the second stays
    claimed ("sending", retried once its claim times out), the third is untouched."""
    ids = _inbox_deliveries(3)
    calls = itertools.count(1)
    real = channel_service.record_outcome

    def record(*args: Any) -> str | None:
        if next(calls) == 2:
            raise RuntimeError("网络中断")
        return real(*args)

    monkeypatch.setattr(channel_service, "record_outcome", record)

    with pytest.raises(RuntimeError):
        deliver.deliver_pending()

    assert statuses(ids) == ["sent", "sending", "pending"]
    (run,) = runs_of("deliver_pending")
    assert run.outcome == "error" and "网络中断" in run.error


def test_the_delivery_job_stops_at_its_limit(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deliver, "MAX_PER_RUN", 2)
    ids = _inbox_deliveries(3)

    assert deliver.deliver_pending() == {"sent": 2, "failed": 0, "retrying": 0, "skipped": 0}
    assert statuses(ids) == ["sent", "sent", "pending"]
