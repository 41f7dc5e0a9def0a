"""Supervision notices (督办单): numbering, idempotency, documents, deadlines across the
2020 National Day, signing and answering, the audit trail and `notice list --json`."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document
from flask import Flask
from flask.testing import FlaskCliRunner
from pypdf import PdfReader

from config.settings import load_settings
from tests.functional.helpers import LEAD_UNIT, UNRELATED_UNIT, Cixi, add_user, import_cixi
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEntry, Reminder, SupervisionNotice, Task, Unit, User
from tracker.services import calendar as calendar_service
from tracker.services import notice_numbers, notices
from tracker.services.errors import Conflict, ServiceError
from tracker.services.notice_numbers import NoticeOrder


@dataclass(frozen=True, slots=True)
class World:
    """The first Cixi task, its lead unit, an unrelated unit and a user of each."""

    task: Task
    unit: Unit
    other: Unit
    lead_user: User
    other_user: User
    storage: Path


def _unit(name: str) -> Unit:
    unit = db.session.scalar(sa.select(Unit).where(Unit.name == name))
    assert unit is not None
    return unit


def _user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    assert user is not None
    return user


@pytest.fixture(scope="module")
def cixi(app: Flask, shared_db: None) -> Cixi:
    """The Cixi plan, users "lead" and "other", the 2019–2021 calendar."""
    cixi = import_cixi(app, app.test_cli_runner())
    add_user(app, "lead", Role.UNIT, LEAD_UNIT)
    add_user(app, "other", Role.UNIT, UNRELATED_UNIT)
    with app.app_context():
        calendar_service.sync_from_library(range(2019, 2022))
        db.session.commit()
    return cixi


@pytest.fixture
def world(app: Flask, cixi: Cixi, tmp_path: Path) -> Iterator[World]:
    """The Cixi plan, users "lead" and "other", notices stored under ``tmp_path``."""
    with app.app_context():
        task = db.session.get(Task, cixi.task_id)
        assert task is not None
        yield World(
            task,
            _unit(LEAD_UNIT),
            _unit(UNRELATED_UNIT),
            _user("lead"),
            _user("other"),
            tmp_path / "uploads" / "notices",
        )
        db.session.remove()


def _issue(
    world: World,
    period: str | None,
    as_of: date,
    unit: Unit | None = None,
    deadline_workdays: int = 5,
) -> SupervisionNotice:
    return notices.issue_notice(
        world.task,
        unit or world.unit,
        period,
        f"{period}季度进展逾期未报",
        as_of,
        notice_dir=world.storage,
        deadline_workdays=deadline_workdays,
    )


def test_numbers_follow_a_yearly_sequence(world: World) -> None:
    """1, 2, 3 within 2020 (across units and periods); 2021 starts again at 1."""
    issued = [
        _issue(world, "2020Q1", date(2020, 5, 6)),
        _issue(world, "2020Q2", date(2020, 8, 3)),
        _issue(world, "2020Q2", date(2020, 8, 3), world.other),
        _issue(world, "2020Q4", date(2021, 1, 20)),
        _issue(world, "2021Q1", date(2021, 4, 20)),
    ]
    db.session.commit()
    assert [n.number for n in issued] == [
        "慈产改督〔2020〕1号",
        "慈产改督〔2020〕2号",
        "慈产改督〔2020〕3号",
        "慈产改督〔2021〕1号",
        "慈产改督〔2021〕2号",
    ]
    assert [(n.prefix, n.year, n.sequence) for n in issued[:2]] == [
        ("慈产改督", 2020, 1),
        ("慈产改督", 2020, 2),
    ]


def test_issue_is_idempotent_by_task_unit_and_period(world: World) -> None:
    """Issuing the same (task, unit, period) again returns the same notice, no new row,
    no new file and no new audit entry."""
    first = _issue(world, "2020Q3", date(2020, 10, 20))
    db.session.commit()
    again = _issue(world, "2020Q3", date(2020, 10, 23))
    db.session.commit()
    assert again.id == first.id and again.number == first.number
    assert first.key == f"notice:{world.task.id}:{world.unit.id}:2020Q3"
    assert db.session.scalar(sa.select(sa.func.count(SupervisionNotice.id))) == 1
    assert len(list(world.storage.iterdir())) == 1  # the .docx (the PDF is made on demand)


def test_a_taken_number_is_retried_with_the_next(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A concurrent issuer took the computed number: the SAVEPOINT is rolled back and the
    next number is used; the outer transaction survives."""
    first = _issue(world, "2020Q1", date(2020, 5, 6))
    calls = iter([0, 1])  # the first highest is stale, as if read before the other commit
    monkeypatch.setattr(
        notice_numbers, "_highest", lambda prefixes, year: {p: next(calls) for p in prefixes}
    )
    second = _issue(world, "2020Q2", date(2020, 8, 3))
    db.session.commit()
    assert (first.sequence, second.sequence) == (1, 2)
    assert second.number == "慈产改督〔2020〕2号"


