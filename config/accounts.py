"""Settings of accounts and sessions: login lockout, the password policy, session lifetimes
and the remember-me cookie (issue 9 §4; GB/T 22239 等保 2.0 identification and
authentication: lock after repeated failures, password complexity and rotation, idle logout)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field

from config.base import SettingsGroup


class AccountSettings(SettingsGroup):
    """Login lockout: ``TRACKER_LOGIN_MAX_FAILURES`` wrong passwords within
    ``TRACKER_LOGIN_WINDOW_MINUTES`` of the first lock the account for
    ``TRACKER_LOGIN_LOCK_MINUTES``. ``TRACKER_PASSWORD_PROFILE`` names the password policy
    ("basic": 10+ characters; "dengbao": 8+ characters of three classes, changed every 90
    days, none of the last 5; see :mod:`tracker.domain.passwords`). A session ends after
    ``TRACKER_SESSION_IDLE_MINUTES`` without a request and ``TRACKER_SESSION_MAX_HOURS``
    after login; the remember-me cookie lives ``TRACKER_REMEMBER_DAYS`` days (0: no
    remember-me)."""

    login_max_failures: int = Field(5, ge=1)
    login_window_minutes: int = Field(15, ge=1)
    login_lock_minutes: int = Field(15, ge=1)
    password_profile: Literal["basic", "dengbao"] = "basic"
    session_idle_minutes: int = Field(30, ge=1)
    session_max_hours: int = Field(12, ge=1)
    remember_days: int = Field(14, ge=0)

    @property
    def remember_duration(self) -> timedelta:
        """How long a remember-me cookie is valid."""
        return timedelta(days=self.remember_days)
