"""The login and password services on the database: lockout counting in its window,
session tokens, the password history ("none of the last 5") and the policy at creation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import TEST_HASH_METHOD, Settings, SettingsError, load_settings
from tracker.domain.passwords import BASIC, DENGBAO
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import User
from tracker.models.user import PasswordHistory
from tracker.services import logins, passwords
from tracker.services.errors import ServiceError
from tracker.services.users import create_user

PASSWORD = "Secret@2020x"
DEMO_PASSWORD = "Cixi@2020demo"
RULES = logins.LoginRules(max_failures=3, window=timedelta(minutes=15), lock=timedelta(minutes=15))
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _user(name: str = "clerk") -> User:
    return create_user(name, PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)


def _try(user: User, password: str, at: datetime) -> logins.LoginResult:
    return logins.check_login(
        user.username, password, rules=RULES, hash_method=TEST_HASH_METHOD, now=at
    )


def test_three_failures_within_the_window_lock_until_the_lock_ends(app_ctx: Flask) -> None:
    user = _user()
    for minute in (0, 5, 14):
        assert _try(user, "wrong", T0 + timedelta(minutes=minute)) == logins.LoginResult()
    assert logins.current_lock(user, T0 + timedelta(minutes=14)) == T0 + timedelta(minutes=29)
    assert _try(user, PASSWORD, T0 + timedelta(minutes=28)).locked_until == T0 + timedelta(
        minutes=29
    )
    assert _try(user, PASSWORD, T0 + timedelta(minutes=30)).user is user
    assert (user.failed_logins, user.failed_since, user.locked_until is not None) == (0, None, True)


def test_a_failure_after_the_window_starts_a_new_count(app_ctx: Flask) -> None:
    user = _user()
    _try(user, "wrong", T0)
    _try(user, "wrong", T0 + timedelta(minutes=10))
    _try(user, "wrong", T0 + timedelta(minutes=16))
    assert (user.failed_logins, user.locked_until) == (1, None)


def test_failures_while_locked_do_not_extend_the_lock(app_ctx: Flask) -> None:
    user = _user()
    for minute in (0, 1, 2):
        _try(user, "wrong", T0 + timedelta(minutes=minute))
    for minute in (3, 10, 16):
        _try(user, "wrong", T0 + timedelta(minutes=minute))
    assert logins.current_lock(user, T0 + timedelta(minutes=16)) == T0 + timedelta(minutes=17)


def test_an_inactive_user_is_refused_even_with_the_right_password(app_ctx: Flask) -> None:
    user = _user()
    user.active = False
    assert _try(user, PASSWORD, T0) == logins.LoginResult()
    assert user.failed_logins == 0


def test_unlock_clears_the_lock_and_refuses_unlocked_accounts(app_ctx: Flask) -> None:
    user, office = _user(), _user("office")
    for minute in (0, 1, 2):
        _try(user, "wrong", T0 + timedelta(minutes=minute))
    assert logins.locked_accounts(T0 + timedelta(minutes=3)) == [user]
    logins.unlock(user, office, T0 + timedelta(minutes=3))
    assert logins.locked_accounts(T0 + timedelta(minutes=3)) == []
    with pytest.raises(ServiceError, match="未被锁定"):
        logins.unlock(user, office, T0 + timedelta(minutes=3))
    actions = [entry.action for entry in reversed(logins.account_history())]
    assert actions == ["login_failed", "login_failed", "login_failed", "lock", "unlock"]
    assert all(entry.task_id is None for entry in logins.account_history())


def test_session_ids_carry_the_token(app_ctx: Flask) -> None:
    """Flask-Login's id is "<id>:<token>"; a new token voids the old id."""
    user = _user()
    old = user.get_id()
    assert logins.session_user(old) is user
    logins.end_sessions(user)
    assert logins.session_user(old) is None
    assert logins.session_user(user.get_id()) is user
    for malformed in (str(user.id), f"{user.id}:", "x:y", f"{2**70}:{user.session_token}", ""):
        assert logins.session_user(malformed) is None


def _change(user: User, current: str, new: str, at: datetime) -> None:
    passwords.change_password(
        user, current, new, policy=DENGBAO, hash_method=TEST_HASH_METHOD, now=at
    )
    db.session.flush()


