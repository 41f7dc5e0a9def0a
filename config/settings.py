"""Settings of the tracker, read from ``TRACKER_*`` environment variables.

Every setting has a default that works on a fresh machine: an SQLite database under the
Flask instance folder, the scheduler's daily scan at 07:30 Asia/Shanghai, quarterly
reports due 5 working days after the period ends.
"""

from __future__ import annotations

import os
from datetime import date
from typing import ClassVar

#: Size limit of one evidence file, in MiB, unless ``TRACKER_MAX_UPLOAD_MB`` says otherwise.
DEFAULT_MAX_UPLOAD_MB = 20


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"TRACKER_{name}", default)


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"TRACKER_{name} must be a whole number, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_date(name: str) -> date | None:
    raw = _env(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ValueError(f"TRACKER_{name} must be a date YYYY-MM-DD, got {raw!r}") from exc


class Settings:
    """Production defaults. ``from_env()`` builds the mapping Flask's ``app.config`` loads.

    Units: every ``*_WORKDAYS`` value counts Chinese working days (DESIGN.md §5).
    """

    TESTING = False
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    @classmethod
    def from_env(cls) -> dict[str, object]:
        """Class defaults overlaid with ``TRACKER_*`` variables.

        Raises ValueError naming the variable when a value has the wrong shape.
        """
        values = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
        values.update(
            SECRET_KEY=_env("SECRET_KEY"),
            SQLALCHEMY_DATABASE_URI=_env("DATABASE_URL"),
            SESSION_COOKIE_SECURE=_env_bool("SECURE_COOKIES", False),
            TRACKER_TODAY=_env_date("TODAY"),
            TRACKER_TIMEZONE=_env("TIMEZONE", "Asia/Shanghai"),
            TRACKER_SCAN_HOUR=_env_int("SCAN_HOUR", 7),
            TRACKER_SCAN_MINUTE=_env_int("SCAN_MINUTE", 30),
            TRACKER_MISFIRE_GRACE_SECONDS=_env_int("MISFIRE_GRACE_SECONDS", 6 * 3600),
            TRACKER_SCHEDULER_LOCK_RETRY_SECONDS=_env_int("SCHEDULER_LOCK_RETRY_SECONDS", 30),
            TRACKER_REMIND_HOUR=_env_int("REMIND_HOUR", 8),
            TRACKER_REMIND_MINUTE=_env_int("REMIND_MINUTE", 0),
            TRACKER_REPORT_DUE_WORKDAYS=_env_int("REPORT_DUE_WORKDAYS", 5),
            TRACKER_OVERDUE_GRACE_WORKDAYS=_env_int("OVERDUE_GRACE_WORKDAYS", 0),
            TRACKER_MISSED_GRACE_WORKDAYS=_env_int("MISSED_GRACE_WORKDAYS", 0),
            TRACKER_DUE_SOON_WORKDAYS=_env_int("DUE_SOON_WORKDAYS", 5),
            TRACKER_PASSWORD_HASH_METHOD="scrypt",
            TRACKER_UPLOAD_DIR=_env("UPLOAD_DIR"),
            TRACKER_NOTICE_DEADLINE_WORKDAYS=_env_int("NOTICE_DEADLINE_WORKDAYS", 5),
            TRACKER_SELF_ASSESSMENT_MAX_CHARS=_env_int("SELF_ASSESSMENT_MAX_CHARS", 100),
        )
        values.update(channel_settings())
        values.update(assessment_settings())
        values.update(upload_limits(_env_int("MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)))
        return values


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"TRACKER_{name} must be a number, got {raw!r}") from exc


def assessment_settings() -> dict[str, object]:
    """Settings of lag deductions and grades (issue 5 §3, §5).

    ``TRACKER_ASSESS_LEAD_WEIGHT`` / ``TRACKER_ASSESS_COOPERATING_WEIGHT`` multiply the
    points a lag event deducts from a lead / cooperating unit (defaults 1.0 / 0.5);
    ``TRACKER_ASSESS_LAG_POINTS`` is the points (分) per event when the indicator has no
    deduction rule (default 1). ``TRACKER_GRADE_EXCELLENT/GOOD/PASS`` are the grade
    thresholds in percent of the maximum (defaults 90/80/60).
    """
    return {
        "TRACKER_ASSESS_LEAD_WEIGHT": _env_float("ASSESS_LEAD_WEIGHT", 1.0),
        "TRACKER_ASSESS_COOPERATING_WEIGHT": _env_float("ASSESS_COOPERATING_WEIGHT", 0.5),
        "TRACKER_ASSESS_LAG_POINTS": _env_float("ASSESS_LAG_POINTS", 1.0),
        "TRACKER_GRADE_EXCELLENT": _env_float("GRADE_EXCELLENT", 90.0),
        "TRACKER_GRADE_GOOD": _env_float("GRADE_GOOD", 80.0),
        "TRACKER_GRADE_PASS": _env_float("GRADE_PASS", 60.0),
    }


def channel_settings() -> dict[str, object]:
    """Settings of the reminder channels (issue 4 §3).

    E-mail is off while ``TRACKER_SMTP_HOST`` is unset; ``TRACKER_SMTP_TLS`` is
    "starttls" (or a true value), "ssl" (implicit TLS) or anything else for none;
    ``TRACKER_SMTP_PORT`` 0 means the usual port of that mode (587, 465, 25). The webhook
    is off while ``TRACKER_WEBHOOK_URL`` is unset; ``TRACKER_WEBHOOK_KIND`` is "dingtalk"
    or "wecom"; ``TRACKER_WEBHOOK_SECRET`` signs DingTalk requests. Timeouts in seconds.
    A delivery is given up ("failed") after ``TRACKER_DELIVERY_MAX_ATTEMPTS`` attempts.
    """
    return {
        "TRACKER_SMTP_HOST": _env("SMTP_HOST") or None,
        "TRACKER_SMTP_PORT": _env_int("SMTP_PORT", 0),
        "TRACKER_SMTP_TLS": (_env("SMTP_TLS", "") or "").strip().lower(),
        "TRACKER_SMTP_USER": _env("SMTP_USER") or None,
        "TRACKER_SMTP_PASSWORD": _env("SMTP_PASSWORD") or None,
        "TRACKER_SMTP_SENDER": _env("SMTP_SENDER", "tracker@example.org"),
        "TRACKER_SMTP_TIMEOUT": _env_int("SMTP_TIMEOUT", 15),
        "TRACKER_WEBHOOK_URL": _env("WEBHOOK_URL") or None,
        "TRACKER_WEBHOOK_KIND": (_env("WEBHOOK_KIND", "dingtalk") or "dingtalk").strip().lower(),
        "TRACKER_WEBHOOK_SECRET": _env("WEBHOOK_SECRET") or None,
        "TRACKER_WEBHOOK_TIMEOUT": _env_int("WEBHOOK_TIMEOUT", 10),
        "TRACKER_DELIVERY_MAX_ATTEMPTS": _env_int("DELIVERY_MAX_ATTEMPTS", 6),
    }


def upload_limits(max_upload_mb: int) -> dict[str, int]:
    """``TRACKER_MAX_UPLOAD_MB`` (one evidence file, MiB) and Flask's ``MAX_CONTENT_LENGTH``
    (the whole request, bytes) kept consistent: the request may be 1 MiB larger than the
    file, for the multipart framing and the form's other fields, so that a file just over
    the limit is refused by the evidence service with a message naming the file.

    Raises ValueError when the limit is not a positive whole number of MiB.
    """
    if max_upload_mb <= 0:
        raise ValueError(f"TRACKER_MAX_UPLOAD_MB must be positive, got {max_upload_mb}")
    return {
        "TRACKER_MAX_UPLOAD_MB": max_upload_mb,
        "MAX_CONTENT_LENGTH": (max_upload_mb + 1) * 1024 * 1024,
    }


class TestSettings(Settings):
    """Settings for the test suite: CSRF stays on (tests send the token), a fixed secret."""

    TESTING = True

    @classmethod
    def from_env(cls) -> dict[str, object]:
        values = super().from_env()
        values["SECRET_KEY"] = "test-secret"
        values["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
            "TRACKER_TEST_DATABASE_URL", "sqlite:///:memory:"
        )
        values["TRACKER_TODAY"] = date(2020, 11, 20)
        # Test users are created by the hundred; a cheap hash keeps the suite fast.
        values["TRACKER_PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
        # No real mail or robot from the test suite; channel tests point these at local servers.
        values["TRACKER_SMTP_HOST"] = None
        values["TRACKER_WEBHOOK_URL"] = None
        return values


def load_settings(name: str | None = None) -> dict[str, object]:
    """Settings by name: "test" or anything else for production; ``name`` defaults to
    ``TRACKER_SETTINGS``."""
    chosen = name or _env("SETTINGS", "production")
    return (TestSettings if chosen == "test" else Settings).from_env()
