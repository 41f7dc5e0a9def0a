"""Leaders' instructions (批示): writing, listing, the rule that the next report answers
them, recording the answers, and their audit entries (issue 3 §7)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from config.settings import TEST_HASH_METHOD
from tests.paths import SEEDS
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEntry, Instruction, ProgressReport, ReportStatus, Task, User
from tracker.services import audit
from tracker.services import instructions as service
from tracker.services.errors import ServiceError
from tracker.services.users import create_user

PASSWORD = "secret-pass-1"
ANSWERED_AT = datetime(2020, 10, 12, 2, 30, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class World:
    """The first Cixi task, a second task, a leader and a user of the task's lead unit."""

    task: Task
    other_task: Task
    leader: User
    reporter: User


@pytest.fixture(scope="module")
def task_ids(app: Flask, shared_db: None) -> list[int]:
    """The Cixi plan and the people of :class:`World`; the ids of the first two tasks."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["plan", "import", str(SEEDS / "cixi-key-tasks.docx"), "--period", "2019-2025"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        tasks = list(db.session.scalars(sa.select(Task).order_by(Task.id).limit(2)))
        create_user(
            "leader", PASSWORD, Role.LEADER, display_name="张副市长", hash_method=TEST_HASH_METHOD
        )
        create_user(
            "lead", PASSWORD, Role.UNIT, unit=tasks[0].lead_units[0], hash_method=TEST_HASH_METHOD
        )
        db.session.commit()
        return [task.id for task in tasks]


@pytest.fixture
def world(task_ids: list[int], app_ctx: Flask) -> World:
    """The :class:`World` of :func:`task_ids`, in the test's session."""
    task, other_task = (db.session.get(Task, task_id) for task_id in task_ids)
    assert task is not None and other_task is not None
    leader, reporter = (
        db.session.scalars(sa.select(User).where(User.username == name)).one()
        for name in ("leader", "lead")
    )
    return World(task, other_task, leader, reporter)


def add_report(task: Task, period: str, end: date, status: ReportStatus) -> ProgressReport:
    """A report of the task's lead unit, stored directly."""
    report = ProgressReport(
        task=task,
        unit=task.lead_units[0],
        period=period,
        period_end=end,
        status=status,
        value=30.0,
        progress="按计划推进",
    )
    db.session.add(report)
    db.session.flush()
    return report


