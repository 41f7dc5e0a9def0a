"""The reminder pass over the Cixi plan (issue 4 §2, §5 `remind run`): reminders stored once
per thing, step and recipient, one digest per recipient per day, nothing when nothing is
due, reruns that send nothing, and the next steps on later days.

2020Q3 is due 2020-10-14: before5 on 2020-09-30, before1 on 2020-10-13, overdue on
2020-10-15, a supervision notice on 2020-10-19, the leader on 2020-10-28.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.functional.helpers import LEAD_UNIT, Cixi, add_user, import_cixi
from tracker import settings as app_settings
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.jobs.remind import daily_reminders
from tracker.models import Delivery, Digest, Reminder, SupervisionNotice, Task, Unit, User
from tracker.services import calendar as calendar_service
from tracker.services.reminders import run_reminders
from tracker.services.reports import ReportInput, submit_report


@pytest.fixture
def cixi(app: Flask, runner: FlaskCliRunner) -> Cixi:
    """The Cixi plan, the 2019–2021 calendar, an office user, a reporter of 市委组织部
    ("zzb") and a leader."""
    imported = import_cixi(app, runner)
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020, 2021])
        db.session.commit()
    add_user(app, "office1", Role.OFFICE)
    add_user(app, "zzb", Role.UNIT, LEAD_UNIT)
    add_user(app, "leader1", Role.LEADER)
    return imported


def remind(runner: FlaskCliRunner, day: str) -> dict[str, Any]:
    result = runner.invoke(args=["remind", "run", "--as-of", day, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def user_id(username: str) -> int:
    found = db.session.scalar(sa.select(User.id).where(User.username == username))
    assert found is not None
    return found


def digests_of(username: str) -> list[Digest]:
    query = sa.select(Digest).where(Digest.recipient_id == user_id(username)).order_by(Digest.day)
    return list(db.session.scalars(query))


def reminders_of(username: str) -> list[Reminder]:
    query = sa.select(Reminder).where(Reminder.recipient_id == user_id(username))
    return list(db.session.scalars(query.order_by(Reminder.id)))


def test_overdue_day_reminds_unit_and_office_in_one_digest_each(
    app: Flask, runner: FlaskCliRunner, cixi: Cixi
) -> None:
    data = remind(runner, "2020-10-15")
    assert set(data) == {"as_of", "reminders", "sent", "skipped_duplicates"}
    assert data["as_of"] == "2020-10-15"
    entries = data["reminders"]
    assert entries and all(set(e) == {"recipient", "channel", "kind", "task_id"} for e in entries)
    # the first pass also catches up 2020Q2, overdue since July (issue 12 §3): a notice to
    # the unit and word to the office and the leader in charge
    assert {e["recipient"] for e in entries} == {"zzb", "office1", "leader1"}
    # and tells 市委组织部 of its 2019 milestones missed
    assert {e["kind"] for e in entries} == {
        "overdue", "milestone_missed", "notice", "handoff_notice_issued", "leader",
    }  # fmt: skip
    assert {"recipient": "zzb", "channel": "inbox", "kind": "overdue", "task_id": cixi.task_id} in (
        entries
    )
    with app.app_context():
        zzb = reminders_of("zzb")
        assert f"overdue:report:task{cixi.task_id}:2020Q3:user{user_id('zzb')}" in {
            r.key for r in zzb
        }
        (digest,) = digests_of("zzb")
        assert digest.day == date(2020, 10, 15)
        assert digest.subject == f"【改革任务台账】2020年10月15日提醒（{len(zzb)}项）"
        assert f"/tasks/{cixi.task_id}" in digest.body
        assert "2020年第三季度" in digest.body and "截止2020年10月14日" in digest.body
        assert {r.digest_id for r in zzb} == {digest.id}
        assert len(digests_of("office1")) == 1
        assert [r.kind for r in reminders_of("leader1")] == ["leader"] * len(
            reminders_of("leader1")
        )  # the leader hears only of what is overdue by 10 working days
        deliveries = list(db.session.scalars(sa.select(Delivery)))
        assert {(d.channel, d.status) for d in deliveries} >= {("inbox", "sent")}
        assert data["sent"] == sum(d.status == "sent" for d in deliveries) == 3


def test_rerun_for_the_same_date_sends_nothing(
    app: Flask, runner: FlaskCliRunner, cixi: Cixi
) -> None:
    first = remind(runner, "2020-10-15")
    again = remind(runner, "2020-10-15")
    assert again["reminders"] == [] and again["sent"] == 0
    assert 0 < again["skipped_duplicates"] <= len(first["reminders"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Digest.id))) == 3


def test_no_digest_when_nothing_is_due(app: Flask, runner: FlaskCliRunner, cixi: Cixi) -> None:
    for holiday in ("2020-10-01", "2020-10-11"):  # National Day; a Sunday
        assert remind(runner, holiday) == {
            "as_of": holiday,
            "reminders": [],
            "sent": 0,
            "skipped_duplicates": 0,
        }
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Reminder.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Digest.id))) == 0


def test_before_due_days_skip_submitted_reports(
    app: Flask, runner: FlaskCliRunner, cixi: Cixi
) -> None:
    first = remind(runner, "2020-09-30")
    zzb = [e for e in first["reminders"] if e["recipient"] == "zzb" and e["kind"] == "before_due"]
    assert {
        "recipient": "zzb",
        "channel": "inbox",
        "kind": "before_due",
        "task_id": cixi.task_id,
    } in zzb
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == LEAD_UNIT))
        author = db.session.get(User, user_id("zzb"))
        assert task is not None and unit is not None and author is not None
        submit_report(task, unit, author, ReportInput("2020Q3", 30.0, "进展"), date(2020, 10, 12))
        db.session.commit()
    # Oct 9: before5 already sent on Sep 30 — nothing new, no digest
    assert remind(runner, "2020-10-09")["reminders"] == []
    second = remind(runner, "2020-10-13")
    steps = {(e["kind"], e["task_id"]) for e in second["reminders"] if e["recipient"] == "zzb"}
    assert steps and ("before_due", cixi.task_id) not in steps
    with app.app_context():
        keys = {r.key for r in reminders_of("zzb")}
        assert f"before1:report:task{cixi.task_id}:2020Q3:user{user_id('zzb')}" not in keys
        assert [d.day for d in digests_of("zzb")] == [date(2020, 9, 30), date(2020, 10, 13)]


def test_a_second_pass_the_same_day_defers_new_reminders_to_the_next_digest(
    app: Flask, runner: FlaskCliRunner, cixi: Cixi
) -> None:
    """zzb already has today's digest: a reminder found by a later pass the same day waits
    for the next day's digest, so no one gets two messages a day."""
    with app.app_context():
        run_reminders(date(2020, 9, 30), app_settings.current())
        db.session.commit()
        lost = reminders_of("zzb")[0]
        key = lost.key
        db.session.delete(lost)  # as if the first pass had not found it
        db.session.commit()
        rerun = run_reminders(date(2020, 9, 30), app_settings.current())
        db.session.commit()
        assert [r.key for r in rerun.reminders] == [key] and rerun.digests == []
        waiting = db.session.scalars(sa.select(Reminder).where(Reminder.key == key)).one()
        assert waiting.digest_id is None
        nextday = run_reminders(date(2020, 10, 9), app_settings.current())
        db.session.commit()
        assert [d.recipient.username for d in nextday.digests] == ["zzb"]
        assert waiting.digest_id == nextday.digests[0].id
        assert nextday.digests[0].subject == "【改革任务台账】2020年10月9日提醒（1项）"
        assert len(digests_of("zzb")) == 2