def test_deadline_counts_working_days_across_national_day(world: World) -> None:
    """2020-09-29 + 5 working days: 9-30, 10-9, 10-10 (adjusted Saturday), 10-12, 10-13."""
    notice = _issue(world, "2020Q3", date(2020, 9, 29))
    assert notice.new_deadline == date(2020, 10, 13)


def test_deadline_workdays_come_from_the_setting(world: World) -> None:
    """TRACKER_NOTICE_DEADLINE_WORKDAYS=1: the next working day after 2020-09-30."""
    workdays = load_settings({"TRACKER_NOTICE_DEADLINE_WORKDAYS": 1}).reminders
    notice = _issue(
        world, "2020Q3", date(2020, 9, 30), deadline_workdays=workdays.notice_deadline_workdays
    )
    assert notice.new_deadline == date(2020, 10, 9)


def _flat(text: str) -> str:
    """Text without whitespace or NULs (pypdf pads CJK glyphs of a CID font)."""
    return re.sub(r"[\s\x00]+", "", text)


def test_documents_name_number_unit_task_and_deadline(world: World) -> None:
    """Both stored files, under generated names, carry the notice's texts."""
    notice = _issue(world, "2020Q3", date(2020, 9, 29))
    db.session.commit()
    assert re.fullmatch(r"[0-9a-f]{32}\.docx", notice.docx_name)
    assert notice.pdf_name == ""  # made when first needed
    notices.ensure_pdf(notice, world.storage)
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", notice.pdf_name)
    wanted = [
        "督办通知单",
        "慈产改督〔2020〕1号",
        LEAD_UNIT,
        world.task.text,
        "2020Q3季度进展逾期未报",
        "2020年10月13日",
        "签收人",
        "签收时间",
    ]
    docx = Document(io.BytesIO(notices.document_path(notice, "docx", world.storage).read_bytes()))
    docx_text = "\n".join(p.text for p in docx.paragraphs) + "\n".join(
        cell.text for table in docx.tables for row in table.rows for cell in row.cells
    )
    pdf_bytes = notices.ensure_pdf(notice, world.storage).read_bytes()
    assert pdf_bytes.startswith(b"%PDF")
    pdf_text = _flat(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)
    )
    for text in wanted:
        assert text in docx_text, text
        assert _flat(text) in pdf_text, text


def test_pdf_embeds_the_cjk_font(world: World) -> None:
    """The PDF carries Noto Sans CJK SC itself (no reliance on the reader's fonts)."""
    notice = _issue(world, None, date(2020, 11, 20))
    reader = PdfReader(notices.ensure_pdf(notice, world.storage))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert any("NotoSansCJK" in name for name in names), names


