"""The report lifecycle (issue 3 §3, §5, §8): drafts, submission, unit approval, review,
corrections, edit conflicts, contributions with deadlines, and the history of each step."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from config.settings import TEST_HASH_METHOD, LagThresholds
from tests.paths import SEEDS
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import (
    Alert,
    AuditEntry,
    Contribution,
    ContributionStatus,
    Plan,
    ProgressReport,
    ReportStatus,
    Task,
    Unit,
    User,
)
from tracker.services import reports
from tracker.services.audit import changes, history_of_task
from tracker.services.contributions import answer_contribution
from tracker.services.errors import Conflict, ServiceError
from tracker.services.scan import run_scan
from tracker.services.users import create_user

#: The app-wide lag thresholds (the defaults, as the test app has them).
LAG = LagThresholds()

PASSWORD = "lifecycle-pass-1"
DAY = date(2020, 10, 9)  # the first working day after the 2020 National Day holiday


class Cast:
    """The first Cixi task and its people: lead 市委组织部 (a writer, a colleague, an
    approver); cooperating 市总工会、团市委、市妇联; the office."""

    def __init__(self) -> None:
        self.plan = db.session.scalars(sa.select(Plan)).one()
        self.task: Task = self.plan.tasks[0]
        unit = self._unit
        self.writer = create_user(
            "writer", PASSWORD, Role.UNIT, unit=unit("市委组织部"), hash_method=TEST_HASH_METHOD
        )
        self.colleague = create_user(
            "colleague", PASSWORD, Role.UNIT, unit=unit("市委组织部"), hash_method=TEST_HASH_METHOD
        )
        self.approver = create_user(
            "approver", PASSWORD, Role.UNIT, unit=unit("市委组织部"), hash_method=TEST_HASH_METHOD
        )
        self.approver.is_approver = True
        self.union = create_user(
            "union", PASSWORD, Role.UNIT, unit=unit("市总工会"), hash_method=TEST_HASH_METHOD
        )
        self.youth = create_user(
            "youth", PASSWORD, Role.UNIT, unit=unit("团市委"), hash_method=TEST_HASH_METHOD
        )
        self.office = create_user("office", PASSWORD, Role.OFFICE, hash_method=TEST_HASH_METHOD)
        db.session.commit()

    @staticmethod
    def _unit(name: str) -> Unit:
        return db.session.scalars(sa.select(Unit).where(Unit.name == name)).one()

    def draft(self, value: float | None = 30.0, text: str = "推进中", version: int | None = 0):
        data = reports.ReportInput("2020Q3", value, text, "人手不足", "加快推进")
        return reports.save_draft(
            self.task, self.writer.unit, self.writer, data, DAY, expected_version=version
        )


@pytest.fixture(scope="module")
def cixi(app: Flask, shared_db: None) -> None:
    """The Cixi plan, imported once for the module."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["plan", "import", str(SEEDS / "cixi-key-tasks.docx"), "--period", "2019-2025"]
    )
    assert result.exit_code == 0, result.output


@pytest.fixture
def cast(cixi: None, app_ctx: Flask) -> Cast:
    return Cast()


def actions(task: Task) -> list[tuple[str, str]]:
    return [(entry.entity, entry.action) for entry in history_of_task(task.id)]