def test_escalation_notice_to_the_head_then_the_leader_in_charge(
    app: Flask, runner: FlaskCliRunner, cixi: Cixi
) -> None:
    add_user(app, "zzb_head", Role.UNIT, LEAD_UNIT)
    add_user(app, "leader2", Role.LEADER)
    with app.app_context():
        head = db.session.get(User, user_id("zzb_head"))
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == LEAD_UNIT))
        assert head is not None and unit is not None
        head.is_unit_head = True
        unit.leader_id = user_id("leader2")
        lead_id = unit.id
        db.session.commit()
    remind(runner, "2020-10-15")
    notice_day = remind(runner, "2020-10-19")
    kinds = {(e["recipient"], e["kind"]) for e in notice_day["reminders"]}
    assert ("zzb_head", "notice") in kinds and ("zzb", "notice") not in kinds
    with app.app_context():
        notice = db.session.scalars(
            sa.select(SupervisionNotice).where(
                SupervisionNotice.task_id == cixi.task_id,
                SupervisionNotice.unit_id == lead_id,
                SupervisionNotice.period == "2020Q3",
            )
        ).one()
        (reminder,) = [
            r
            for r in reminders_of("zzb_head")
            if r.key.startswith(f"notice:report:task{cixi.task_id}:2020Q3:")
        ]
        assert notice.number in reminder.message
    assert remind(runner, "2020-10-19")["reminders"] == []
    leader_day = remind(runner, "2020-10-28")
    leaders = {
        (e["recipient"], e["task_id"]) for e in leader_day["reminders"] if e["kind"] == "leader"
    }
    assert ("leader2", cixi.task_id) in leaders
    assert ("leader1", cixi.task_id) not in leaders  # 市委组织部 has its leader in charge


@pytest.mark.commits  # the job builds an app (and engine) of its own
def test_daily_job_runs_the_pass_on_the_configured_database_once_a_day(
    app: Flask, runner: FlaskCliRunner, cixi: Cixi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job builds its own app from the environment; a second run adds nothing."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("TRACKER_TODAY", "2020-10-15")
    daily_reminders()
    with app.app_context():
        stored = db.session.scalar(sa.select(sa.func.count(Reminder.id)))
        digests = db.session.scalar(sa.select(sa.func.count(Digest.id)))
    daily_reminders()
    with app.app_context():
        assert stored and db.session.scalar(sa.select(sa.func.count(Reminder.id))) == stored
        assert db.session.scalar(sa.select(sa.func.count(Digest.id))) == digests == 3