def test_dengbao_refuses_the_last_five_passwords(app_ctx: Flask) -> None:
    """Current P4 after P0…P3: P0 is among the last five and refused; after one more
    change it is allowed again. At most five earlier hashes are kept."""
    user = _user()
    history = [PASSWORD] + [f"Secret@202{n}y" for n in range(1, 5)]
    for number, new in enumerate(history[1:], start=1):
        _change(user, history[number - 1], new, T0 + timedelta(days=number))
    with pytest.raises(ServiceError, match="最近 5 次") as refused:
        _change(user, history[4], PASSWORD, T0 + timedelta(days=5))
    assert refused.value.field == "new_password"
    _change(user, history[4], "Fresh@2025zz", T0 + timedelta(days=6))
    _change(user, "Fresh@2025zz", PASSWORD, T0 + timedelta(days=7))
    kept = db.session.scalars(
        db.select(PasswordHistory).where(PasswordHistory.user_id == user.id)
    ).all()
    assert len(kept) == passwords.HISTORY_KEPT
    assert user.password_changed_at is not None


def test_a_password_change_replaces_the_session_token(app_ctx: Flask) -> None:
    user = _user()
    old = user.session_token
    passwords.change_password(
        user, PASSWORD, "Another@2021x", policy=BASIC, hash_method=TEST_HASH_METHOD, now=T0
    )
    assert user.session_token != old


def test_password_age(app_ctx: Flask) -> None:
    user = _user()
    user.password_changed_at = T0
    assert not passwords.password_expired(user, DENGBAO, T0 + timedelta(days=90))
    assert passwords.password_expired(user, DENGBAO, T0 + timedelta(days=91))
    assert not passwords.password_expired(user, BASIC, T0 + timedelta(days=900))


def test_new_users_follow_the_policy(app_ctx: Flask) -> None:
    """Basic refuses 9 characters; dengbao refuses two classes; the demo accounts'
    password (README, seeds) passes both."""
    with pytest.raises(ServiceError, match="密码至少 10 位"):
        create_user("short", "nine-char", Role.OFFICE, hash_method=TEST_HASH_METHOD)
    with pytest.raises(ServiceError, match="至少 3 类"):
        create_user(
            "plain", "alllowercase", Role.OFFICE, hash_method=TEST_HASH_METHOD, policy=DENGBAO
        )
    for name, policy in (("demo1", BASIC), ("demo2", DENGBAO)):
        create_user(name, DEMO_PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD, policy=policy)


def test_user_create_follows_the_configured_profile(
    runner: FlaskCliRunner, set_settings: Callable[..., Settings]
) -> None:
    """``user create`` refuses what the profile refuses, with the rule in Chinese."""
    short = runner.invoke(
        args=["user", "create", "a1", "--role", "office", "--password", "nine-char"]
    )
    assert (short.exit_code, "密码至少 10 位" in short.output) == (1, True)
    set_settings("accounts", password_profile="dengbao")
    plain = ["user", "create", "a2", "--role", "office", "--password", "alllowercase"]
    refused = runner.invoke(args=plain)
    assert (refused.exit_code, "至少 3 类" in refused.output) == (1, True)
    made = runner.invoke(
        args=["user", "create", "a3", "--role", "office", "--password", DEMO_PASSWORD]
    )
    assert made.exit_code == 0, made.output


def test_the_account_settings_are_read_from_their_variables() -> None:
    """Defaults 5 / 15 / 15, basic, 30 min, 12 h, 14 days; each variable read; a wrong
    profile stops start-up naming the variable."""
    defaults = load_settings({"TRACKER_SETTINGS": "test"}).accounts
    assert (
        defaults.login_max_failures,
        defaults.login_window_minutes,
        defaults.login_lock_minutes,
        defaults.password_profile,
        defaults.session_idle_minutes,
        defaults.session_max_hours,
        defaults.remember_days,
    ) == (5, 15, 15, "basic", 30, 12, 14)
    given = {
        "TRACKER_SETTINGS": "test",
        "TRACKER_LOGIN_MAX_FAILURES": "7",
        "TRACKER_LOGIN_WINDOW_MINUTES": "10",
        "TRACKER_LOGIN_LOCK_MINUTES": "30",
        "TRACKER_PASSWORD_PROFILE": "dengbao",
        "TRACKER_SESSION_IDLE_MINUTES": "20",
        "TRACKER_SESSION_MAX_HOURS": "8",
        "TRACKER_REMEMBER_DAYS": "0",
    }
    read = load_settings(given).accounts
    assert read.model_dump() == {
        "login_max_failures": 7,
        "login_window_minutes": 10,
        "login_lock_minutes": 30,
        "password_profile": "dengbao",
        "session_idle_minutes": 20,
        "session_max_hours": 8,
        "remember_days": 0,
    }
    with pytest.raises(SettingsError, match="TRACKER_PASSWORD_PROFILE"):
        load_settings({"TRACKER_SETTINGS": "test", "TRACKER_PASSWORD_PROFILE": "weak"})
