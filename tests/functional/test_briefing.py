"""The briefing (专报, issue 13 §4): Word and PDF read back (masthead, number, league
table, lagging tasks with reasons, charts), within 5 s of CPU for the 57-task plan;
issued on the schedule into the office's notifications, numbered per plan and year."""

from __future__ import annotations

import io
import re
import time

import pytest
import sqlalchemy as sa
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.functional.helpers import login
from tracker import settings as app_settings
from tracker.clock import today
from tracker.extensions import db
from tracker.models import Briefing, Digest, User
from tracker.services import briefing_schedule, chart_cache, dashboard
from tracker.services.demo import DEMO_PASSWORD, load_demo


@pytest.fixture(scope="module")
def demo(app: Flask, shared_db: None) -> int:
    """The demo; the plan id."""
    with app.app_context():
        result = load_demo(today(), app_settings.current())
        db.session.commit()
        return result.plan_id


@pytest.fixture
def leader(client: FlaskClient, demo: int) -> FlaskClient:
    """The demo's leader, logged in."""
    login(client, "leader", DEMO_PASSWORD)
    return client


def _board(app: Flask, plan_id: int) -> dashboard.Dashboard:
    with app.app_context():
        return dashboard.build_dashboard(plan_id, today())


def test_the_word_briefing(app: Flask, leader: FlaskClient, demo: int) -> None:
    """Masthead, number (样稿 before one is issued), the league table's units in order,
    every lagging task with 原因, and the charts as pictures."""
    start = time.process_time()
    answer = leader.get(f"/plans/{demo}/briefing.docx")
    spent = time.process_time() - start
    assert answer.status_code == 200
    document = Document(io.BytesIO(answer.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("产改工作专报\n2020年第1期（样稿）")
    assert "一、总体情况" in text and "截至2020年11月20日" in text
    board = _board(app, demo)
    table = document.tables[0]
    assert [row.cells[2].text for row in table.rows[1:]] == [u.name for u in board.units]
    assert table.rows[0].cells[0].text == "名次"
    for item in board.lagging:
        assert item.text in text
    assert text.count("原因：") == len(board.lagging)
    assert len(document.inline_shapes) >= 2
    assert spent < 5, f"{spent:.1f} s of CPU"


def test_the_pdf_briefing(app: Flask, leader: FlaskClient, demo: int) -> None:
    """The same content as PDF text, with the font embedded and pictures on the pages."""
    start = time.process_time()
    answer = leader.get(f"/plans/{demo}/briefing.pdf")
    spent = time.process_time() - start
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.data))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = re.sub(r"[\s\x00]+", "", text)  # pypdf pads the CJK glyphs of a CID font
    assert "产改工作专报" in compact and "二、责任单位推进情况排名" in compact
    board = _board(app, demo)
    for row in board.units[:5]:
        assert row.name in compact
    for item in board.lagging[:3]:
        assert re.sub(r"\s+", "", item.text)[:12] in compact
    assert sum(len(page.images) for page in reader.pages) >= 1
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert any("NotoSansCJK" in name for name in names), names
    assert spent < 5, f"{spent:.1f} s of CPU"


def test_charts_are_drawn_once_per_task_and_day(leader: FlaskClient, demo: int) -> None:
    """A second briefing and the task page's chart reuse the cached charts."""
    chart_cache.clear()
    leader.get(f"/plans/{demo}/briefing.docx")
    first = chart_cache.cache_stats()
    leader.get(f"/plans/{demo}/briefing.pdf")
    second = chart_cache.cache_stats()
    assert first["misses"] == second["misses"] >= 1
    assert second["hits"] >= first["hits"] + 1


def test_units_may_not_download_briefings(app: Flask, client: FlaskClient, demo: int) -> None:
    """A unit user gets 403; an unknown plan 404."""
    with app.app_context():
        name = db.session.scalars(sa.select(User.username).where(User.role == "unit")).first()
    assert name is not None
    login(client, name, DEMO_PASSWORD)
    assert client.get(f"/plans/{demo}/briefing.docx").status_code == 403
    office = FlaskClient(app, app.response_class, use_cookies=True)
    login(office, "office", DEMO_PASSWORD)
    assert office.get("/plans/987654/briefing.pdf").status_code == 404


def test_the_schedule_issues_numbered_briefings_to_the_office(
    app: Flask, client: FlaskClient, demo: int
) -> None:
    """Quarterly by default: due once in the quarter, numbered 2020年第1期, in every
    office account's notifications; a second pass issues nothing; monthly makes the next
    month's due; off stops it."""
    with app.app_context():
        settings = app_settings.current()
        sent = briefing_schedule.send_due_briefings(today(), settings.channels)
        assert [(s.plan_id, s.label) for s in sent] == [(demo, "2020年第1期")]
        assert briefing_schedule.send_due_briefings(today(), settings.channels) == []
        office = db.session.scalars(sa.select(User).where(User.username == "office")).one()
        digest = db.session.scalars(
            sa.select(Digest).where(Digest.recipient_id == office.id, Digest.day == today())
        ).one()
        assert "2020年第1期" in digest.body and f"/plans/{demo}/briefing.pdf" in digest.body
        briefing_schedule.set_cadence(demo, "monthly")
        december = today().replace(month=12, day=1)
        assert [p.id for p in briefing_schedule.due_plans(december)] == [demo]
        briefing_schedule.set_cadence(demo, "off")
        assert briefing_schedule.due_plans(december) == []
        numbers = list(db.session.scalars(sa.select(Briefing.sequence)))
        db.session.commit()
    assert numbers == [1]
    login(client, "leader", DEMO_PASSWORD)
    document = Document(io.BytesIO(client.get(f"/plans/{demo}/briefing.docx").data))
    assert document.paragraphs[1].text == "2020年第1期"


def test_the_cli_sets_the_schedule_and_issues(app: Flask, demo: int) -> None:
    """``dashboard briefing --plan ID --schedule monthly --issue``."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["dashboard", "briefing", "--plan", str(demo), "--schedule", "monthly", "--issue"]
    )
    assert result.exit_code == 0, result.output
    assert "已印发专报 2020年第" in result.output and "专报周期：每月" in result.output
    missing = runner.invoke(args=["dashboard", "briefing", "--plan", "987654"])
    assert missing.exit_code == 1 and "没有编号为 987654 的方案" in missing.output


def test_the_job_issues_the_due_briefing_once(
    app: Flask, demo: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduler's ``briefings`` job on the configured database: one briefing, then
    none on a rerun the same day."""
    from tracker.jobs import JOBS
    from tracker.jobs.briefing import briefings

    assert any(job.id == "briefings" for job in JOBS)
    monkeypatch.setenv("TRACKER_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("TRACKER_TODAY", "2020-11-20")
    first = briefings()
    assert first["briefings"] == 1 and first["recipients"] >= 1
    assert briefings()["briefings"] == 0