def test_draft_submit_return_resubmit_accept_with_history(cast: Cast) -> None:
    report = cast.draft()
    db.session.commit()
    assert report.status is ReportStatus.DRAFT and report.submitted_on is None

    reports.submit(report, cast.writer, DAY)
    with pytest.raises(ServiceError, match="退回时请写明理由"):
        reports.review_report(report, cast.office, False, " ", DAY)
    reports.review_report(report, cast.office, False, "数据口径不清", DAY)
    db.session.commit()
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "数据口径不清")

    data = reports.ReportInput("2020Q3", 31.5, "已按口径重新统计", "", "")
    reports.submit_report(cast.task, cast.writer.unit, cast.writer, data, date(2020, 10, 12))
    reports.review_report(report, cast.office, True, "", date(2020, 10, 13))
    db.session.commit()

    assert (report.status, report.value, report.revision) == (ReportStatus.ACCEPTED, 31.5, 1)
    assert actions(cast.task) == [
        ("progress_reports", "save_draft"),
        ("progress_reports", "submit"),
        ("contributions", "request"),
        ("contributions", "request"),
        ("contributions", "request"),
        ("progress_reports", "return"),
        ("progress_reports", "save_draft"),
        ("progress_reports", "submit"),
        ("progress_reports", "accept"),
    ]
    accept = history_of_task(cast.task.id)[-1]
    assert accept.user_id == cast.office.id
    assert ("status", "submitted", "accepted") in changes(accept)
    second_draft = history_of_task(cast.task.id)[6]
    assert ("value", 30.0, 31.5) in changes(second_draft)
    assert ("progress", "推进中", "已按口径重新统计") in changes(second_draft)


def test_accepted_report_is_locked_and_a_correction_is_a_new_revision(cast: Cast) -> None:
    first = cast.draft()
    reports.submit(first, cast.writer, DAY)
    reports.review_report(first, cast.office, True, "", DAY)
    db.session.commit()

    with pytest.raises(Conflict, match="已审核通过，不能再修改"):
        cast.draft(version=None)
    correction = reports.start_correction(first, cast.writer)
    db.session.commit()
    with pytest.raises(Conflict, match="只有已审核的最新填报可以更正"):
        reports.start_correction(first, cast.writer)
    data = reports.ReportInput("2020Q3", 33.0, "更正：补录两家企业", "", "")
    reports.submit_report(
        cast.task, cast.writer.unit, cast.writer, data, DAY, expected_version=correction.version
    )
    assert first.status is ReportStatus.ACCEPTED  # in force until the correction is accepted
    reports.review_report(correction, cast.office, True, "", DAY)
    db.session.commit()

    rows = db.session.execute(
        sa.select(ProgressReport.revision, ProgressReport.status, ProgressReport.value)
        .where(ProgressReport.task_id == cast.task.id)
        .order_by(ProgressReport.revision)
    ).all()
    assert rows == [(1, ReportStatus.SUPERSEDED, 30.0), (2, ReportStatus.ACCEPTED, 33.0)]
    assert reports.find_report(cast.task.id, "2020Q3") is correction
    status = next(
        s for s in run_scan(DAY, cast.plan.id, lag=LAG).statuses if s.task_id == cast.task.id
    )
    assert status.actual == 33.0


def test_second_writer_is_refused_and_sees_both_texts(cast: Cast) -> None:
    report = cast.draft(text="甲的文字")
    db.session.commit()
    opened_version = report.version

    data = reports.ReportInput("2020Q3", 32.0, "乙的文字", "", "")
    reports.save_draft(
        cast.task, cast.colleague.unit, cast.colleague, data, DAY, expected_version=opened_version
    )
    db.session.commit()
    with pytest.raises(reports.EditConflict) as refused:
        cast.draft(text="甲的第二稿", version=opened_version)
    db.session.rollback()

    assert refused.value.theirs.progress == "乙的文字"
    assert refused.value.mine.progress == "甲的第二稿"
    assert refused.value.version == report.version
    assert "请核对合并后再保存" in refused.value.message
    db.session.refresh(report)
    assert report.progress == "乙的文字"


def test_a_new_report_for_a_period_someone_just_created_is_a_conflict(cast: Cast) -> None:
    cast.draft(text="先到")
    db.session.commit()

    with pytest.raises(reports.EditConflict):
        cast.draft(text="后到", version=0)


