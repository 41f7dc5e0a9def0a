"""Importing a responsibility table into a plan, and reading a plan back as JSON."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from config.settings import ReportingDefaults
from tracker.domain.milestones import ParsedSchedule, ScheduleParseError
from tracker.domain.policy import UnitRole
from tracker.domain.schedule import parse_schedule
from tracker.domain.schedule.period import years_mentioned
from tracker.domain.schedule.steps import strip_steps
from tracker.domain.titles import period_from_title
from tracker.domain.units import UnitName
from tracker.extensions import db
from tracker.io.containers import ContainerLimits
from tracker.io.responsibility_header import ColumnChoice
from tracker.io.tables import PlanRow, ResponsibilityTable, read_responsibility_table
from tracker.models import Category, ImportColumnChoice, Measure, Milestone, Plan, Task, TaskUnit
from tracker.services import bases
from tracker.services import calendar as calendar_service
from tracker.services.errors import NotFound, ServiceError
from tracker.services.plan_rows import PlanRows, compute_plan, write_plan
from tracker.services.units import UnitDirectory

DEFAULT_LIMITS = ContainerLimits()


class PeriodMissing(ServiceError):
    """Neither the option nor the table's title gives the plan's period; ``guess`` is the
    span of years the schedules mention, to be shown for confirmation (never used silently)."""

    def __init__(self, message: str, guess: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.guess = guess


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """Counts of what one import added; ``needs_review`` counts tasks whose schedule the
    office must check."""

    plan_id: int
    categories: int
    measures: int
    tasks: int
    units: int
    milestones: int
    needs_review: int

    def to_json(self) -> dict[str, int]:
        """The object ``plan import --json`` prints."""
        return {
            "plan_id": self.plan_id,
            "categories": self.categories,
            "measures": self.measures,
            "tasks": self.tasks,
            "units": self.units,
            "milestones": self.milestones,
            "needs_review": self.needs_review,
        }


def read_table(
    path: Path,
    *,
    limits: ContainerLimits = DEFAULT_LIMITS,
    choice: ColumnChoice | None = None,
) -> ResponsibilityTable:
    """Read a .docx/.xlsx responsibility table, refused before parsing when it breaks
    ``limits`` (the ``imports`` settings; the defaults for the project's own seed files);
    ``choice`` is the office's column choice (header → role), by default the remembered one.

    Raises :class:`tracker.io.tables.TableReadError` naming the file (and the limit broken).
    """
    if choice is None:
        choice = remembered_choice()
    return read_responsibility_table(path, limits, choice)


#: The kind of table whose column choices :func:`remembered_choice` keeps.
PLAN_TABLE = "plan"


def remembered_choice(kind: str = PLAN_TABLE) -> dict[str, str]:
    """The column choices the office made for tables of ``kind`` (header → role)."""
    rows = db.session.execute(
        sa.select(ImportColumnChoice.header, ImportColumnChoice.role).where(
            ImportColumnChoice.kind == kind
        )
    )
    return {header: role for header, role in rows}


def choose_period(table: ResponsibilityTable, period: tuple[int, int] | None) -> tuple[int, int]:
    """The plan's period: the option if given, else the year range in the title.

    Raises :class:`PeriodMissing` when neither gives one.
    """
    found = period or period_from_title(table.title)
    if found is None:
        guess = years_mentioned(row.schedule for row in table.rows)
        hint = "例如 2019-2025"
        if guess is not None:
            first, last = guess
            hint = f"时间进度中写到的年份为 {first}–{last}，如无误请用 --period {first}-{last}"
        raise PeriodMissing(
            f"{table.source}：标题中没有实施期限，请用 --period 指定，{hint}", guess
        )
    return found


def import_plan(
    table: ResponsibilityTable,
    *,
    period: tuple[int, int],
    defaults: ReportingDefaults,
    name: str | None = None,
) -> ImportSummary:
    """Add the plan of ``table`` with its categories, measures, tasks, units and milestones;
    its report due days and overdue grace start as ``defaults`` says.

    Schedules the grammar cannot read with confidence are kept with ``needs_review`` and
    the reasons. Computes every row first (:func:`~tracker.services.plan_rows.compute_plan`),
    then writes them in a few bulk statements (:func:`store_plan`); a caller that must hold
    SQLite's write lock briefly calls the two itself with
    :func:`tracker.unit_of_work.begin_writes` between. Flushes; the caller commits, or rolls
    back to leave the database as it was.
    """
    rows = compute_plan(table, period=period, defaults=defaults, name=name)
    return store_plan(rows, period)


def store_plan(rows: PlanRows, period: tuple[int, int]) -> ImportSummary:
    """Write a computed plan (:func:`~tracker.services.plan_rows.write_plan`) and the
    working-day calendar of its years; its summary. The write phase of an import."""
    plan_id = write_plan(rows)
    _store_calendar_for(period)
    return ImportSummary(
        plan_id=plan_id,
        categories=len(rows.categories),
        measures=len(rows.measures),
        tasks=len(rows.tasks),
        units=len(rows.touched_units),
        milestones=len(rows.milestones),
        needs_review=rows.needs_review,
    )


def _store_calendar_for(period: tuple[int, int]) -> None:
    """Holidays of the plan's years (and the next, when last reports fall due) that the
    holiday library knows; later years are the office's to enter."""
    known = calendar_service.library_years()
    calendar_service.sync_from_library(
        [year for year in range(period[0], period[1] + 2) if year in known]
    )


def plan_name(table: ResponsibilityTable) -> str:
    """The name a plan takes from its table: the title's last line, else the file's."""
    title = table.title.strip()
    return title.splitlines()[-1] if title else Path(table.source).stem


def read_schedule(row: PlanRow, period: tuple[int, int]) -> ParsedSchedule:
    """The grammar's reading of a row's schedule (numbered steps and labels split off
    first); a parse error becomes a review reason."""
    return _parsed(row.schedule, row.task, period)


@functools.lru_cache(maxsize=4096)
def _parsed(schedule: str, task: str, period: tuple[int, int]) -> ParsedSchedule:
    """Cached: a preview, its column choice and its confirmation read the same rows, and
    the grammar is pure (the result is immutable)."""
    try:
        return parse_schedule(strip_steps(schedule), task, period)
    except ScheduleParseError as error:
        return ParsedSchedule(milestones=(), needs_review=True, reasons=(error.reason,))


def task_from_row(row: PlanRow, position: int, period: tuple[int, int]) -> Task:
    """A new task holding ``row``'s text and schedule with the milestones read from it."""
    parsed = read_schedule(row, period)
    reasons = [*parsed.reasons, *bases.base_reasons(parsed.milestones, period[0])]
    task = Task(
        position=position,
        source_row=row.row_number,
        text=row.task,
        schedule_text=row.schedule,
        needs_review=bool(reasons) or parsed.needs_review,
        review_reasons="\n".join(reasons),
    )
    task.milestones = [
        Milestone.from_spec(spec, index) for index, spec in enumerate(parsed.milestones, start=1)
    ]
    return task


def link_units(
    task: Task, role: UnitRole, names: tuple[UnitName, ...], units: UnitDirectory
) -> None:
    """Link ``task`` to the units ``names`` resolve to (new ones are added), in order."""
    for index, name in enumerate(names, start=1):
        unit = units.resolve(name)
        if any(link.unit is unit and link.role is role for link in task.unit_links):
            continue
        task.unit_links.append(TaskUnit(unit=unit, role=role, position=index))


def get_plan(plan_id: int) -> Plan:
    """The plan with its whole tree loaded; raises :class:`NotFound`."""
    plan = db.session.scalar(
        sa.select(Plan)
        .where(Plan.id == plan_id)
        .options(
            selectinload(Plan.categories)
            .selectinload(Category.measures)
            .selectinload(Measure.tasks)
            .selectinload(Task.milestones),
            selectinload(Plan.categories)
            .selectinload(Category.measures)
            .selectinload(Measure.tasks)
            .selectinload(Task.unit_links),
        )
    )
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的实施方案")
    return plan


def list_plans() -> list[Plan]:
    """Every plan, newest first."""
    return list(db.session.scalars(sa.select(Plan).order_by(Plan.id.desc())))


class PlanChoice(NamedTuple):
    """A plan as a filter's option: its id and name."""

    id: int
    name: str


def plan_choices() -> list[PlanChoice]:
    """Every plan's id and name, newest first, for a filter: plain rows (a national
    install holds thousands of plans, and an option needs no more)."""
    query = sa.select(Plan.id, Plan.name).order_by(Plan.id.desc())
    return [PlanChoice(plan_id, name) for plan_id, name in db.session.execute(query)]


def newest_plan_id() -> int | None:
    """The id of the newest plan (None when none was imported)."""
    return db.session.scalar(sa.select(sa.func.max(Plan.id)))


def plan_to_json(plan: Plan) -> dict[str, object]:
    """The shape ``plan show --json`` prints (issue 2 §4)."""
    return {
        "id": plan.id,
        "name": plan.name,
        "period": [plan.first_year, plan.last_year],
        "categories": [
            {
                "name": category.name,
                "measures": [
                    {
                        "name": measure.name,
                        "tasks": [task_to_json(t) for t in measure.tasks if t.archived_at is None],
                    }
                    for measure in category.measures
                ],
            }
            for category in plan.categories
        ],
    }


def task_to_json(task: Task) -> dict[str, object]:
    """One task as in ``plan show --json``."""
    return {
        "id": task.id,
        "text": task.text,
        "schedule_text": task.schedule_text,
        "lead_units": [unit.name for unit in task.lead_units],
        "cooperating_units": [unit.name for unit in task.cooperating_units],
        "needs_review": task.needs_review,
        "review_reasons": task.review_reason_list,
        "milestones": [milestone.to_spec().to_json() for milestone in task.milestones],
    }
