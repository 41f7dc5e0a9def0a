"""Settings of the tracker: one typed object built once at start-up from ``TRACKER_*``
environment variables (pydantic-settings), overlaid with the overrides ``create_app`` is
given (tests, demos).

Every setting has a default that works on a fresh machine: an SQLite database under the
Flask instance folder, the scheduler's daily scan at 07:30 Asia/Shanghai, quarterly
reports due 5 working days after the period ends. Every ``*_workdays`` value counts
Chinese working days (DESIGN.md §5). A value of the wrong shape stops start-up with a
:class:`SettingsError` naming the variable; an empty variable means the default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from config.accounts import AccountSettings
from config.base import SettingsError, SettingsGroup, env_field
from config.operations import BackupSettings, ImportLimits
from config.report_form import ReportFormSettings

#: Size limit of one evidence file, in MiB, unless ``TRACKER_MAX_UPLOAD_MB`` says otherwise.
DEFAULT_MAX_UPLOAD_MB = 20
#: The password hash of the test profile: test users are created by the hundred.
TEST_HASH_METHOD = "pbkdf2:sha256:1000"
#: The fixed date of the test profile (the plan ran 2019–2025).
TEST_TODAY = date(2020, 11, 20)
MIB = 1024 * 1024


class WebSettings(SettingsGroup):
    """What becomes Flask's own keys: ``TRACKER_SECRET_KEY`` (None: a key kept in the
    instance folder), ``TRACKER_DATABASE_URL`` (None: SQLite in the instance folder),
    ``TRACKER_SECURE_COOKIES`` (cookies only over HTTPS)."""

    secret_key: str | None = None
    database_url: str | None = None
    secure_cookies: bool = False


class ClockSettings(SettingsGroup):
    """``TRACKER_TODAY`` (YYYY-MM-DD; only demos and tests fix the date) and
    ``TRACKER_TIMEZONE`` (the office's zone, an IANA name)."""

    today: date | None = None
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The office's time zone."""
        return ZoneInfo(self.timezone)


class LagThresholds(SettingsGroup):
    """App-wide lag thresholds (working days): a milestone is missed only after its date
    plus ``TRACKER_MISSED_GRACE_WORKDAYS``; an unsubmitted report is due soon within
    ``TRACKER_DUE_SOON_WORKDAYS`` of its due date. The overdue grace is the plan's."""

    missed_grace_workdays: int = Field(0, ge=0)
    due_soon_workdays: int = Field(5, ge=0)


class ReportingDefaults(SettingsGroup):
    """What a newly imported plan starts with (working days): reports due
    ``TRACKER_REPORT_DUE_WORKDAYS`` after the period ends, overdue after a further
    ``TRACKER_OVERDUE_GRACE_WORKDAYS``."""

    report_due_workdays: int = Field(5, ge=0)
    overdue_grace_workdays: int = Field(0, ge=0)


class ReminderSettings(SettingsGroup):
    """The reminder pass (issue 4): a reminder missed by up to
    ``TRACKER_REMINDER_CATCHUP_WORKDAYS`` still goes out; a supervision notice sets a new
    deadline ``TRACKER_NOTICE_DEADLINE_WORKDAYS`` after it is issued."""

    catchup_workdays: int = env_field("TRACKER_REMINDER_CATCHUP_WORKDAYS", 5)
    notice_deadline_workdays: int = Field(5, ge=1)


class ChannelSettings(SettingsGroup):
    """The reminder channels (issue 4 §3). E-mail is off while ``TRACKER_SMTP_HOST`` is
    unset; ``TRACKER_SMTP_TLS`` is "starttls" (or a true value), "ssl" (implicit TLS) or
    anything else for none; ``TRACKER_SMTP_PORT`` 0 means the usual port of that mode.
    The webhook is off while ``TRACKER_WEBHOOK_URL`` is unset; ``TRACKER_WEBHOOK_KIND`` is
    "dingtalk" or "wecom"; ``TRACKER_WEBHOOK_SECRET`` signs DingTalk requests. Timeouts in
    seconds. A delivery is given up after ``TRACKER_DELIVERY_MAX_ATTEMPTS`` attempts; a
    delivery claimed for sending longer ago than ``TRACKER_DELIVERY_CLAIM_TIMEOUT_MINUTES``
    is tried again; e-mails carry ``<delivery-ID@TRACKER_MESSAGE_ID_DOMAIN>`` as Message-ID."""

    smtp_host: str | None = None
    smtp_port: int = Field(0, ge=0, le=65535)
    smtp_tls: str = ""
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_sender: str = "tracker@example.org"
    smtp_timeout: float = Field(15, gt=0)
    webhook_url: str | None = None
    webhook_kind: Literal["dingtalk", "wecom"] = "dingtalk"
    webhook_secret: SecretStr | None = None
    webhook_timeout: float = Field(10, gt=0)
    delivery_max_attempts: int = Field(6, ge=1)
    delivery_claim_timeout_minutes: float = Field(10, ge=0)
    message_id_domain: str = Field("tracker.local", min_length=1, pattern=r"^[A-Za-z0-9.-]+$")

    @field_validator("smtp_tls", "webhook_kind", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


class AssessmentSettings(SettingsGroup):
    """Lag deductions and grades (issue 5 §3, §5): ``TRACKER_ASSESS_LEAD_WEIGHT`` /
    ``TRACKER_ASSESS_COOPERATING_WEIGHT`` multiply the points a lag event deducts from a
    lead / cooperating unit; ``TRACKER_ASSESS_LAG_POINTS`` is the points (分) per event
    when the indicator has no deduction rule; ``TRACKER_GRADE_EXCELLENT/GOOD/PASS`` are
    grade thresholds in percent of the maximum; a self-assessment text has at most
    ``TRACKER_SELF_ASSESSMENT_MAX_CHARS`` characters."""

    lead_weight: float = env_field("TRACKER_ASSESS_LEAD_WEIGHT", 1.0)
    cooperating_weight: float = env_field("TRACKER_ASSESS_COOPERATING_WEIGHT", 0.5)
    lag_points: float = env_field("TRACKER_ASSESS_LAG_POINTS", 1.0)
    grade_excellent: float = 90.0
    grade_good: float = 80.0
    grade_pass: float = 60.0
    self_assessment_max_chars: int = Field(100, ge=1)

    def grade_thresholds(self) -> dict[str, float]:
        """Grade → lowest percent of the maximum: 优秀, 良好, 合格."""
        return {"优秀": self.grade_excellent, "良好": self.grade_good, "合格": self.grade_pass}


class UploadLimits(SettingsGroup):
    """Stored files: ``TRACKER_UPLOAD_DIR`` (None: ``<instance>/uploads``, resolved by
    ``create_app``) and ``TRACKER_MAX_UPLOAD_MB``, the size of one evidence file in MiB."""

    upload_dir: Path | None = None
    max_upload_mb: int = Field(DEFAULT_MAX_UPLOAD_MB, gt=0)

    @property
    def max_bytes(self) -> int:
        """The size limit of one file in bytes."""
        return self.max_upload_mb * MIB

    @property
    def max_content_length(self) -> int:
        """Flask's ``MAX_CONTENT_LENGTH`` (the whole request, bytes): 1 MiB above the file
        limit, for the multipart framing and the form's other fields, so that a file just
        over the limit is refused by the evidence service with a message naming the file."""
        return (self.max_upload_mb + 1) * MIB

    @property
    def folder(self) -> Path:
        """The upload folder; raises RuntimeError before ``create_app`` resolved it."""
        if self.upload_dir is None:
            raise RuntimeError("TRACKER_UPLOAD_DIR is resolved by create_app")
        return self.upload_dir

    @property
    def notice_dir(self) -> Path:
        """Where supervision notices are kept: ``<upload dir>/notices``."""
        return self.folder / "notices"


class SchedulerSettings(SettingsGroup):
    """The scheduler process: the daily scan at ``TRACKER_SCAN_HOUR:TRACKER_SCAN_MINUTE``,
    reminders at ``TRACKER_REMIND_HOUR:TRACKER_REMIND_MINUTE``, the backup at
    ``TRACKER_BACKUP_HOUR:TRACKER_BACKUP_MINUTE`` (office time), missed runs
    coalesced within ``TRACKER_MISFIRE_GRACE_SECONDS``, the lock retried every
    ``TRACKER_SCHEDULER_LOCK_RETRY_SECONDS``; the scan shared by up to
    ``TRACKER_SCAN_WORKERS`` processes on PostgreSQL (one per core is the most that
    helps; SQLite always scans in one)."""

    scan_hour: int = Field(7, ge=0, le=23)
    scan_minute: int = Field(30, ge=0, le=59)
    remind_hour: int = Field(8, ge=0, le=23)
    remind_minute: int = Field(0, ge=0, le=59)
    backup_hour: int = Field(2, ge=0, le=23)
    backup_minute: int = Field(30, ge=0, le=59)
    misfire_grace_seconds: int = Field(6 * 3600, ge=1)
    lock_retry_seconds: float = Field(
        30, gt=0, validation_alias="TRACKER_SCHEDULER_LOCK_RETRY_SECONDS"
    )
    scan_workers: int = Field(2, ge=1, le=32)


class PasswordSettings(SettingsGroup):
    """``TRACKER_PASSWORD_HASH_METHOD``: werkzeug's hash method for new passwords."""

    hash_method: str = env_field("TRACKER_PASSWORD_HASH_METHOD", "scrypt")


class Settings(BaseModel):
    """Every setting of the tracker, by group; ``profile`` is "production" or "test"."""

    model_config = ConfigDict(frozen=True)

    GROUPS: ClassVar[dict[str, type[SettingsGroup]]] = {
        "web": WebSettings,
        "clock": ClockSettings,
        "lag": LagThresholds,
        "reporting": ReportingDefaults,
        "reminders": ReminderSettings,
        "channels": ChannelSettings,
        "assessment": AssessmentSettings,
        "uploads": UploadLimits,
        "scheduler": SchedulerSettings,
        "passwords": PasswordSettings,
        "imports": ImportLimits,
        "backups": BackupSettings,
        "accounts": AccountSettings,
        "report_form": ReportFormSettings,
    }

    profile: str
    web: WebSettings
    clock: ClockSettings
    lag: LagThresholds
    reporting: ReportingDefaults
    reminders: ReminderSettings
    channels: ChannelSettings
    assessment: AssessmentSettings
    uploads: UploadLimits
    scheduler: SchedulerSettings
    passwords: PasswordSettings
    imports: ImportLimits
    backups: BackupSettings
    accounts: AccountSettings
    report_form: ReportFormSettings

    def flask_config(self) -> dict[str, object]:
        """Flask's own keys (``app.config``); the secret and the database may be None
        (``create_app`` then uses the instance folder)."""
        return {
            "TESTING": self.profile == "test",
            "SECRET_KEY": self.web.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.web.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "WTF_CSRF_TIME_LIMIT": None,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.web.secure_cookies,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.web.secure_cookies,
            "REMEMBER_COOKIE_DURATION": self.accounts.remember_duration,
            "MAX_CONTENT_LENGTH": self.uploads.max_content_length,
        }

    def updated(self, group: str, **changes: Any) -> Settings:
        """A copy with ``changes`` (field → value) made to one group, validated again.

        Raises SettingsError for a value of the wrong shape or an unknown field.
        """
        current: SettingsGroup = getattr(self, group)
        unknown = sorted(set(changes) - set(type(current).model_fields))
        if unknown:
            raise SettingsError(f"unknown {group} settings: {', '.join(unknown)}")
        values = {**current.model_dump(), **changes}
        return self.model_copy(update={group: _build(type(current), values, by_field=True)})


def _test_profile() -> dict[str, object]:
    """What the test profile sets, whatever the environment says: a fixed secret and
    date, the test database, a cheap password hash, no real mail or robot."""
    return {
        "TRACKER_SECRET_KEY": "test-secret",
        "TRACKER_DATABASE_URL": os.environ.get("TRACKER_TEST_DATABASE_URL", "sqlite:///:memory:"),
        "TRACKER_TODAY": TEST_TODAY,
        "TRACKER_PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        "TRACKER_SMTP_HOST": None,
        "TRACKER_WEBHOOK_URL": None,
    }


def variables() -> set[str]:
    """Every ``TRACKER_*`` variable the settings read."""
    return {name for group in Settings.GROUPS.values() for name in group.variables()}


def load_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The settings from the environment overlaid with the ``TRACKER_*`` keys of
    ``overrides``; ``TRACKER_SETTINGS`` (override, else environment) "test" chooses the
    test profile, anything else production. Other keys of ``overrides`` are ignored here
    (Flask's own keys go to ``app.config``).

    Raises SettingsError naming each variable of the wrong shape, and each unknown
    ``TRACKER_*`` override.
    """
    given = {k: v for k, v in (overrides or {}).items() if k.startswith("TRACKER_")}
    profile = str(given.pop("TRACKER_SETTINGS", None) or os.environ.get("TRACKER_SETTINGS") or "")
    profile = "test" if profile == "test" else "production"
    unknown = sorted(set(given) - variables())
    if unknown:
        raise SettingsError(f"unknown settings: {', '.join(unknown)}")
    values = {**_test_profile(), **given} if profile == "test" else given
    groups: dict[str, SettingsGroup] = {}
    errors: list[str] = []
    for attr, group in Settings.GROUPS.items():
        try:
            groups[attr] = _build(group, values, by_field=False)
        except SettingsError as error:
            errors.append(str(error))
    if errors:
        raise SettingsError("; ".join(errors))
    return Settings.model_validate({"profile": profile, **groups})


def _build(
    group: type[SettingsGroup], values: Mapping[str, Any], *, by_field: bool
) -> SettingsGroup:
    """The group from the environment and ``values`` (keyed by variable, or by field when
    ``by_field``); raises SettingsError naming the variables of the wrong shape."""
    names = group.variables()
    if by_field:
        kwargs = {k: v for k, v in values.items() if k in names.values()}
    else:
        kwargs = {names[k]: v for k, v in values.items() if k in names}
    try:
        return group(**kwargs)
    except ValidationError as error:
        raise SettingsError(
            "; ".join(
                f"{group.variable_of(problem['loc'][0])} is not valid: {problem['msg']} "
                f"(got {problem.get('input')!r})"
                for problem in error.errors()
            )
        ) from None