def test_unit_approval_comes_before_the_office(cast: Cast) -> None:
    cast.plan.unit_approval = True
    report = cast.draft()
    reports.submit(report, cast.writer, DAY)
    assert report.status is ReportStatus.PENDING_APPROVAL
    with pytest.raises(Conflict):
        reports.review_report(report, cast.office, True, "", DAY)
    reports.approve(report, cast.approver, False, "请补充佐证", DAY)
    assert report.status is ReportStatus.RETURNED
    reports.submit(report, cast.writer, DAY)
    reports.approve(report, cast.approver, True, "", date(2020, 10, 12))
    reports.review_report(report, cast.office, True, "", date(2020, 10, 13))
    db.session.commit()

    assert report.status is ReportStatus.ACCEPTED
    assert (report.approver_id, report.approved_on) == (cast.approver.id, date(2020, 10, 12))
    assert ("progress_reports", "unit_return") in actions(cast.task)


def test_submission_needs_a_value_and_progress_but_a_draft_does_not(cast: Cast) -> None:
    report = cast.draft(value=None, text="")
    db.session.commit()

    with pytest.raises(ServiceError, match="请填写完成值") as missing:
        reports.submit(report, cast.writer, DAY)
    assert missing.value.field == "value"
    assert report.status is ReportStatus.DRAFT


def test_contributions_have_a_working_day_deadline_and_are_flagged_when_unanswered(
    cast: Cast,
) -> None:
    report = cast.draft()
    reports.submit(report, cast.writer, date(2020, 9, 29))
    db.session.commit()
    by_unit = {c.unit.name: c for c in report.contributions}
    # Five working days after 29 September 2020: 30 September, then 9, 10 (调休), 12, 13 October.
    assert {c.due_on for c in by_unit.values()} == {date(2020, 10, 13)}

    answer_contribution(by_unit["市总工会"], cast.union, True, "已组织宣讲", "", DAY)
    with pytest.raises(ServiceError, match="有异议时请写明理由"):
        answer_contribution(by_unit["团市委"], cast.youth, False, "", "", DAY)
    answer_contribution(by_unit["团市委"], cast.youth, False, "", "本季度未参与", DAY)
    db.session.commit()

    def contribution_alerts() -> list[Alert]:
        return list(
            db.session.scalars(sa.select(Alert).where(Alert.key.like("overdue:contribution%")))
        )

    run_scan(date(2020, 10, 13), cast.plan.id, lag=LAG)
    db.session.commit()
    on_deadline = contribution_alerts()
    run_scan(date(2020, 10, 14), cast.plan.id, lag=LAG)
    run_scan(date(2020, 10, 15), cast.plan.id, lag=LAG)
    db.session.commit()
    after_deadline = contribution_alerts()

    assert on_deadline == []
    assert [(a.unit.name, a.raised_on) for a in after_deadline] == [("市妇联", date(2020, 10, 14))]
    assert "市妇联未在2020年10月13日前确认" in after_deadline[0].message


def test_resubmission_asks_a_disputing_unit_again(cast: Cast) -> None:
    report = cast.draft()
    reports.submit(report, cast.writer, DAY)
    youth = next(c for c in report.contributions if c.unit.name == "团市委")
    answer_contribution(youth, cast.youth, False, "", "数字不对", DAY)
    reports.review_report(report, cast.office, False, "请与团市委核对", DAY)
    db.session.commit()

    reports.submit(report, cast.writer, date(2020, 10, 12))
    db.session.commit()

    assert youth.status is ContributionStatus.REQUESTED
    disputed = [
        e
        for e in history_of_task(cast.task.id)
        if e.entity == "contributions" and e.action == "dispute"
    ]
    assert len(disputed) == 1 and ("reason", "", "数字不对") in changes(disputed[0])


def test_nothing_is_deleted(cast: Cast) -> None:
    first = cast.draft()
    reports.submit(first, cast.writer, DAY)
    reports.review_report(first, cast.office, True, "", DAY)
    correction = reports.start_correction(first, cast.writer)
    reports.submit(correction, cast.writer, DAY)
    reports.review_report(correction, cast.office, True, "", DAY)
    db.session.commit()

    counts = [
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (ProgressReport, Contribution, AuditEntry)
    ]
    assert counts[0] == 2
    assert counts[1] == 6  # each revision asked the three cooperating units; all kept
    assert counts[2] >= 10
    assert db.session.get(User, cast.writer.id) is not None
