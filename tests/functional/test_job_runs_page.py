"""The admins' page of scheduled jobs and their recorded runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Flask

from tests.functional.helpers import add_user, login
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import JobRun


def test_admin_sees_the_job_table_and_runs_in_local_time(app: Flask) -> None:
    add_user(app, "admin", Role.ADMIN)
    with app.app_context():
        db.session.add_all(
            [
                JobRun(
                    job_id="daily_scan",
                    started_at=datetime(2020, 11, 19, 23, 30, tzinfo=UTC),
                    finished_at=datetime(2020, 11, 19, 23, 30, 2, tzinfo=UTC),
                    outcome="ok",
                    counts=json.dumps({"tasks": 57, "alerts_created": 3}),
                ),
                JobRun(
                    job_id="daily_reminders",
                    started_at=datetime(2020, 11, 20, 0, 0, tzinfo=UTC),
                    finished_at=datetime(2020, 11, 20, 0, 0, 1, tzinfo=UTC),
                    outcome="error",
                    error="RuntimeError: SMTP 服务器拒绝连接",
                ),
            ]
        )
        db.session.commit()
    client = app.test_client()
    login(client, "admin")

    page = client.get("/admin/jobs").text

    for job in ("daily_scan", "daily_reminders", "deliver_pending"):
        assert job in page
    assert "每天 07:30" in page and "每 10 分钟" in page
    assert "2020-11-20 07:30" in page  # 23:30 UTC is 07:30 in Asia/Shanghai
    assert "RuntimeError: SMTP 服务器拒绝连接" in page
    assert "57" in page


def test_the_jobs_page_speaks_in_words(app: Flask) -> None:
    """Issue 12 §7: job names and counts in words; the office sees no function names."""
    add_user(app, "office", Role.OFFICE)
    with app.app_context():
        db.session.add(
            JobRun(
                job_id="deliver_pending",
                started_at=datetime(2020, 11, 20, 0, 0, tzinfo=UTC),
                finished_at=datetime(2020, 11, 20, 0, 0, 1, tzinfo=UTC),
                outcome="ok",
                counts=json.dumps({"sent": 3, "failed": 0}),
            )
        )
        db.session.commit()
    client = app.test_client()
    login(client, "office")

    page = client.get("/admin/jobs").text

    assert "每日滞后扫描" in page and "催办提醒" in page and "发送待发提醒" in page
    assert "发送 3 条，失败 0 条" in page
    assert "tracker.jobs.scan:daily_scan" not in page
    assert "sent=" not in page and "failed=" not in page
