"""Supervision in the demo (issue 15): a 2020 on-site inspection (实地督查) of three Cixi
units with their self-checks and findings — one problem rectified and closed (销号), one
overdue with its reminders, 督办单 and a proposed deduction on the mapped indicator, one
not yet due — a 述职评议 round, and one task closed after its final target was reported
met with evidence. Everything goes through the services the pages use. Called once from
:func:`tracker.services.demo.load_demo` after the rubric import; flushes, the caller
commits. Nothing is seeded when ``today`` is before the inspection's findings can be due."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from config.settings import Settings
from tracker.domain.lag import LagState
from tracker.domain.reminders import workday_before
from tracker.extensions import db
from tracker.io.containers import ContainerLimits
from tracker.models import IndicatorSet, Plan, Problem, ReportStatus, Task, Unit, User
from tracker.services import assessment, evidence, reports
from tracker.services.calendar import load_calendar
from tracker.services.inspections import closing, debriefings, problems, rounds
from tracker.services.inspections import reminders as problem_reminders
from tracker.services.inspections.assessment import propose_from_problems
from tracker.services.reminders import store_reminders
from tracker.services.scan import assess_plan

FOUND_ON = date(2020, 9, 18)
STARTS_ON = date(2020, 9, 14)
#: A tiny valid PDF, the demo's evidence file.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True, slots=True)
class SupervisionDemo:
    """What was seeded (ids), for the demo's summary and its tests."""

    inspection_id: int
    closed_problem_id: int
    overdue_problem_id: int
    closed_task_id: int | None
    proposals: int


def _user(unit: Unit) -> User:
    return db.session.scalars(
        sa.select(User).where(User.unit_id == unit.id).order_by(User.id)
    ).first()  # type: ignore[return-value]


def _candidates(plan: Plan, today: date, settings: Settings) -> list[Task]:
    """On-track tasks of one lead unit with an account and an accepted latest report,
    those with a numeric target first (they can be reported complete), one per unit."""
    found: list[Task] = []
    units: set[int] = set()
    for status in assess_plan(plan, today, lag=settings.lag):
        task = status.task
        current = reports.current_reports(task.id)
        if (
            status.state is LagState.ON_TRACK
            and len(task.lead_units) == 1
            and task.lead_units[0].id not in units
            and current
            and current[0].status is ReportStatus.ACCEPTED
            and _user(task.lead_units[0]) is not None
        ):
            found.append(task)
            units.add(task.lead_units[0].id)
    return sorted(found, key=lambda task: not _numeric(task))


def _numeric(task: Task) -> bool:
    return all(m.target_value is not None for m in task.milestones) and bool(task.milestones)


def seed_supervision(plan: Plan, today: date, settings: Settings) -> SupervisionDemo | None:
    """Seed the round, its findings, the debriefing and the closed task (see the module),
    as the demo's office user."""
    query = sa.select(User).where(User.role == "office").order_by(User.id)
    office = db.session.scalars(query).first()
    if office is None:
        return None
    calendar = load_calendar()
    overdue_due = workday_before(today, 3, calendar)
    if overdue_due <= FOUND_ON + timedelta(days=7):
        return None
    candidates = _candidates(plan, today, settings)
    if len(candidates) < 3:
        return None
    closed_task, overdue_task, open_task = candidates[0], candidates[-1], candidates[-2]
    units = [task.lead_units[0] for task in (closed_task, overdue_task, open_task)]
    inspection = rounds.create_inspection(
        rounds.InspectionInput(
            name="2020年慈溪市产业工人队伍建设改革实地督查",
            kind="on_site",
            starts_on=STARTS_ON,
            ends_on=FOUND_ON,
            unit_ids=[unit.id for unit in units],
            team="市产改办 张明（组长）\n市委组织部 李华\n市总工会 王芳",
            items=["听取汇报、查阅工作台账", "“四不两直”随机走访企业、职工座谈"],
            task_ids=[closed_task.id, overdue_task.id, open_task.id],
            plan_id=plan.id,
        ),
        office,
    )
    for unit in units:
        rounds.save_self_check(
            inspection.items[0], unit, f"{unit.name}已按方案推进，台账齐全。", _user(unit)
        )
    fixed = _finding(inspection, units[0], closed_task, 10, "部分企业台账未及时更新", office)
    problems.rectify(fixed, _user(units[0]), "已逐户补齐企业台账并建立月度更新制度", today)
    problems.close(fixed, office, "经核验，台账已补齐，同意销号", today)
    days = calendar.workdays_between(FOUND_ON + timedelta(days=1), overdue_due)
    late = _finding(inspection, units[1], overdue_task, days, "职工技能培训覆盖面不足", office)
    _finding(inspection, units[2], open_task, days + 20, "宣传发动不够深入", office)
    intents = problem_reminders.remind_problems(today, calendar, settings)
    store_reminders(intents, today)
    proposals = _propose(plan, overdue_task, today, settings)
    _debriefing(plan, units, today, office)
    closed = _close(closed_task, units[0], today, settings, office)
    return SupervisionDemo(inspection.id, fixed.id, late.id, closed, proposals)


