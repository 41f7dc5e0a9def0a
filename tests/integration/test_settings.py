"""The typed settings: built once by ``create_app`` from ``TRACKER_*`` variables and the
overrides it is given; a malformed value stops start-up naming the variable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config.settings import TEST_HASH_METHOD, SettingsError, load_settings, variables
from tracker import create_app, settings

TEST_APP = {"TRACKER_SETTINGS": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No TRACKER_* variable of the shell running the tests reaches these ones."""
    for name in (*variables(), "TRACKER_SETTINGS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TRACKER_SCAN_HOUR", "half past seven"),
        ("TRACKER_SCAN_HOUR", "25"),
        ("TRACKER_MAX_UPLOAD_MB", "0"),
        ("TRACKER_TODAY", "2020-13-01"),
        ("TRACKER_TIMEZONE", "Mars/Olympus"),
        ("TRACKER_WEBHOOK_KIND", "slack"),
        ("TRACKER_ASSESS_LEAD_WEIGHT", "heavy"),
        ("TRACKER_SECURE_COOKIES", "maybe"),
    ],
)
def test_a_malformed_variable_stops_start_up_naming_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    """The environment is read once, at start-up: a bad value is an error there."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_every_bad_variable_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_SCAN_MINUTE", "x")
    monkeypatch.setenv("TRACKER_GRADE_PASS", "y")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert "TRACKER_SCAN_MINUTE" in str(refused.value)
    assert "TRACKER_GRADE_PASS" in str(refused.value)


def test_overrides_are_checked_like_the_environment() -> None:
    """create_app's overrides are validated, and an unknown TRACKER_* key is refused."""
    with pytest.raises(SettingsError, match="TRACKER_MAX_UPLOAD_MB"):
        create_app({**TEST_APP, "TRACKER_MAX_UPLOAD_MB": "many"})
    with pytest.raises(SettingsError, match="TRACKER_SCAN_HOURS"):
        create_app({**TEST_APP, "TRACKER_SCAN_HOURS": 7})


def test_empty_variables_mean_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_SCAN_HOUR", "")
    monkeypatch.setenv("TRACKER_DUE_SOON_WORKDAYS", "3")
    loaded = load_settings()
    assert loaded.scheduler.scan_hour == 7
    assert loaded.lag.due_soon_workdays == 3


def test_the_test_profile_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test profile fixes the date and a cheap hash and turns mail and robots off,
    whatever the environment says; create_app's overrides win over both."""
    monkeypatch.setenv("TRACKER_TODAY", "2021-03-01")
    monkeypatch.setenv("TRACKER_SMTP_HOST", "mail.example.org")
    loaded = load_settings({"TRACKER_SETTINGS": "test"})
    assert loaded.clock.today == date(2020, 11, 20)
    assert loaded.passwords.hash_method == TEST_HASH_METHOD
    assert loaded.channels.smtp_host is None
    assert load_settings({"TRACKER_SETTINGS": "test", "TRACKER_TODAY": None}).clock.today is None
    production = load_settings()
    assert production.clock.today == date(2021, 3, 1)
    assert production.channels.smtp_host == "mail.example.org"
    assert production.passwords.hash_method == "scrypt"


def test_the_app_keeps_one_typed_object_and_flask_gets_its_own_keys(tmp_path: Path) -> None:
    app = create_app(
        {**TEST_APP, "TRACKER_MAX_UPLOAD_MB": 3, "TRACKER_UPLOAD_DIR": str(tmp_path / "files")}
    )
    with app.app_context():
        current = settings.current()
    assert current is settings.of(app)
    assert current.uploads.folder == (tmp_path / "files").resolve()
    assert current.uploads.notice_dir == current.uploads.folder / "notices"
    assert app.config["MAX_CONTENT_LENGTH"] == 4 * 1024 * 1024
    assert app.config["TESTING"] is True
    assert app.config["SECRET_KEY"] == "test-secret"
    assert not [key for key in app.config if key.startswith("TRACKER_")]


def test_a_changed_group_is_validated_again() -> None:
    loaded = load_settings({"TRACKER_SETTINGS": "test"})
    assert loaded.updated("lag", due_soon_workdays=2).lag.due_soon_workdays == 2
    assert loaded.lag.due_soon_workdays == 5
    with pytest.raises(SettingsError, match="TRACKER_DUE_SOON_WORKDAYS"):
        loaded.updated("lag", due_soon_workdays=-1)
    with pytest.raises(SettingsError, match="due_soon_days"):
        loaded.updated("lag", due_soon_days=2)
