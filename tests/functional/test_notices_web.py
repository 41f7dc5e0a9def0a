"""Supervision notices on the web: the unit signs and answers through the pages, another
unit is refused, the office watches 未签收 turn into 已签收, downloads are typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from config.settings import Settings
from tests.functional.helpers import (
    LEAD_UNIT,
    UNRELATED_UNIT,
    add_user,
    form_fields,
    import_cixi,
    location,
    login,
    token,
)
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Task, Unit
from tracker.services import notices


@pytest.fixture
def notice_id(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, set_settings: Callable[..., Settings]
) -> int:
    """One notice to 市委组织部 about the first Cixi task; users office, lead, other."""
    current = set_settings("uploads", upload_dir=tmp_path / "uploads")
    cixi = import_cixi(app, runner)
    add_user(app, "office", Role.OFFICE)
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    add_user(app, "other", Role.UNIT, UNRELATED_UNIT)
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == LEAD_UNIT))
        assert task is not None and unit is not None
        notice = notices.issue_notice(
            task,
            unit,
            "2020Q3",
            "三季度进展逾期未报",
            date(2020, 11, 2),
            notice_dir=current.uploads.notice_dir,
            deadline_workdays=current.reminders.notice_deadline_workdays,
        )
        db.session.commit()
        return notice.id


def _status_on_list(client: FlaskClient, query: str = "") -> str:
    page = client.get(f"/notices{query}")
    assert page.status_code == 200
    return page.text


def test_unit_signs_and_answers_office_sees_it(app: Flask, notice_id: int) -> None:
    """office: 未签收 (also under the filter); lead signs, answers; office: 已签收/已答复."""
    office = app.test_client()
    login(office, "office")
    assert "未签收" in _status_on_list(office)
    assert "慈产改督〔2020〕1号" in _status_on_list(office, "?unsigned=1")

    client = app.test_client()
    login(client, "lead")
    listing = _status_on_list(client)
    assert "慈产改督〔2020〕1号" in listing
    page = client.get(f"/notices/{notice_id}")
    assert page.status_code == 200 and "签收" in page.text
    signed = client.post(f"/notices/{notice_id}/acknowledge", data=form_fields(page.text))
    assert location(signed) == f"/notices/{notice_id}"
    page = client.get(f"/notices/{notice_id}")
    assert "已签收" in page.text
    fields = form_fields(page.text) | {"answer": "已于11月3日补报三季度进展。"}
    answered = client.post(f"/notices/{notice_id}/answer", data=fields)
    assert location(answered) == f"/notices/{notice_id}"
    page = client.get(f"/notices/{notice_id}")
    assert "已答复" in page.text and "已于11月3日补报三季度进展。" in page.text
    client.post("/logout", data={"csrf_token": fields["csrf_token"]})

    login(client, "office")
    assert "已答复" in _status_on_list(client)
    assert "慈产改督〔2020〕1号" not in _status_on_list(client, "?unsigned=1")
    office_page = client.get(f"/notices/{notice_id}")
    assert "已答复" in office_page.text and "提交答复" not in office_page.text


def test_empty_answer_is_refused_with_a_message(client: FlaskClient, notice_id: int) -> None:
    """No answer text: back to the page with a Chinese message, nothing stored."""
    login(client, "lead")
    page = client.get(f"/notices/{notice_id}")
    fields = form_fields(page.text)  # the first form is 签收; its token serves both
    response = client.post(
        f"/notices/{notice_id}/answer",
        data={"csrf_token": fields["csrf_token"], "answer": "  "},
        follow_redirects=True,
    )
    assert "请填写答复内容" in response.text and "未签收" in response.text


def test_another_unit_is_refused(client: FlaskClient, notice_id: int) -> None:
    """市司法局 sees none of 市委组织部's notices and gets 403 on each route."""
    login(client, "other")
    assert "慈产改督〔2020〕1号" not in _status_on_list(client)
    for path in ("", "/document.docx", "/document.pdf"):
        assert client.get(f"/notices/{notice_id}{path}").status_code == 403
    csrf = token(client)
    for action in ("acknowledge", "answer"):
        response = client.post(
            f"/notices/{notice_id}/{action}", data={"csrf_token": csrf, "answer": "x"}
        )
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("suffix", "content_type", "magic"),
    [
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK",
        ),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_downloads_have_their_content_types(
    app: Flask, notice_id: int, suffix: str, content_type: str, magic: bytes
) -> None:
    """The unit and the office download both files as attachments."""
    for user in ("lead", "office"):
        client = app.test_client()
        login(client, user)
        response = client.get(f"/notices/{notice_id}/document.{suffix}")
        assert response.status_code == 200
        assert response.mimetype == content_type
        assert response.data.startswith(magic)
        assert "attachment" in response.headers["Content-Disposition"]
