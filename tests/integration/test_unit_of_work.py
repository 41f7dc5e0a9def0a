"""The unit of work: what a request, a command or a refused service call leaves behind.

Run on SQLite and PostgreSQL alike: on SQLite the savepoint cases fail unless pysqlite's own
transaction handling is off and SQLAlchemy emits BEGIN (DESIGN.md §8).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from config.settings import TEST_HASH_METHOD
from tracker import create_app
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import User
from tracker.services.errors import ServiceError
from tracker.services.users import create_user
from tracker.unit_of_work import attempt, unit_of_work

PASSWORD = "Secret@2020x"


def _office(name: str) -> User:
    return create_user(name, PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)


def _usernames() -> list[str]:
    """The stored usernames, read through a fresh session (what another request sees)."""
    db.session.remove()
    return sorted(db.session.scalars(sa.select(User.username)))


def test_rollback_undoes_writes_released_in_a_savepoint(app_ctx: Flask) -> None:
    create_user("first", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
    with db.session.begin_nested():
        create_user("second", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
    db.session.rollback()
    assert _usernames() == []


def test_a_savepoint_opened_first_does_not_commit_on_release(app_ctx: Flask) -> None:
    with db.session.begin_nested():
        create_user("alone", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
    db.session.rollback()
    assert _usernames() == []


def test_a_failure_inside_a_nested_transaction_leaves_every_table_as_before(
    app_ctx: Flask,
) -> None:
    def failing_service() -> None:
        create_user("inner", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        raise ServiceError("拒绝")

    create_user("outer", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
    outcome = attempt(failing_service)
    assert outcome.error is not None and outcome.error.message == "拒绝"
    db.session.rollback()
    assert _usernames() == []


def test_attempt_keeps_the_accepted_call_and_undoes_only_the_refused_one(app_ctx: Flask) -> None:
    with unit_of_work():
        kept = attempt(
            lambda: create_user("kept", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        )
        refused = attempt(
            lambda: create_user("kept", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        )
    assert kept.ok and kept.value is not None
    assert refused.error is not None and refused.error.field == "username"
    assert _usernames() == ["kept"]


def test_unit_of_work_commits_on_success_and_rolls_back_on_error(app_ctx: Flask) -> None:
    with unit_of_work():
        create_user("saved", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
    with pytest.raises(RuntimeError), unit_of_work():
        create_user("lost", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        raise RuntimeError("crash after the write")
    assert _usernames() == ["saved"]


@pytest.fixture
def request_app(app: Flask) -> Flask:
    """A second app on the suite's database with two test-only views."""
    other = create_app(
        {
            "TRACKER_SETTINGS": "test",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
        }
    )

    @other.post("/_test/write/<name>")
    def write(name: str) -> str:
        create_user(name, PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        return "ok"

    @other.get("/_test/count")
    def count() -> str:
        return str(len(db.session.scalars(sa.select(User.id)).all()))

    @other.post("/_test/write-then-fail/<name>")
    def write_then_fail(name: str) -> str:
        create_user(name, PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        raise RuntimeError("the view fails after writing")

    return other


def test_each_request_commits_its_writes_or_none_of_them(request_app: Flask) -> None:
    client = request_app.test_client()
    assert client.post("/_test/write/committed").status_code == 200
    assert client.post("/_test/write-then-fail/vanished").status_code == 500
    with request_app.app_context():
        assert _usernames() == ["committed"]


@pytest.mark.commits
def test_on_sqlite_a_writing_request_takes_the_write_lock_when_it_begins(
    request_app: Flask,
) -> None:
    """A POST begins IMMEDIATE (it waits for the write lock instead of failing when it first
    writes after reading); a GET begins deferred. PostgreSQL needs neither."""
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    client = request_app.test_client()
    with request_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        client.post("/_test/write/locked")
        posted = [s for s in statements if s.startswith("BEGIN")]
        statements.clear()
        client.get("/_test/count")
        got = [s for s in statements if s.startswith("BEGIN")]
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    if engine.dialect.name == "sqlite":
        assert (posted, got) == (["BEGIN IMMEDIATE"], ["BEGIN"])
    else:
        assert posted == got == []
