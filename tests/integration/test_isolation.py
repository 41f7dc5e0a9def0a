"""The suite's own isolation (tests/conftest.py): what a test writes is gone after it,
whether it rolls back, shares module data or commits for real."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.helpers import PASSWORD, add_user, login
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Unit, User


def usernames(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(User.username)))


@pytest.fixture(scope="module")
def shared_unit(app: Flask, shared_db: None) -> int:
    """A unit written once for the module's tests that use it."""
    with app.app_context():
        unit = Unit(name="隔离测试单位")
        db.session.add(unit)
        db.session.commit()
        return unit.id


@pytest.mark.parametrize("run", [1, 2])
def test_a_request_commits_inside_the_test_and_nothing_outlives_it(
    app: Flask, client: FlaskClient, run: int
) -> None:
    assert usernames(app) == set()  # the other run's user was rolled back
    add_user(app, "office", Role.OFFICE)
    assert login(client, "office", PASSWORD).status_code == 302  # a request's own session
    assert usernames(app) == {"office"}


@pytest.mark.commits
@pytest.mark.parametrize("run", [1, 2])
def test_a_committing_test_is_emptied_after(app: Flask, run: int) -> None:
    assert usernames(app) == set()
    add_user(app, "committed", Role.OFFICE)
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.connect() as connection:  # really committed: another connection sees it
        assert connection.execute(sa.select(User.username)).scalars().all() == ["committed"]
    other.dispose()


@pytest.mark.parametrize("run", [1, 2])
def test_module_data_stays_and_each_tests_writes_go(app: Flask, shared_unit: int, run: int) -> None:
    with app.app_context():
        assert db.session.get(Unit, shared_unit) is not None
    assert usernames(app) == set()
    add_user(app, f"run{run}", Role.OFFICE)
    with app.app_context():
        db.session.delete(db.session.get(Unit, shared_unit))
        db.session.commit()
        assert db.session.get(Unit, shared_unit) is None  # back for the next run
