"""Bringing a plan in through the web (issue 11 §1-2): the upload is staged server-side
(:class:`~tracker.models.PlanImport`, never the session cookie), previewed — every task
row with its units matched (existing, alias or new), its milestones and review reasons,
the period and the name; or, for a revision, the diff by task — and applied only when
the office confirms, all or nothing. ``plan import`` shares the reading and the applying.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from config.settings import ReportingDefaults
from tracker.domain.milestones import MilestoneSpec
from tracker.domain.schedule.period import years_mentioned
from tracker.domain.titles import period_from_title
from tracker.domain.units import UnitName
from tracker.extensions import db
from tracker.io.containers import ContainerLimits
from tracker.io.responsibility_header import ROLE_LABELS, HeaderUnknown
from tracker.io.tables import PlanRow, ResponsibilityTable, TableReadError
from tracker.models import ImportColumnChoice, Plan, PlanImport, User
from tracker.models._types import utcnow
from tracker.services import plan_revision, plans
from tracker.services.errors import Conflict, NotFound, ServiceError
from tracker.services.plan_rows import compute_plan
from tracker.services.units import UnitDirectory
from tracker.unit_of_work import begin_writes

SUFFIXES = (".docx", ".xlsx")
#: Unconfirmed uploads older than this are dropped when the next one is staged.
STAGING_KEEP = timedelta(days=2)
UNIT_STATUS_LABELS = {"existing": "已有单位", "alias": "按别名匹配", "new": "新单位"}


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """A unit name of a row and what it resolves to: ``status`` existing / alias / new."""

    text: str
    status: str
    unit: str

    @property
    def label(self) -> str:
        """The status in Chinese."""
        return UNIT_STATUS_LABELS[self.status]


@dataclass(frozen=True, slots=True)
class RowPreview:
    """One task row as it would be imported."""

    row_number: int
    category: str
    measure: str
    task: str
    schedule: str
    lead: tuple[UnitMatch, ...]
    cooperating: tuple[UnitMatch, ...]
    milestones: tuple[str, ...]
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The row as the API gives it."""
        return {
            "row": self.row_number,
            "category": self.category,
            "measure": self.measure,
            "task": self.task,
            "schedule": self.schedule,
            "lead_units": [_unit_json(match) for match in self.lead],
            "cooperating_units": [_unit_json(match) for match in self.cooperating],
            "milestones": list(self.milestones),
            "review_reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class Preview:
    """What confirming the staged import would store. ``error`` (with ``headers`` when
    the office can fix it by choosing columns) means nothing can be stored yet."""

    import_id: int
    filename: str
    plan_id: int | None
    title: str = ""
    name: str = ""
    period: tuple[int, int] | None = None
    period_source: str = ""
    rows: tuple[RowPreview, ...] = ()
    headers: tuple[str, ...] = ()
    choice: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    diff: plan_revision.PlanDiff | None = None

    @property
    def new_units(self) -> list[str]:
        """The names of the units confirming would add, in order of appearance."""
        seen: dict[str, None] = {}
        for row in self.rows:
            for match in (*row.lead, *row.cooperating):
                if match.status == "new":
                    seen.setdefault(match.unit)
        return list(seen)

    def to_json(self) -> dict[str, object]:
        """The preview as ``POST /api/v1/plans/import`` answers it."""
        return {
            "import_id": self.import_id,
            "filename": self.filename,
            "plan_id": self.plan_id,
            "title": self.title,
            "name": self.name,
            "period": list(self.period) if self.period else None,
            "period_source": self.period_source,
            "rows": [row.to_json() for row in self.rows],
            "new_units": self.new_units,
            "headers": list(self.headers),
            "choice": self.choice,
            "error": self.error,
            "diff": None
            if self.diff is None
            else {
                "counts": self.diff.counts(),
                "changes": [change.to_json() for change in self.diff.changes],
            },
        }


def stage_upload(
    filename: str, content: bytes, user: User | None, *, plan: Plan | None = None
) -> PlanImport:
    """Keep an uploaded table until it is confirmed; ``plan`` is the plan it revises.
    Refuses other file types (field ``file``). Flushes."""
    name = Path(filename or "").name
    if Path(name).suffix.lower() not in SUFFIXES:
        raise ServiceError("请上传 .docx 或 .xlsx 格式的责任分工表", field="file")
    if not content:
        raise ServiceError("上传的文件是空的", field="file")
    cutoff = utcnow() - STAGING_KEEP
    db.session.execute(
        sa.delete(PlanImport).where(
            PlanImport.confirmed_at.is_(None), PlanImport.created_at < cutoff
        )
    )
    staged = PlanImport(
        user_id=user.id if user is not None else None,
        plan_id=plan.id if plan is not None else None,
        filename=name,
        content=content,
        choice="{}",
    )
    db.session.add(staged)
    db.session.flush()
    return staged


def get_import(import_id: int) -> PlanImport:
    """The staged import; raises :class:`NotFound`."""
    staged = db.session.get(PlanImport, import_id)
    if staged is None:
        raise NotFound(f"没有编号为 {import_id} 的待导入文件")
    return staged


def choice_of(staged: PlanImport) -> dict[str, str]:
    """The remembered column choice with the one made for this upload over it."""
    return {**plans.remembered_choice(), **json.loads(staged.choice or "{}")}


def choose_columns(staged: PlanImport, choice: Mapping[str, str]) -> None:
    """Record the office's column choice (header → role; other values: ignore) for this
    upload and remember it for the next import of a responsibility table. Refuses a role
    given to two columns. Flushes."""
    kept = {header: role for header, role in choice.items() if role in ROLE_LABELS}
    roles = list(kept.values())
    twice = sorted({ROLE_LABELS[role] for role in roles if roles.count(role) > 1})
    if twice:
        raise ServiceError(f"「{'」「'.join(twice)}」只能对应一列", field="columns")
    chosen = {header: kept.get(header, "ignore") for header in choice}
    staged.choice = json.dumps(chosen, ensure_ascii=False)
    existing = {
        row.header: row
        for row in db.session.scalars(
            sa.select(ImportColumnChoice).where(ImportColumnChoice.kind == plans.PLAN_TABLE)
        )
    }
    for header, role in chosen.items():
        row = existing.get(header)
        if row is None:
            db.session.add(ImportColumnChoice(kind=plans.PLAN_TABLE, header=header, role=role))
        else:
            row.role = role
    db.session.flush()


def read_staged(staged: PlanImport, limits: ContainerLimits) -> ResponsibilityTable:
    """The staged file read as a responsibility table, under the column choice.

    Raises :class:`TableReadError` (:class:`HeaderUnknown` when columns must be chosen)."""
    choice = choice_of(staged)
    key = (
        hashlib.sha256(staged.content).hexdigest(),
        staged.filename,
        json.dumps(choice, sort_keys=True, ensure_ascii=False),
        limits,
    )
    table = _READ.get(key)
    if table is None:
        with tempfile.TemporaryDirectory(prefix="plan-import-") as folder:
            path = Path(folder) / staged.filename
            path.write_bytes(staged.content)
            table = plans.read_table(path, limits=limits, choice=choice)
        _READ[key] = table
        while len(_READ) > _READ_KEEP:
            _READ.pop(next(iter(_READ)))
    return table


#: Tables read lately, by (content hash, name, choice, limits): the preview page, its
#: column choice and the confirmation read the same upload (tables are immutable).
_READ: dict[tuple[str, str, str, ContainerLimits], ResponsibilityTable] = {}
_READ_KEEP = 8


def preview(staged: PlanImport, limits: ContainerLimits) -> Preview:
    """What confirming ``staged`` would store (see :class:`Preview`). Reads only."""
    choice = choice_of(staged)
    empty = Preview(staged.id, staged.filename, staged.plan_id, choice=choice)
    try:
        table = read_staged(staged, limits)
    except HeaderUnknown as error:
        return replace(empty, error=str(error), headers=error.labels)
    except TableReadError as error:
        return replace(empty, error=str(error))
    plan = plans.get_plan(staged.plan_id) if staged.plan_id is not None else None
    period, source = _period(table, plan)
    units = UnitDirectory()
    rows = tuple(_row_preview(row, period, units) for row in table.rows)
    return replace(
        empty,
        title=table.title,
        name=plan.name if plan is not None else plans.plan_name(table),
        period=period,
        period_source=source,
        rows=rows,
        diff=plan_revision.diff_plan(plan, table) if plan is not None else None,
    )


def _period(table: ResponsibilityTable, plan: Plan | None) -> tuple[tuple[int, int] | None, str]:
    if plan is not None:
        return plan.period, "plan"
    found = period_from_title(table.title)
    if found is not None:
        return found, "title"
    guess = years_mentioned(row.schedule for row in table.rows)
    return (guess, "guess") if guess is not None else (None, "")


def _row_preview(row: PlanRow, period: tuple[int, int] | None, units: UnitDirectory) -> RowPreview:
    if period is None:
        milestones: tuple[str, ...] = ()
        reasons: tuple[str, ...] = ("实施期限未定，确定后再解析时间进度",)
    else:
        parsed = plans.read_schedule(row, period)
        milestones = tuple(describe_milestone(spec) for spec in parsed.milestones)
        reasons = parsed.reasons if parsed.needs_review else ()
    return RowPreview(
        row_number=row.row_number,
        category=row.category,
        measure=row.measure,
        task=row.task,
        schedule=row.schedule,
        lead=tuple(match_unit(name, units) for name in row.lead_units),
        cooperating=tuple(match_unit(name, units) for name in row.cooperating_units),
        milestones=milestones,
        reasons=tuple(reasons),
    )


def match_unit(name: UnitName, units: UnitDirectory) -> UnitMatch:
    """How a unit name of the table resolves: an existing unit, an alias, or new."""
    unit = units.find(name.name)
    if unit is None:
        return UnitMatch(name.name, "new", name.name)
    return UnitMatch(name.name, "existing" if unit.name == name.name else "alias", unit.name)


def describe_milestone(spec: MilestoneSpec) -> str:
    """A milestone in a line: "2020-12-31 ≥35%", "2021-04-30 完成摸底"."""
    target = ""
    if spec.target is not None:
        sign = {">=": "≥", "<=": "≤"}.get(spec.comparator or "", "")
        value = spec.target
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        target = f" {sign}{value}{spec.unit or ''}"
    return f"{spec.due.isoformat()}{target}"


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The office's answer to a preview: the plan's name and period (new plans only)."""

    name: str | None = None
    period: tuple[int, int] | None = None


def confirm(
    staged: PlanImport,
    answer: Confirmation,
    *,
    defaults: ReportingDefaults,
    limits: ContainerLimits,
    user: User | None,
    now: datetime,
) -> plans.ImportSummary | plan_revision.PlanDiff:
    """Apply the staged import: a new plan (its summary) or the revision of
    ``staged.plan_id`` (the diff applied). All or nothing, and brief for SQLite's write
    lock (issue 18 §1): the table is read, checked and every row computed first, reading
    only; then :func:`~tracker.unit_of_work.begin_writes` ends those reads and the writes
    run in a savepoint of the transaction the caller's unit of work commits. Refuses an
    import already applied (:class:`Conflict`, also when another request applied it
    meanwhile) and a table that cannot be read, with nothing written. Call it outside
    :func:`~tracker.unit_of_work.attempt` (it ends the transaction it was called in)."""
    if staged.confirmed_at is not None:
        raise Conflict("此文件已经导入，不能重复导入")
    try:
        table = read_staged(staged, limits)
    except TableReadError as error:
        raise ServiceError(str(error), field="file") from error
    if staged.plan_id is not None:
        plan = plans.get_plan(staged.plan_id)
        diff = plan_revision.diff_plan(plan, table)
        begin_writes()
        with db.session.begin_nested():
            _mark_confirmed(staged, staged.plan_id, now)
            return plan_revision.apply_revision(plan, table, user=user, now=now, diff=diff)
    period = answer.period or _period(table, None)[0]
    if period is None or not (2000 <= period[0] <= period[1] <= 2100):
        raise ServiceError("请填写实施期限，如 2019-2025", field="period")
    rows = compute_plan(table, period=period, defaults=defaults, name=answer.name)
    begin_writes(up_front=False)  # the rows are staged first, locking nothing
    with db.session.begin_nested():
        summary = plans.store_plan(rows, period)
        _mark_confirmed(staged, summary.plan_id, now)
    return summary


def _mark_confirmed(staged: PlanImport, plan_id: int, now: datetime) -> None:
    """Record the import as applied, unless another request did meanwhile (Conflict)."""
    done = db.session.execute(
        sa.update(PlanImport)
        .where(PlanImport.id == staged.id, PlanImport.confirmed_at.is_(None))
        .values(confirmed_at=now, result_plan_id=plan_id)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("此文件已经导入，不能重复导入")
    set_committed_value(staged, "confirmed_at", now)  # as stored: nothing more to flush
    set_committed_value(staged, "result_plan_id", plan_id)


def _unit_json(match: UnitMatch) -> dict[str, str]:
    return {"name": match.text, "status": match.status, "unit": match.unit}