def test_acknowledge_and_answer(world: World) -> None:
    """未签收 → 已签收 → 已答复; signing again changes nothing; another unit is refused."""
    notice = _issue(world, "2020Q3", date(2020, 10, 20))
    assert notices.status_of(notice) == notices.UNSIGNED
    with pytest.raises(ServiceError):
        notices.acknowledge(notice, world.other_user)
    notices.acknowledge(notice, world.lead_user)
    signed_at = notice.acknowledged_at
    notices.acknowledge(notice, world.lead_user)
    db.session.commit()
    assert signed_at is not None and notice.acknowledged_at is not None
    assert notice.acknowledged_at.replace(tzinfo=None) == signed_at.replace(tzinfo=None)
    assert notice.acknowledged_by_id == world.lead_user.id
    assert notices.status_of(notice) == notices.SIGNED
    notices.answer(notice, world.lead_user, "  已于10月22日补报三季度进展。 ")
    db.session.commit()
    assert notice.answer == "已于10月22日补报三季度进展。"
    assert notices.status_of(notice) == notices.ANSWERED
    with pytest.raises(Conflict):
        notices.answer(notice, world.lead_user, "再答一次")


@pytest.mark.parametrize(("text", "message"), [("   ", "请填写"), ("字" * 2001, "2000")])
def test_answer_text_is_required_and_bounded(world: World, text: str, message: str) -> None:
    """Empty or over-long answers are refused on the field "answer"."""
    notice = _issue(world, "2020Q3", date(2020, 10, 20))
    with pytest.raises(ServiceError) as caught:
        notices.answer(notice, world.lead_user, text)
    assert caught.value.field == "answer" and message in caught.value.message
    assert notices.answer(notice, world.lead_user, "字" * 2000).answered_at is not None


def test_answering_signs_an_unsigned_notice(world: World) -> None:
    """An answer is proof of receipt: the notice is signed by the one who answers."""
    notice = _issue(world, "2020Q3", date(2020, 10, 20))
    notices.answer(notice, world.lead_user, "已整改")
    assert notice.acknowledged_by_id == world.lead_user.id


def test_every_step_is_audited_with_the_task(world: World) -> None:
    """issue, acknowledge, answer: three entries on the notice, with the task's id."""
    notice = _issue(world, "2020Q3", date(2020, 10, 20))
    notices.acknowledge(notice, world.lead_user)
    notices.answer(notice, world.lead_user, "已整改")
    db.session.commit()
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.entity == "supervision_notices", AuditEntry.entity_id == notice.id)
        .order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["issue", "acknowledge", "answer"]
    assert {e.task_id for e in entries} == {world.task.id}
    assert [e.user_id for e in entries] == [None, world.lead_user.id, world.lead_user.id]


def test_lists_of_a_unit_and_of_the_unsigned(world: World) -> None:
    """notices_of_unit keeps to the unit; unsigned_only drops signed notices."""
    mine = _issue(world, "2020Q3", date(2020, 10, 20))
    theirs = _issue(world, "2020Q3", date(2020, 10, 21), world.other)
    notices.acknowledge(mine, world.lead_user)
    db.session.commit()
    assert notices.notices_of_unit(world.unit.id) == [mine]
    assert notices.all_notices() == [theirs, mine]
    assert notices.all_notices(unsigned_only=True) == [theirs]


