"""Imports hold SQLite's write lock only for their writes (issue 18 §1), still all or
nothing: the statements from an import's first database write to its commit do not grow
with the rows, nothing slow (schedule parsing, password hashing) runs in that window, a
large plan is staged where no lock is taken, and a failure in the middle of the writes
leaves nothing behind. Counts, not timings (``scripts/bench_imports.py`` has the times)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from scripts.bench_imports import LockWatch, plan_sheet, users_sheet, watched
from tests.paths import SEEDS
from tracker.extensions import db
from tracker.models import AuditEntry, Category, Milestone, Plan, Task, TaskUnit, Unit, User
from tracker.services import plan_staging, plans

pytestmark = pytest.mark.commits  # real transactions: the lock is what is measured

CIXI = SEEDS / "cixi-key-tasks.xlsx"


def _import(app: Flask, runner: FlaskCliRunner, path: Path) -> LockWatch:
    with watched(db.engine) as watch:
        result = runner.invoke(args=["plan", "import", str(path), "--period", "2019-2025"])
    assert result.exit_code == 0, result.output
    return watch


def _counts() -> dict[str, int]:
    models = (Plan, Category, Task, Milestone, TaskUnit, Unit)
    return {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) or 0
            for m in models}  # fmt: skip


def test_a_plan_import_writes_in_one_transaction_of_statements_that_do_not_grow_with_rows(
    app_ctx: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    seed = plans.read_table(CIXI)
    small = _import(app_ctx, runner, plan_sheet(57, tmp_path / "small.xlsx", seed))
    large = _import(app_ctx, runner, plan_sheet(570, tmp_path / "large.xlsx", seed))

    assert len(large.spans) == 1, "one write transaction: all or nothing"
    assert large.statements[0] <= small.statements[0] <= 45
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 57 + 570


def test_a_failure_in_the_middle_of_the_writes_leaves_nothing(
    app_ctx: Flask, runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = plans.read_table(CIXI)
    before = _counts()
    copy = plan_staging._copy
    written: list[str] = []

    def dies_after_the_tasks(table: sa.Table, computed: dict[str, str]) -> None:
        if table.name == "milestones":
            raise RuntimeError("killed between two tables")
        copy(table, computed)
        written.append(table.name)

    if db.engine.dialect.name == "sqlite":
        monkeypatch.setattr(plan_staging, "_copy", dies_after_the_tasks)
    else:
        from tracker.services import plan_rows

        insert = plan_rows._insert

        def dies_on_milestones(model: type, rows: list, conflict: tuple = ("id",)) -> None:
            if model is Milestone:
                raise RuntimeError("killed between two tables")
            insert(model, rows, conflict)
            written.append(model.__tablename__)

        monkeypatch.setattr(plan_rows, "_insert", dies_on_milestones)
    result = runner.invoke(
        args=["plan", "import", str(plan_sheet(300, tmp_path / "t.xlsx", seed)), "--period",
              "2019-2025"]
    )  # fmt: skip

    assert result.exit_code != 0
    assert "tasks" in written, "the failure came after some rows were written"
    db.session.remove()
    assert _counts() == before


def test_staging_a_large_plan_takes_no_lock_others_wait_for(
    app_ctx: Flask, runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's one write lock")
    database = db.engine.url.database
    assert database
    other_wrote: list[bool] = []
    stage = plan_staging._stage_links

    def meanwhile_another_connection_writes(rows: list) -> str:
        name = stage(rows)
        other = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # refused at once if the import held the lock
            other.execute("UPDATE units SET details = details")
            other.execute("COMMIT")
            other_wrote.append(True)
        finally:
            other.close()
        return name

    monkeypatch.setattr(plan_staging, "_stage_links", meanwhile_another_connection_writes)
    _import(app_ctx, runner, plan_sheet(200, tmp_path / "p.xlsx", plans.read_table(CIXI)))

    assert other_wrote == [True]


def test_a_users_import_hashes_before_it_writes_and_writes_in_few_statements(
    app_ctx: Flask, runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(app_ctx, runner, plan_sheet(57, tmp_path / "p.xlsx", plans.read_table(CIXI)))
    units = list(db.session.scalars(sa.select(Unit.name)))
    from tracker.services import people_import

    hashed_while_writing: list[bool] = []
    watch_now: list[LockWatch] = []
    hash_password = people_import.generate_password_hash

    def hashing(password: str, method: str) -> str:
        hashed_while_writing.append(watch_now[-1]._start is not None)
        return hash_password(password, method=method)

    monkeypatch.setattr(people_import, "generate_password_hash", hashing)

    def users_import(count: int, name: str) -> LockWatch:
        sheet = users_sheet(count, tmp_path / name, units)
        with watched(db.engine) as watch:
            watch_now.append(watch)
            result = runner.invoke(args=["users", "import", str(sheet), "--json"])
        assert result.exit_code == 0, result.output
        return watch

    few = users_import(3, "few.xlsx")
    db.session.execute(sa.delete(AuditEntry))
    db.session.execute(sa.delete(User))
    db.session.commit()
    many = users_import(30, "many.xlsx")

    assert hashed_while_writing == [False] * 33
    assert len(many.spans) == 1
    assert many.statements[0] <= few.statements[0] + 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 30


def test_the_delivery_job_sends_with_no_transaction_open(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from tests.integration.test_channels import _digest
    from tracker import settings as app_settings
    from tracker.jobs.deliver import deliver_now
    from tracker.services import channels

    settings = app_settings.current().channels
    channels.create_deliveries(_digest(), settings, now=datetime(2020, 11, 20, tzinfo=UTC))
    db.session.commit()
    seen: list[tuple[bool, bool]] = []
    send = channels._send

    def sending(claim: channels.Outgoing, channel: channels.Channel | None) -> channels.Result:
        seen.append((db.session().in_transaction(), _another_can_write()))
        return send(claim, channel)

    monkeypatch.setattr(channels, "_send", sending)
    summary = deliver_now(settings)

    assert summary.sent == 1
    assert seen == [(False, True)], "nothing held while a channel talks to the network"


def _another_can_write() -> bool:
    """On SQLite: another connection takes the write lock at once; elsewhere True."""
    if db.engine.dialect.name != "sqlite":
        return True
    other = sqlite3.connect(db.engine.url.database or "", timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()
    return True


def test_confirming_through_the_page_writes_in_one_brief_transaction(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    from tests.functional.test_plan_import_web import confirm, office, upload

    office(app, client)
    seed_path = tmp_path / "cixi-x5.xlsx"
    with app.app_context():
        plan_sheet(285, seed_path, plans.read_table(CIXI))
        preview = upload(client, seed_path)
        assert client.get(preview).status_code == 200
        with watched(db.engine) as watch:
            confirm(client, preview, name="五倍的慈溪方案", period="2019-2025")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 285

    writes = [n for n in watch.statements if n > 2]  # the login's time is a brief write too
    assert len(writes) == 1 and writes[0] <= 45, watch.statements
