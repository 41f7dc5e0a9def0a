"""A unit's reports by Excel: the template of a period, and the import of a filled one
(all-or-nothing, every fault named by its sheet row), issue 3 §6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from config.settings import LagThresholds
from tracker.domain.periods import Period, parse_period
from tracker.domain.policy import UnitRole
from tracker.extensions import db
from tracker.io.containers import ContainerLimits
from tracker.io.report_workbook import FilledRow, TemplateRow, WorkbookError, read_filled
from tracker.models import ProgressReport, ReportStatus, Task, Unit, User
from tracker.services import reports
from tracker.services.errors import NotFound, ServiceError
from tracker.services.obligations import Obligation, checked_period, owed_for_period


@dataclass(frozen=True, slots=True)
class UploadResult:
    """What an import saved: the reports in sheet order and whether they were submitted
    (else saved as drafts)."""

    saved: list[ProgressReport] = field(default_factory=list)
    submitted: bool = True

    @property
    def count(self) -> int:
        """How many rows were imported."""
        return len(self.saved)


class UploadError(ServiceError):
    """The import was refused and nothing changed. ``errors`` lists every fault with its
    sheet row ("第5行：…"); the message joins them with "；"."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors), field="file")
        self.errors = errors


# ---------------------------------------------------------------------------- template


def template_rows(
    unit: Unit, period_code: str, today: date, *, lag: LagThresholds
) -> tuple[Period, list[TemplateRow]]:
    """The period and one row per report ``unit`` owes for it (flags under the thresholds
    ``lag``), in task order, prefilled
    from the period's own report (draft, returned or in review) or else the last accepted
    report, so the unit edits instead of retyping. Raises :class:`NotFound` (field
    "period") for a bad period code: there is no such template."""
    try:
        period = parse_period(period_code)
    except ValueError as error:
        raise NotFound(str(error), field="period") from error
    owed = owed_for_period(unit, period.code, today, lag=lag)
    return period, [_template_row(o) for o in owed]


def _template_row(obligation: Obligation) -> TemplateRow:
    task = obligation.task
    source = obligation.report or reports.last_accepted(task.id)
    return TemplateRow(
        task_id=task.id,
        task_text=task.text,
        schedule_text=task.schedule_text,
        period_code=obligation.period.code,
        period_label=obligation.period.label,
        value_unit=reports.value_unit(task),
        value=source.value if source else None,
        progress=source.progress if source else "",
        problems=source.problems if source else "",
        next_steps=source.next_steps if source else "",
    )


# ---------------------------------------------------------------------------- import


def import_workbook(
    unit: Unit,
    user: User,
    data: bytes,
    today: date,
    submit: bool = True,
    *,
    limits: ContainerLimits,
) -> UploadResult:
    """:func:`import_filled` of the rows of an uploaded template (the .xlsx file's bytes),
    refused before openpyxl opens it when it breaks ``limits`` (the ``imports`` settings).

    Raises :class:`UploadError` listing every fault of a file that cannot be read
    (:func:`~tracker.io.report_workbook.read_filled`; a broken limit is named) or of its
    rows (nothing changed).
    """
    try:
        rows = read_filled(data, limits)
    except WorkbookError as error:
        raise UploadError(error.errors) from error
    return import_filled(unit, user, rows, today, submit=submit)


def import_filled(
    unit: Unit, user: User, rows: Sequence[FilledRow], today: date, submit: bool = True
) -> UploadResult:
    """Submit (or, with ``submit=False``, save as drafts) the reports of ``rows`` for
    ``unit``, written by ``user``.

    Every row is checked first — the task exists, ``unit`` leads it, the period is open
    for it (not accepted, within the plan up to today), no other row has the same task
    and period, a value is given for numeric tasks when submitting, and a draft does not
    replace a report in review — and all faults are collected. Raises
    :class:`UploadError` listing them (nothing changed) or saves every row; flushes, the
    caller commits (and rolls back on any :class:`ServiceError`).
    """
    if not rows:
        raise UploadError(["文件中没有需要导入的填报行"])
    tasks = _tasks_by_id({row.task_id for row in rows})
    errors = _check_rows(unit, rows, tasks, today, submit)
    if errors:
        raise UploadError(errors)
    save = reports.submit_report if submit else reports.save_draft
    saved = []
    for row in rows:
        try:
            saved.append(save(tasks[row.task_id], unit, user, _input(row), today))
        except ServiceError as error:
            raise UploadError([f"第{row.row}行：{error.message}"]) from error
    db.session.flush()
    return UploadResult(saved=saved, submitted=submit)


def _input(row: FilledRow) -> reports.ReportInput:
    return reports.ReportInput(
        period=row.period,
        value=row.value,
        progress=row.progress,
        problems=row.problems,
        next_steps=row.next_steps,
    )


def _tasks_by_id(task_ids: set[int]) -> dict[int, Task]:
    found = db.session.scalars(
        sa.select(Task)
        .where(Task.id.in_(task_ids))
        .options(selectinload(Task.milestones), selectinload(Task.unit_links))
    )
    return {task.id: task for task in found}


def _check_rows(
    unit: Unit, rows: Sequence[FilledRow], tasks: dict[int, Task], today: date, submit: bool
) -> list[str]:
    errors: list[str] = []
    first_row: dict[tuple[int, str], int] = {}
    for row in rows:
        key = (row.task_id, row.period)
        if key in first_row:
            errors.append(
                f"第{row.row}行：与第{first_row[key]}行是同一任务的同一期间，请只保留一行"
            )
            continue
        first_row[key] = row.row
        problem = _row_problem(unit, row, tasks.get(row.task_id), today, submit)
        if problem:
            errors.append(f"第{row.row}行{problem}")
    return errors


def _row_problem(
    unit: Unit, row: FilledRow, task: Task | None, today: date, submit: bool
) -> str | None:
    """What is wrong with one row (text after "第N行"), or None."""
    if task is None:
        return f"「任务编号」：没有编号为 {row.task_id} 的任务"
    if task.role_of(unit.id) is not UnitRole.LEAD:
        return f"「任务编号」：{unit.name}不是任务 {row.task_id} 的牵头单位，不能填报"
    if task.closed_at is not None:
        return f"：任务 {row.task_id} 已销号，不再填报"
    period = checked_period(row.period)
    current = reports.find_report(task.id, period.code)
    if current is not None and current.status in (ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED):
        return f"「填报期间」：任务 {row.task_id} {period.label}的填报已审核通过，不能再修改"
    if period.code not in {p.code for p in reports.reportable_periods(task, today)}:
        return f"「填报期间」：{period.label}不在任务 {row.task_id} 可填报的期间内"
    if current is not None and current.status in reports.IN_REVIEW and not submit:
        return f"：任务 {row.task_id} {period.label}的填报已提交审核，不能存为草稿"
    unit_label = reports.value_unit(task)
    if submit and unit_label is not None and row.value is None:
        return f"「完成值」：任务 {row.task_id} 须填写完成值（{unit_label}）"
    return None