def entries(action: str) -> list[AuditEntry]:
    """Audit entries about instructions with ``action``, oldest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.entity == "instructions", AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
    )


def test_write_and_list_instructions(world: World) -> None:
    """Instructions are listed newest first; open ones oldest first; each has an entry."""
    report = add_report(world.task, "2020Q3", date(2020, 9, 30), ReportStatus.SUBMITTED)
    first = service.write_instruction(world.task, world.leader, "  请加快推进，年底前全覆盖。 ")
    second = service.write_instruction(world.task, world.leader, "三季度数据请核实", report)
    service.write_instruction(world.other_task, world.leader, "另一任务的批示")
    db.session.commit()

    assert first.text == "请加快推进，年底前全覆盖。"
    assert (first.report_id, second.report_id) == (None, report.id)
    assert [i.id for i in service.instructions_of_task(world.task.id)] == [second.id, first.id]
    assert [i.id for i in service.open_instructions(world.task.id)] == [first.id, second.id]
    created = entries("create")
    assert [(e.entity_id, e.task_id, e.user_id) for e in created[:2]] == [
        (first.id, world.task.id, world.leader.id),
        (second.id, world.task.id, world.leader.id),
    ]
    assert json.loads(created[1].after)["report_id"] == report.id
    assert "三季度数据请核实" in created[1].summary
    assert created[0] in audit.history_of_task(world.task.id)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "请填写批示内容"), ("  \n ", "请填写批示内容"), ("批" * 1001, "批示内容不能超过1000字")],
)
def test_write_refuses_empty_or_long_text(world: World, text: str, message: str) -> None:
    """The refusal is Chinese, names the field "text", and stores nothing."""
    with pytest.raises(ServiceError) as caught:
        service.write_instruction(world.task, world.leader, text)
    assert (caught.value.message, caught.value.field) == (message, "text")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 0
    assert entries("create") == []


def test_write_accepts_exactly_the_limit(world: World) -> None:
    """1000 characters are allowed."""
    instruction = service.write_instruction(world.task, world.leader, "批" * 1000)
    assert len(instruction.text) == 1000


def test_write_refuses_a_report_of_another_task(world: World) -> None:
    """An instruction on a report must be on a report of the same task."""
    foreign = add_report(world.other_task, "2020Q3", date(2020, 9, 30), ReportStatus.SUBMITTED)
    with pytest.raises(ServiceError) as caught:
        service.write_instruction(world.task, world.leader, "请核实", foreign)
    assert caught.value.field == "report_id"
    with pytest.raises(ServiceError):
        service.report_of_task(world.task, foreign.id)
    assert service.report_of_task(world.other_task, foreign.id) is foreign


def test_require_answers_refuses_a_report_without_answers(world: World) -> None:
    """Every open instruction needs a non-blank answer; the message names it."""
    first = service.write_instruction(world.task, world.leader, "请加快推进，年底前全覆盖。")
    second = service.write_instruction(world.task, world.leader, "请报送典型案例")
    db.session.commit()

    with pytest.raises(ServiceError) as caught:
        service.require_answers(world.task, {})
    assert caught.value.message == "请答复领导批示：「请加快推进，年底前全覆盖。」"
    assert caught.value.field == "instructions"
    assert service.missing_answers(world.task, {first.id: "已落实", second.id: "  "}) == [second]
    with pytest.raises(ServiceError, match="请答复领导批示：「请报送典型案例」"):
        service.require_answers(world.task, {first.id: "已落实", second.id: "  "})
    service.require_answers(world.task, {first.id: "已落实", second.id: "已报送"})
    service.require_answers(world.other_task, {})


def test_require_answers_names_a_long_instruction_by_its_start(world: World) -> None:
    """A long instruction is quoted by its first 30 characters."""
    service.write_instruction(world.task, world.leader, "甲" * 40)
    with pytest.raises(ServiceError) as caught:
        service.require_answers(world.task, {})
    assert caught.value.message == f"请答复领导批示：「{'甲' * 30}…」"


def test_require_answers_refuses_an_over_long_answer(world: World) -> None:
    """Answers are at most 2000 characters."""
    instruction = service.write_instruction(world.task, world.leader, "请加快推进")
    with pytest.raises(ServiceError, match="不能超过2000字"):
        service.require_answers(world.task, {instruction.id: "答" * 2001})


def test_answering_records_the_report_and_the_time(world: World) -> None:
    """The answer notes its report and instant, closes the instruction, and is audited."""
    instruction = service.write_instruction(world.task, world.leader, "请加快推进")
    foreign = service.write_instruction(world.other_task, world.leader, "另一任务的批示")
    report = add_report(world.task, "2020Q3", date(2020, 9, 30), ReportStatus.SUBMITTED)
    answers = {instruction.id: "  已召开推进会，三季度新增覆盖12家 ", foreign.id: "不相干"}

    answered = service.answer_instructions(report, answers, world.reporter, now=ANSWERED_AT)
    db.session.commit()

    assert answered == [instruction]
    db.session.expire_all()
    stored = db.session.get(Instruction, instruction.id)
    assert stored is not None
    assert stored.answer == "已召开推进会，三季度新增覆盖12家"
    assert stored.answer_report_id == report.id
    assert stored.answered_at is not None
    assert stored.answered_at.replace(tzinfo=UTC) == ANSWERED_AT
    assert service.open_instructions(world.task.id) == []
    assert db.session.get(Instruction, foreign.id).answer_report_id is None  # type: ignore[union-attr]
    service.require_answers(world.task, {})
    (entry,) = entries("answer")
    assert (entry.task_id, entry.user_id, entry.entity_id) == (
        world.task.id,
        world.reporter.id,
        instruction.id,
    )
    assert json.loads(entry.before)["answer_report_id"] is None
    assert json.loads(entry.after)["answer_report_id"] == report.id


def test_answering_defaults_to_now_and_skips_blank_answers(world: World) -> None:
    """Without ``now`` the current instant is used; a blank answer leaves it open."""
    answered_one = service.write_instruction(world.task, world.leader, "请加快推进")
    left_open = service.write_instruction(world.task, world.leader, "请报送案例")
    report = add_report(world.task, "2020Q3", date(2020, 9, 30), ReportStatus.SUBMITTED)
    service.answer_instructions(
        report, {answered_one.id: "已推进", left_open.id: ""}, world.reporter
    )
    assert answered_one.answered_at is not None
    assert service.open_instructions(world.task.id) == [left_open]


def test_a_rewritten_report_may_change_its_answers(world: World) -> None:
    """A returned report shows its earlier answers again; a new wording is recorded, the
    same wording is not recorded twice, and a later report cannot take the answer over."""
    instruction = service.write_instruction(world.task, world.leader, "请加快推进")
    report = add_report(world.task, "2020Q3", date(2020, 9, 30), ReportStatus.SUBMITTED)
    service.answer_instructions(report, {instruction.id: "已推进"}, world.reporter)
    report.status = ReportStatus.RETURNED
    db.session.flush()

    assert service.instructions_to_answer(world.task.id) == []
    assert service.instructions_to_answer(world.task.id, "2020Q3") == [instruction]
    assert service.answer_instructions(report, {instruction.id: "已推进"}, world.reporter) == []
    service.answer_instructions(report, {instruction.id: "已推进，新增5家"}, world.reporter)
    assert instruction.answer == "已推进，新增5家"
    later = add_report(world.task, "2020Q4", date(2020, 12, 31), ReportStatus.SUBMITTED)
    assert service.answer_instructions(later, {instruction.id: "改答"}, world.reporter) == []
    assert instruction.answer_report_id == report.id
    assert len(entries("answer")) == 2
    report.status = ReportStatus.ACCEPTED
    db.session.flush()
    assert service.instructions_to_answer(world.task.id, "2020Q3") == []


def test_answers_from_form_reads_the_instruction_fields() -> None:
    """Only ``instruction-<id>`` fields count; values are kept as typed."""
    form = {
        "progress": "x",
        "instruction-3": " 已落实 ",
        "instruction-12": "",
        "instruction-x": "?",
    }
    assert service.answers_from_form(form) == {3: " 已落实 ", 12: ""}
