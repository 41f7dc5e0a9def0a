"""Demo data: the Cixi plan, its units, one account per unit, and plausible reports.

Reports cover 2019 and the first three quarters of 2020: most tasks on track, some
behind, some with reports missing — deterministic, so every demo shows the same ledger.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from config.settings import Settings
from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag import LagState, expected_to_date
from tracker.domain.periods import parse_period
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import Contribution, Plan, Task, Unit, User
from tracker.services import calendar as calendar_service
from tracker.services import dashboard_states, demo_assessment, indicators, plans, scan
from tracker.services.contributions import answer_contribution
from tracker.services.inspections.demo import seed_supervision
from tracker.services.instructions import write_instruction
from tracker.services.plan_rows import compute_plan
from tracker.services.reminders import run_reminders
from tracker.services.reports import (
    ReportInput,
    is_cumulative,
    review_report,
    submit_report,
    value_unit,
)
from tracker.services.users import create_user
from tracker.unit_of_work import JOB_WAIT_MS, begin_writes, end_reads

SEED_PLAN = Path(__file__).resolve().parents[2] / "seeds" / "cixi-key-tasks.docx"
SEED_RUBRIC = Path(__file__).resolve().parents[2] / "seeds" / "national-assessment-rubric.docx"
PLAN_NAME = "新时代慈溪产业工人队伍建设改革实施方案"
PLAN_PERIOD = (2019, 2025)
DEMO_PASSWORD = "Cixi@2020demo"
DEMO_PERIODS = ("2019Q1", "2019Q2", "2019Q3", "2019Q4", "2020Q1", "2020Q2", "2020Q3")
PROGRESS_EVERY = 10
"""Units or tasks between two progress lines while accounts and reports are written."""

Progress = Callable[[str], None]
"""Told one line of Chinese text at each step of the load (``click.echo`` in the CLI)."""


def _silent(_message: str) -> None:
    """The progress callback when nobody listens."""


def _next_chunk() -> None:
    """Commit what the load wrote so far and begin the next brief write transaction
    (issue 18 §1: the demo is written in chunks — an account, a task's reports, a step —
    so a running site's writes never wait long for SQLite's write lock)."""
    begin_writes(JOB_WAIT_MS)


@dataclass
class DemoResult:
    """What ``demo load`` did and the accounts it can print."""

    plan_id: int
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    reports: int = 0
    alerts: int = 0
    digests: int = 0
    already_loaded: bool = False

    def describe(self) -> str:
        """A Chinese summary with the accounts and their password."""
        lines = [
            f"演示方案编号 {self.plan_id}"
            + ("（已存在，未重复导入）" if self.already_loaded else "")
            + f"；填报 {self.reports} 份；提醒 {self.alerts} 条；今日提醒摘要 {self.digests} 份。",
            f"演示账号（密码均为 {DEMO_PASSWORD}）：",
        ]
        lines += [f"  {username:<10} {role:<8} {unit}" for username, role, unit in self.accounts]
        return "\n".join(lines)


def load_demo(today: date, settings: Settings, progress: Progress | None = None) -> DemoResult:
    """Load the demo into a migrated database under the app's ``settings``; a second call
    adds nothing.

    ``progress`` is told each step as it starts (calendar, plan import, accounts, the
    reports every few tasks, scan, reminders, rubric). Flushes; the caller commits.
    Raises TableReadError if a seed table is unreadable.
    """
    say = progress or _silent
    say("同步节假日日历……")
    calendar_service.prepare_library()  # worked out before the write lock is taken
    begin_writes(JOB_WAIT_MS)
    calendar_service.sync_from_library()
    existing = db.session.scalar(sa.select(Plan).where(Plan.name == PLAN_NAME))
    if existing is not None:
        say("演示方案已存在，不再重复导入。")
        result = DemoResult(plan_id=existing.id, already_loaded=True)
        result.accounts = _describe_accounts()
        return result
    end_reads()  # the calendar is stored; the seed files are read and computed unlocked
    say(f"导入实施方案：{SEED_PLAN.name}……")
    table = plans.read_table(SEED_PLAN)
    rubric_table = indicators.read_table(SEED_RUBRIC)
    rows = compute_plan(table, period=PLAN_PERIOD, defaults=settings.reporting, name=PLAN_NAME)
    begin_writes(JOB_WAIT_MS, up_front=False)  # as `plan import` does: computed, then written
    summary = plans.store_plan(rows, PLAN_PERIOD)
    say(f"已导入 {summary.tasks} 项任务、{summary.units} 个单位。")
    _next_chunk()
    plan = db.session.get(Plan, summary.plan_id)
    assert plan is not None
    say("创建演示账号……")
    _create_accounts(plan, settings.passwords.hash_method, say)
    result = DemoResult(plan_id=plan.id)
    _next_chunk()
    say(f"生成填报（{DEMO_PERIODS[0]}—{DEMO_PERIODS[-1]}）……")
    result.reports = _create_reports(plan, today, say)
    _next_chunk()
    say(f"扫描滞后情况（截至 {today.isoformat()}）……")
    scanned = scan.run_scan(today, plan.id, lag=settings.lag)
    result.alerts = scanned.alerts_created
    _write_instructions(scanned.statuses)
    _next_chunk()
    say("生成今日催办提醒……")
    result.digests = len(run_reminders(today, settings).digests)
    _next_chunk()
    say(f"导入考核指标体系：{SEED_RUBRIC.name}……")
    rubric = indicators.import_indicators(rubric_table, create_units=False)
    demo_assessment.assess_plan_units(rubric.set_id, plan.id)
    _next_chunk()
    seed_supervision(plan, today, settings)  # issue 15: 督查、问题清单、销号
    _next_chunk()
    scan.run_scan(today, plan.id, lag=settings.lag)  # today's states again: a task was closed
    _next_chunk()
    dashboard_states.backfill_plan(plan, today, lag=settings.lag)  # issue 13: trend, ranks
    result.accounts = _describe_accounts()
    return result


def _write_instructions(statuses: list[scan.ScannedTask]) -> None:
    """The leader's instruction (批示) on the first two lagging tasks, for the units to answer."""
    leader = db.session.scalars(sa.select(User).where(User.username == "leader")).one()
    lagging = [s.task_id for s in statuses if s.state in (LagState.BEHIND, LagState.MISSED)]
    for task_id in lagging[:2]:
        task = db.session.get(Task, task_id)
        assert task is not None
        write_instruction(
            task,
            leader,
            "进度滞后，请牵头单位分析原因，提出赶进度的具体措施，下次填报时报告落实情况。",
        )


