"""The problem ledger as .xlsx (:mod:`tracker.io.problem_workbook`) from the problems shown."""

from __future__ import annotations

from datetime import date

from tracker.io.problem_workbook import ProblemRow, problem_workbook
from tracker.models import Problem


def _link(problem: Problem) -> str:
    parts = []
    if problem.task is not None:
        parts.append(f"任务：{problem.task.text[:40]}")
    if problem.indicator is not None:
        parts.append(f"指标：{problem.indicator.code} {problem.indicator.name[:30]}".strip())
    return "；".join(parts)


def ledger_xlsx(problems: list[Problem], today: date) -> bytes:
    """The .xlsx of ``problems`` (in their order), overdue ones as of ``today`` in red."""
    rows = [
        ProblemRow(
            unit=problem.unit.name,
            source=problem.source_label,
            inspection=problem.inspection.name if problem.inspection else "",
            category=problem.category,
            description=problem.description,
            requirement=problem.requirement,
            responsible=problem.responsible,
            found_on=problem.found_on.isoformat(),
            due_on=problem.due_on.isoformat(),
            status=problem.status_label,
            overdue=problem.is_overdue(today),
            rectification=problem.rectification,
            verification=problem.verification or problem.return_reason,
            link=_link(problem),
        )
        for problem in problems
    ]
    return problem_workbook(f"问题清单（截至{today.isoformat()}）", rows)
