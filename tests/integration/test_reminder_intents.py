"""The reminder pass assesses only the tasks that may have a lagging milestone (issue 14 §2):
those whose stored state of the day is overdue, missed or behind, out of date or missing.
Its intents — and the report facts the catch-up reasons on — equal a full assessment of
every open task and the per-plan reference (:func:`plan_intents`), on days that between
them put the Cixi plan's tasks in every lag state."""

from __future__ import annotations

from dataclasses import astuple
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from config.settings import LagThresholds
from tests.functional.helpers import add_lead_report, import_cixi
from tracker.domain.lag import LagState
from tracker.domain.milestones import MilestoneKind
from tracker.domain.reminders import ReminderIntent, ReminderRules, ReportReminderFact
from tracker.extensions import db
from tracker.models import Milestone, Plan, ProgressReport, ReportStatus, Task, TaskState
from tracker.services import calendar as calendar_service
from tracker.services.reminders.chunk_facts import LAGGING
from tracker.services.reminders.facts import plan_intents
from tracker.services.reminders.intents import Tally, all_intents
from tracker.services.scan import run_scan
from tracker.services.scan_facts import text_of

LAG = LagThresholds()

#: Working days that between them show every lag state of the plan's tasks: due soon
#: before 2020Q3's due date (2020-10-14), overdue after it, missed and recovered later.
DAYS = (date(2020, 10, 9), date(2020, 10, 15), date(2020, 11, 20), date(2021, 1, 20))

#: The quarters reported (2020Q3 by every third task only).
QUARTERS = [(2019, 1), (2019, 2), (2019, 3), (2019, 4), (2020, 1), (2020, 2), (2020, 3)]


def _pass(day: date, *, assess_all: bool) -> tuple[list[ReminderIntent], list[object], Tally]:
    calendar = calendar_service.load_calendar()
    facts: list[object] = []

    def collect(
        pid: int, _rules: ReminderRules, found: list[ReportReminderFact], _i: object
    ) -> None:
        facts.append((pid, [astuple(fact) for fact in found]))

    tally = Tally()
    intents = all_intents(
        day, calendar, lag=LAG, catchup_workdays=3, on_reports=collect,
        assess_all=assess_all, tally=tally,
    )  # fmt: skip
    return intents, facts, tally


def _reference(day: date) -> list[ReminderIntent]:
    calendar = calendar_service.load_calendar()
    plans = db.session.scalars(sa.select(Plan).order_by(Plan.id))
    return [
        intent
        for plan in plans
        for intent in plan_intents(plan, day, calendar, lag=LAG, catchup_workdays=3)
    ]


def test_the_intents_equal_a_full_assessment_whatever_each_task_state(
    app: Flask, runner: FlaskCliRunner
) -> None:
    """Each day: scanned, then one task's reports changed after the scan (its stored state,
    neither overdue, missed nor behind, out of date) and another's stored state deleted. The lean
    pass assesses fewer tasks than it reads, and finds what assessing all of them finds."""
    imported = import_cixi(app, runner)
    states: set[LagState] = set()
    with app.app_context():
        calendar_service.sync_from_library([2019, 2020, 2021])
        tasks = list(db.session.scalars(sa.select(Task.id).order_by(Task.id)))
        staged = set(
            db.session.scalars(
                sa.select(Milestone.task_id)
                .group_by(Milestone.task_id)
                .having(sa.func.min(text_of(Milestone.kind)) == MilestoneKind.STAGE.value)
                .having(sa.func.max(text_of(Milestone.kind)) == MilestoneKind.STAGE.value)
            )
        )
        for i, task_id in enumerate(tasks):
            if i % 5 == 4:
                continue  # nothing reported: overdue
            value = (2.0, 40.0, 100.0, 10000.0)[i % 4]  # behind or missed … done
            for year, quarter in QUARTERS[: len(QUARTERS) - (i % 3 != 0)]:
                end = date(year, 3 * quarter, 30 if quarter in (2, 3) else 31)
                if year == 2019 and task_id in staged and i % 2:
                    continue  # its 2019 stage passed unreported, reported since: recovered
                period, on = f"{year}Q{quarter}", end + timedelta(days=8)
                add_lead_report(task_id, period, end, value, ReportStatus.ACCEPTED, on)
        db.session.commit()
        for day in DAYS:
            run_scan(day, lag=LAG)
            stored = dict(
                db.session.execute(
                    sa.select(TaskState.task_id, TaskState.state).where(TaskState.as_of == day)
                ).all()
            )
            states |= {LagState(state) for state in stored.values()}
            calm = sorted(tid for tid, state in stored.items() if LagState(state) not in LAGGING)
            for report in db.session.scalars(
                sa.select(ProgressReport).where(ProgressReport.task_id == calm[0])
            ):
                report.value = 0.0  # after the scan: its stored state is out of date
            db.session.execute(sa.delete(TaskState).where(TaskState.task_id == calm[-1]))
            db.session.commit()
            lean, lean_facts, tally = _pass(day, assess_all=False)
            full, full_facts, every = _pass(day, assess_all=True)
            assert lean == full == _reference(day), day
            assert lean_facts == full_facts
            assert any(intent.kind.startswith("milestone_") for intent in lean)
            assert 0 < tally.assessed < tally.tasks == every.assessed, (day, tally)
    assert imported.plan_id and states == set(LagState), states