def _create_accounts(plan: Plan, hash_method: str, say: Progress) -> None:
    """The office, a leader in charge of every unit, the assessment group, and one reporter
    per unit who is also the unit's head (receives its supervision notices); e-mail at
    example.org. Tells ``say`` the count every few units (each password hash takes a
    moment)."""
    taken = set(db.session.scalars(sa.select(User.username)))
    names = {Role.OFFICE: "慈溪市产改办", Role.LEADER: "分管副市长", Role.ASSESSOR: "考核组"}
    names[Role.ADMIN] = "系统管理员"
    for username, role in (
        ("office", Role.OFFICE),
        ("leader", Role.LEADER),
        ("assessor", Role.ASSESSOR),
        ("admin", Role.ADMIN),
    ):
        if username not in taken:
            name = names[role]
            create_user(
                username,
                DEMO_PASSWORD,
                role,
                display_name=name,
                email=f"{username}@example.org",
                hash_method=hash_method,
            )
            _next_chunk()  # one password hash per chunk
    leader = db.session.scalars(sa.select(User).where(User.username == "leader")).one()
    units = list(db.session.scalars(sa.select(Unit).order_by(Unit.id)))
    for number, unit in enumerate(units, start=1):
        unit.leader_id = unit.leader_id or leader.id
        username = f"unit{number:02d}"
        if username not in taken:
            reporter = create_user(
                username,
                DEMO_PASSWORD,
                Role.UNIT,
                unit=unit,
                display_name=f"{unit.name}填报员",
                email=f"{username}@example.org",
                hash_method=hash_method,
            )
            reporter.is_unit_head = True
            _next_chunk()  # one password hash per chunk
        if number % PROGRESS_EVERY == 0 or number == len(units):
            say(f"  账号：{number}/{len(units)} 个单位")