def _finding(
    inspection: rounds.Inspection,
    unit: Unit,
    task: Task,
    days: int,
    text: str,
    office: User,
) -> Problem:
    return rounds.record_finding(
        inspection,
        problems.ProblemInput(
            unit_id=unit.id,
            source="inspection",
            description=f"{text}。",
            found_on=FOUND_ON,
            deadline_workdays=days,
            category="工作落实",
            requirement="限期整改到位，报送整改情况及佐证材料。",
            responsible=f"{unit.name}分管负责人",
            task_id=task.id,
        ),
        office,
    )


def _propose(plan: Plan, task: Task, today: date, settings: Settings) -> int:
    """Map the overdue problem's task to its likeliest indicator; propose the deduction."""
    set_id = db.session.scalar(sa.select(IndicatorSet.id).order_by(IndicatorSet.id.desc()))
    if set_id is None:
        return 0
    suggested = assessment.suggest_indicators(task, set_id, limit=1)
    if not suggested:
        return 0
    assessment.map_task(task, suggested[0][0], None)
    made = propose_from_problems(set_id, plan.id, today, settings=settings.assessment)
    return len(made)


def _debriefing(plan: Plan, units: list[Unit], today: date, office: User) -> None:
    round_ = debriefings.create_debriefing(
        debriefings.DebriefingInput(
            name="2020年度产改工作述职评议",
            held_on=min(today, date(2020, 12, 20)),
            unit_ids=[unit.id for unit in units],
            criteria="工作推进:40\n改革成效:40\n创新举措:20",
            plan_id=plan.id,
        ),
        office,
    )
    for unit in units:
        debriefings.hand_in(round_, unit, f"{unit.name}2020年度产改工作述职报告……", _user(unit))


def _close(task: Task, unit: Unit, today: date, settings: Settings, office: User) -> int | None:
    """Report the final target met (a correction of the latest report, with evidence),
    accept it, and close the task (销号)."""
    user = _user(unit)
    last = reports.last_accepted(task.id)
    assert last is not None
    final = max(task.milestones, key=lambda m: m.due)
    target = (final.target_value or 0) * (1.05 if final.comparator == ">" else 1)
    with db.session.begin_nested():
        reports.start_correction(last, user)
        data = reports.ReportInput(
            period=last.period, value=target, progress="已全面完成年度及最终目标，附验收材料。"
        )
        report = reports.submit_report(task, unit, user, data, today)
        evidence.attach(
            report,
            FileStorage(io.BytesIO(PDF), "验收材料.pdf"),
            user,
            storage_dir=settings.uploads.folder,
            max_bytes=settings.uploads.max_bytes,
            limits=ContainerLimits(),
        )
        if report.status is ReportStatus.SUBMITTED:
            reports.review_report(report, office, True, "", today)
    if closing.closing_refusal(task, today, lag=settings.lag) is not None:
        return None
    closing.close_task(task, office, "最终目标已完成，验收材料齐全", today, lag=settings.lag)
    return task.id
