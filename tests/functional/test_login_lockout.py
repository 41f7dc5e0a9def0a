"""Login lockout kept in the database (issue 9 §4): N wrong passwords in M minutes lock
the account for L minutes; the answer is the same for a wrong password, an unknown name
and a locked account, and the lock is told only to whoever gave the right password; the
office sees locked accounts and lifts locks; every event is in the account history."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from config.settings import Settings
from tests.conftest import csrf_token
from tests.functional.account_helpers import edit_user, flashes
from tests.functional.helpers import add_user, location, login
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Unit, User

LOCKED = "该账号因连续登录失败已被锁定"
REFUSED = "用户名或密码不正确。连续失败 3 次将锁定账号 15 分钟。"


@pytest.fixture(autouse=True)
def three_failures(set_settings: Callable[..., Settings]) -> None:
    """Lock after 3 failures in 15 minutes, for 15 minutes."""
    set_settings("accounts", login_max_failures=3)


@pytest.fixture
def users(app: Flask) -> None:
    """An office user and a leader "clerk" whose account gets locked."""
    add_user(app, "office", Role.OFFICE)
    add_user(app, "clerk", Role.LEADER)


def fail(client: FlaskClient, username: str, times: int) -> None:
    for _ in range(times):
        assert login(client, username, "wrong-password").status_code == 200


def test_right_password_after_n_failures_is_refused_with_the_lock_end(
    app: Flask, client: FlaskClient, users: None
) -> None:
    """3 wrong passwords, then the right one: no session, and the lock's end as HH:MM
    office time, 15 minutes after the third failure."""
    fail(client, "clerk", 3)
    response = login(client, "clerk")
    assert response.status_code == 200
    assert LOCKED in response.text
    until = stored(app, "clerk").locked_until
    assert until is not None
    until = until.replace(tzinfo=UTC) if until.tzinfo is None else until
    assert timedelta(minutes=14) < until - datetime.now(UTC) <= timedelta(minutes=15)
    local = until.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")
    assert f"请于 {local} 后再试，或联系改革办解除锁定。" in response.text
    assert location(client.get("/")) == "/login?next=%2F"


def stored(app: Flask, username: str) -> User:
    """The user row as stored now (detached)."""
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.username == username)).one()
        db.session.expunge(user)
        return user


def test_fewer_failures_do_not_lock(client: FlaskClient, users: None) -> None:
    fail(client, "clerk", 2)
    assert location(login(client, "clerk")) == "/"


def test_a_locked_account_answers_like_an_unknown_name(client: FlaskClient, users: None) -> None:
    """Without the right password nothing tells a locked account from a name that does not
    exist: the same words, the same status."""
    fail(client, "clerk", 3)
    locked = login(client, "clerk", "wrong-password")
    unknown = login(client, "nobody", "wrong-password")
    assert (locked.status_code, flashes(locked)) == (unknown.status_code, flashes(unknown))
    assert flashes(unknown) == [REFUSED]
    assert LOCKED not in locked.text


def test_the_lock_ends_by_itself(app: Flask, client: FlaskClient, users: None) -> None:
    """Once the lock's end has passed, the right password logs in again."""
    fail(client, "clerk", 3)
    edit_user(app, "clerk", lambda u: setattr(u, "locked_until", datetime.now(UTC)))
    assert location(login(client, "clerk")) == "/"


def test_failures_outside_the_window_start_a_new_count(
    app: Flask, client: FlaskClient, users: None
) -> None:
    """Two failures 16 minutes ago and two now are not three in 15 minutes."""
    fail(client, "clerk", 2)
    long_ago = datetime.now(UTC) - timedelta(minutes=16)
    edit_user(app, "clerk", lambda u: setattr(u, "failed_since", long_ago))
    fail(client, "clerk", 2)
    assert location(login(client, "clerk")) == "/"


def test_a_login_resets_the_count(client: FlaskClient, users: None, app: Flask) -> None:
    fail(client, "clerk", 2)
    assert location(login(client, "clerk")) == "/"
    client = app.test_client()
    fail(client, "clerk", 2)
    assert location(login(client, "clerk")) == "/"


def test_office_sees_the_lock_and_lifts_it(app: Flask, users: None) -> None:
    """The accounts page lists the locked account; 解除锁定 lets its owner in again; the
    history shows the failures, the lock and the unlock with who did it."""
    fail(app.test_client(), "clerk", 3)
    office = app.test_client()
    login(office, "office")
    page = office.get("/admin/accounts")
    assert page.status_code == 200
    locked = page.text.split("已锁定的账号")[1].split("近期输错密码")[0]
    assert "clerk" in locked
    match = re.search(r'action="(/admin/accounts/\d+/unlock)"', page.text)
    assert match is not None
    answer = office.post(match.group(1), data={"csrf_token": csrf_token(page.text)})
    assert location(answer) == "/admin/accounts"
    page = office.get("/admin/accounts")
    assert "已解除账号「clerk」的锁定。" in page.text
    assert "当前没有被锁定的账号。" in page.text
    history = page.text.split("账号日志")[1]
    events = ("登录失败", "密码错误（连续第 3 次）", "锁定账号", "解除锁定", "office测试解除锁定")
    assert [words for words in events if words not in history] == []
    assert location(login(app.test_client(), "clerk")) == "/"


def test_unlocking_an_account_that_is_not_locked_is_refused(app: Flask, users: None) -> None:
    office = app.test_client()
    login(office, "office")
    page = office.get("/admin/accounts")
    answer = office.post(
        f"/admin/accounts/{stored(app, 'clerk').id}/unlock",
        data={"csrf_token": csrf_token(page.text)},
    )
    assert location(answer) == "/admin/accounts"
    assert "账号「clerk」未被锁定" in office.get("/admin/accounts").text


def test_logins_are_in_the_account_history(app: Flask, users: None) -> None:
    """A successful login and a logout appear with the address they came from."""
    office = app.test_client()
    login(office, "office")
    history = office.get("/admin/accounts").text.split("账号日志")[1]
    assert "登录成功（来自 127.0.0.1）" in history


@pytest.mark.parametrize("role", [Role.LEADER, Role.UNIT, Role.ASSESSOR])
def test_only_office_and_admin_see_the_accounts_page(
    app: Flask, client: FlaskClient, role: Role
) -> None:
    with app.app_context():
        db.session.add(Unit(name="市委组织部"))
        db.session.commit()
    add_user(app, "someone", role, "市委组织部" if role is Role.UNIT else None)
    login(client, "someone")
    assert client.get("/admin/accounts").status_code == 403
    assert "账号安全" not in client.get("/notifications").text


def test_the_menu_links_the_accounts_page(client: FlaskClient, users: None) -> None:
    login(client, "office")
    assert 'href="/admin/accounts"' in client.get("/notifications").text