def _describe_accounts() -> list[tuple[str, str, str]]:
    users = db.session.scalars(sa.select(User).order_by(User.id))
    return [(u.username, str(u.role), u.unit.name if u.unit else "") for u in users]


def _create_reports(plan: Plan, today: date, say: Progress) -> int:
    """Reports through the same services as the pages: submitted a few working days after
    each quarter, accepted by the office (the latest sometimes still pending), and
    answered by most cooperating units. Tells ``say`` the count every few tasks; returns
    the number of reports."""
    calendar = calendar_service.load_calendar()
    rng = random.Random(20201120)
    office = db.session.scalars(sa.select(User).where(User.username == "office")).one()
    count = 0
    tasks = list(plan.tasks)
    for number, task in enumerate(tasks, start=1):
        count += _create_task_reports(task, plan, today, calendar, office, rng)
        if number % PROGRESS_EVERY == 0 or number == len(tasks):
            say(f"  填报：{number}/{len(tasks)} 项任务，已写 {count} 份")
    db.session.flush()
    return count


def _create_task_reports(
    task: Task,
    plan: Plan,
    today: date,
    calendar: WorkdayCalendar,
    office: User,
    rng: random.Random,
) -> int:
    """One task's reports for the demo periods due by ``today`` (a task is on track,
    behind, or stops reporting after 2020Q1); returns how many were written."""
    lead = task.lead_units
    if not lead or not scan.report_dues(task, [], today, calendar):
        return 0
    profile = rng.choices(["on_track", "behind", "missing"], weights=[6, 3, 2])[0]
    periods = DEMO_PERIODS[:5] if profile == "missing" else DEMO_PERIODS
    reporter = db.session.scalars(sa.select(User).where(User.unit_id == lead[0].id)).first()
    count = 0
    for index, code in enumerate(periods):
        period = parse_period(code)
        submitted_on = calendar.add_workdays(period.end, rng.randint(1, 5))
        if submitted_on > today or reporter is None:
            continue
        data = ReportInput(
            period=code,
            value=_demo_value(task, plan, period.end, profile, rng),
            progress=_progress_text(task, period.label, profile),
            problems="" if profile == "on_track" else "部分企业推进较慢，基层力量不足。",
            next_steps="继续加强督促指导，按序时推进。",
        )
        report = submit_report(task, lead[0], reporter, data, submitted_on)
        for contribution in report.contributions:
            _answer_demo_contribution(contribution, submitted_on, rng)
        pending = index == len(periods) - 1 and rng.random() < 0.3
        if not pending:
            review_report(report, office, True, "", calendar.add_workdays(submitted_on, 2))
        count += 1
        _next_chunk()  # a report, its answers and review per chunk
    return count


def _demo_value(
    task: Task, plan: Plan, day: date, profile: str, rng: random.Random
) -> float | None:
    if value_unit(task) is None:
        return None
    specs = [m.to_spec() for m in task.milestones]
    expected = expected_to_date(specs, day, plan.start)
    if expected is None:
        expected = next((float(s.target) for s in specs if isinstance(s.target, float)), 0.0)
    factor = rng.uniform(1.0, 1.15) if profile != "behind" else rng.uniform(0.6, 0.85)
    value = expected * factor
    if value_unit(task) == "%":
        value = min(value, 100.0)
    return round(value, 1) if not is_cumulative(task) else float(round(value))


def _progress_text(task: Task, label: str, profile: str) -> str:
    tone = "按计划推进" if profile != "behind" else "推进偏慢，正在加快"
    return f"{label}，围绕「{task.text[:20]}」{tone}，已召开推进会并督促各责任主体落实。"


def _answer_demo_contribution(contribution: Contribution, day: date, rng: random.Random) -> None:
    """Three in four confirm, one in ten disputes, the rest leave the request open."""
    roll = rng.random()
    answerer = db.session.scalars(
        sa.select(User).where(User.unit_id == contribution.unit_id)
    ).first()
    if answerer is None or roll >= 0.85:
        return
    if roll < 0.75:
        answer_contribution(contribution, answerer, True, "已按分工配合落实。", "", day)
    else:
        answer_contribution(
            contribution, answerer, False, "", "本单位本期未参与该项工作，请核实分工。", day
        )