def test_cli_lists_notices_as_json(app: Flask, world: World, runner: FlaskCliRunner) -> None:
    """`notice list --json` and `--unsigned`: number, unit, task, status …"""
    notice = _issue(world, "2020Q3", date(2020, 9, 29))
    _issue(world, "2020Q3", date(2020, 10, 21), world.other)
    notices.acknowledge(notice, world.lead_user)
    db.session.commit()
    result = runner.invoke(args=["notice", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[1] == {
        "number": "慈产改督〔2020〕1号",
        "unit": LEAD_UNIT,
        "task": world.task.text,
        "task_id": world.task.id,
        "period": "2020Q3",
        "issued_on": "2020-09-29",
        "new_deadline": "2020-10-13",
        "status": "已签收",
    }
    unsigned = json.loads(runner.invoke(args=["notice", "list", "--json", "--unsigned"]).output)
    assert [(r["number"], r["unit"], r["status"]) for r in unsigned] == [
        ("慈产改督〔2020〕2号", UNRELATED_UNIT, "未签收")
    ]
    text = runner.invoke(args=["notice", "list"]).output
    assert "慈产改督〔2020〕1号" in text and "已签收" in text


# ---------------------------------------------------------------- a chunk of the pass (issue 14 §2)


def _orders(world: World) -> list[NoticeOrder]:
    task = world.task.id
    return [
        NoticeOrder(task, world.unit.id, "2020Q2", "2020年第二季度进度（截止2020年7月14日）"),
        NoticeOrder(task, world.other.id, None, "任务整体进度"),
        NoticeOrder(task, world.unit.id, "2020Q3", "2020年第三季度进度（截止2020年10月14日）"),
    ]


def _written() -> tuple[list[tuple[object, ...]], ...]:
    """The notices, their audit entries and every reminder stored, in id order, with the
    ids they name replaced (they differ between two runs on PostgreSQL)."""

    def plain(text: str) -> str:
        text = re.sub(r"notice\d+:a\d+", "notice#:a#", text)
        return re.sub(r'/notices/\d+|"id": \d+', "#", text)

    stored = db.session.scalars(sa.select(SupervisionNotice).order_by(SupervisionNotice.id))
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.entity == "supervision_notices")
        .order_by(AuditEntry.id)
    )
    words = db.session.scalars(sa.select(Reminder).order_by(Reminder.id))
    return (
        [(n.number, n.key, n.plan_id, n.period, n.overdue_text, n.new_deadline) for n in stored],
        [(e.action, e.task_id, e.user_id, e.summary, e.before, plain(e.after)) for e in entries],
        [
            (plain(w.key), w.recipient_id, w.kind, w.task_id, w.period, w.message, plain(w.link))
            for w in words
        ],
    )


def test_a_chunk_writes_what_notices_issued_one_by_one_write(world: World) -> None:
    """The reminder pass's chunk (a fixed number of statements) stores the same notices,
    numbered in the same order, the same audit entries and the same words to the unit
    head and the office as issuing them one at a time; an order repeated is issued once."""
    orders, as_of = _orders(world), date(2020, 10, 20)
    for order in orders:
        notices.issue_order(
            order, as_of, notice_dir=world.storage, deadline_workdays=5, documents=False
        )
    one_by_one = _written()
    db.session.rollback()
    deadline = calendar_service.load_calendar().add_workdays(as_of, 5)
    numbers = notice_numbers.issue_orders(orders + orders[:1], as_of, deadline)
    assert _written() == one_by_one
    assert len(one_by_one[0]) == 3 and one_by_one[2]
    assert list(numbers.values()) == [f"慈产改督〔2020〕{n}号" for n in (1, 2, 3)]
    db.session.rollback()


def test_a_chunk_whose_numbers_were_taken_is_numbered_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A concurrent issuer took the chunk's first number: its SAVEPOINT is rolled back and
    the chunk takes the next free numbers; a notice issued before is named, not issued."""
    first = _issue(world, "2020Q1", date(2020, 5, 6))
    stale = iter([{}, {"慈产改督": 1}])  # the first highest read before the other commit
    monkeypatch.setattr(notice_numbers, "_highest", lambda prefixes, year: next(stale))
    orders = [NoticeOrder(world.task.id, world.unit.id, "2020Q1", "x"), *_orders(world)[:2]]
    numbers = notice_numbers.issue_orders(orders, date(2020, 10, 20), date(2020, 10, 27))
    db.session.commit()
    assert first.number == "慈产改督〔2020〕1号"
    assert list(numbers.values()) == [f"慈产改督〔2020〕{n}号" for n in (1, 2, 3)]
    assert db.session.scalar(sa.select(sa.func.count(SupervisionNotice.id))) == 3
