"""Revising a plan with a corrected table (issue 11 §2): a diff by task, then applying it.

Task identity across revisions — the decision and why:

1. **Same text first.** A row whose task text is, after whitespace, the text of a task in
   force is that task (first unused one, in table order). Most rows of a revision do not
   change, and a number (序号) or position alone would shift every task after an inserted
   or removed row onto its neighbour's reports.
2. **Then the most similar text, nearest position breaking ties.** The remaining rows and
   tasks are paired greedily by character-bigram similarity (:mod:`tracker.domain.
   similarity`, as the indicator suggestions use) plus a small bonus when their
   positions among the remaining ones agree, down to :data:`MATCH_THRESHOLD`: a reworded
   task keeps its reports, an unrelated new row at the place of a removed one does not
   inherit them.
3. What is left is **added** (new rows) or **removed** (tasks in force): removed tasks are
   archived (``Task.archived_at``), never deleted, and keep their reports.

A kept task whose schedule text changed is parsed again: its milestones in force are
superseded (kept, with the reason) and a history entry records before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tracker.domain.policy import UnitRole
from tracker.domain.similarity import bigrams, jaccard
from tracker.domain.units import UnitName
from tracker.extensions import db
from tracker.io.tables import PlanRow, ResponsibilityTable
from tracker.models import Category, Measure, Milestone, Plan, Task, User
from tracker.services import audit, bases, plans
from tracker.services.units import UnitDirectory

#: The least similarity (plus position bonus) at which a reworded row is the same task.
MATCH_THRESHOLD = 0.5
_POSITION_BONUS = 0.1
REVISION_REASON = "方案修订：时间进度已改"


@dataclass(frozen=True, slots=True)
class TaskChange:
    """What a revision does to one task: ``kind`` is added / changed / removed /
    unchanged; ``fields`` names what changed (text, schedule, lead, cooperating,
    grouping); old and new values are given for the diff."""

    kind: str
    task_id: int | None
    row_number: int | None
    text: str
    old_text: str = ""
    fields: tuple[str, ...] = ()
    old_schedule: str = ""
    new_schedule: str = ""
    old_units: str = ""
    new_units: str = ""

    def to_json(self) -> dict[str, object]:
        """The change as the API and ``--json`` give it."""
        return {
            "kind": self.kind,
            "task_id": self.task_id,
            "row": self.row_number,
            "text": self.text,
            "old_text": self.old_text,
            "fields": list(self.fields),
            "old_schedule": self.old_schedule,
            "new_schedule": self.new_schedule,
            "old_units": self.old_units,
            "new_units": self.new_units,
        }


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """Every task's change, in the revised table's order, removed tasks last."""

    changes: tuple[TaskChange, ...]
    pairs: dict[int, int] = field(default_factory=dict)  # row index → task id

    def counts(self) -> dict[str, int]:
        """``{"added", "changed", "removed", "unchanged"}``, as ``--into --json`` prints."""
        result = dict.fromkeys(("added", "changed", "removed", "unchanged"), 0)
        for change in self.changes:
            result[change.kind] += 1
        return result


def tasks_in_force(plan: Plan) -> list[Task]:
    """The plan's tasks that no revision archived, in table order."""
    return [task for task in plan.tasks if task.archived_at is None]


def match_tasks(tasks: Sequence[Task], rows: Sequence[PlanRow]) -> dict[int, int]:
    """Row index → task id, by the rules of the module docstring."""
    pairs: dict[int, int] = {}
    free = {task.id: task for task in tasks}
    by_text: dict[str, list[int]] = {}
    for task in tasks:
        by_text.setdefault(_key(task.text), []).append(task.id)
    for index, row in enumerate(rows):
        candidates = [tid for tid in by_text.get(_key(row.task), []) if tid in free]
        if candidates:
            pairs[index] = candidates[0]
            del free[candidates[0]]
    left_rows = [index for index in range(len(rows)) if index not in pairs]
    left_tasks = list(free.values())
    grams = {task.id: bigrams(task.text) for task in left_tasks}
    scored: list[tuple[float, int, int]] = []
    for rank, index in enumerate(left_rows):
        row_grams = bigrams(rows[index].task)
        for task_rank, task in enumerate(left_tasks):
            score = jaccard(row_grams, grams[task.id])
            if rank == task_rank:
                score += _POSITION_BONUS
            if score >= MATCH_THRESHOLD:
                scored.append((score, index, task.id))
    for _score, index, task_id in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if index not in pairs and task_id in free:
            pairs[index] = task_id
            del free[task_id]
    return pairs


def diff_plan(plan: Plan, table: ResponsibilityTable) -> PlanDiff:
    """What applying ``table`` to ``plan`` would do, task by task. Reads only."""
    tasks = tasks_in_force(plan)
    by_id = {task.id: task for task in tasks}
    pairs = match_tasks(tasks, table.rows)
    units = UnitDirectory()
    changes: list[TaskChange] = []
    for index, row in enumerate(table.rows):
        task = by_id.get(pairs.get(index, -1))
        if task is None:
            changes.append(
                TaskChange(
                    "added",
                    None,
                    row.row_number,
                    row.task,
                    new_schedule=row.schedule,
                    new_units=_row_units(row, units),
                )
            )
            continue
        changes.append(_compare(task, row, units))
    kept = set(pairs.values())
    for task in tasks:
        if task.id not in kept:
            changes.append(
                TaskChange(
                    "removed",
                    task.id,
                    None,
                    task.text,
                    old_text=task.text,
                    old_schedule=task.schedule_text,
                    old_units=_task_units(task),
                )
            )
    return PlanDiff(tuple(changes), pairs)


def _compare(task: Task, row: PlanRow, units: UnitDirectory) -> TaskChange:
    fields = []
    if _key(task.text) != _key(row.task):
        fields.append("text")
    if _key(task.schedule_text) != _key(row.schedule):
        fields.append("schedule")
    if _names(task, UnitRole.LEAD) != _resolved(row.lead_units, units):
        fields.append("lead")
    if _names(task, UnitRole.COOPERATING) != _resolved(row.cooperating_units, units):
        fields.append("cooperating")
    if (task.measure.category.name, task.measure.name) != _grouping(row):
        fields.append("grouping")
    return TaskChange(
        "changed" if fields else "unchanged",
        task.id,
        row.row_number,
        row.task,
        old_text=task.text,
        fields=tuple(fields),
        old_schedule=task.schedule_text,
        new_schedule=row.schedule,
        old_units=_task_units(task),
        new_units=_row_units(row, units),
    )


def apply_revision(
    plan: Plan,
    table: ResponsibilityTable,
    *,
    user: User | None,
    now: datetime,
    diff: PlanDiff | None = None,
) -> PlanDiff:
    """Apply ``table`` to ``plan``: kept tasks are updated in place (their reports,
    contributions and history stay), new rows become tasks, tasks no row matches are
    archived; positions follow the revised table. ``diff`` is :func:`diff_plan`'s, when
    the caller computed it before its write phase. Returns the diff applied. Flushes: the
    new tasks once together, not one by one."""
    diff = diff if diff is not None else diff_plan(plan, table)
    units = UnitDirectory()
    groups = _Groups(plan)
    by_id = {task.id: task for task in tasks_in_force(plan)}
    changed = {change.task_id: change for change in diff.changes if change.kind == "changed"}
    added: list[Task] = []
    for index, row in enumerate(table.rows):
        task_id = diff.pairs.get(index)
        if task_id is None:
            task = plans.task_from_row(row, index + 1, plan.period)
            task.plan = plan
            groups.measure(row).tasks.append(task)
            _link(task, row, units)
            added.append(task)
            continue
        task = by_id[task_id]
        task.position, task.source_row = index + 1, row.row_number
        change = changed.get(task_id)
        if change is not None:
            _update(task, row, change, groups, units, user=user, now=now)
    db.session.flush()
    for task in added:
        audit.record("create", task, user=user, task_id=task.id, summary="方案修订：新增任务")
    for change in diff.changes:
        if change.kind == "removed" and change.task_id is not None:
            task = by_id[change.task_id]
            before = audit.snapshot(task)
            task.archived_at = now
            audit.record(
                "archive",
                task,
                user=user,
                task_id=task.id,
                before=before,
                summary="方案修订：表中已无此任务，归档保留",
            )
    plan.source_filename = table.source
    db.session.flush()
    audit.record_change(
        "revise_plan",
        plan,
        user=user,
        task_id=None,
        before=None,
        after=diff.counts(),
        summary=f"方案修订：{table.source}",
    )
    return diff


def _update(
    task: Task,
    row: PlanRow,
    change: TaskChange,
    groups: _Groups,
    units: UnitDirectory,
    *,
    user: User | None,
    now: datetime,
) -> None:
    before = {
        **audit.snapshot(task),
        "milestones": [m.source for m in task.milestones],
        "units": change.old_units,
    }
    task.text = row.task
    if "grouping" in change.fields:
        task.measure = groups.measure(row)
    if "schedule" in change.fields:
        _reparse(task, row, now)
    if {"lead", "cooperating"} & set(change.fields):
        task.unit_links.clear()
        db.session.flush()
        _link(task, row, units)
    db.session.flush()
    after = {
        **audit.snapshot(task),
        "milestones": [m.source for m in task.milestones],
        "units": change.new_units,
    }
    labels = "、".join(_FIELD_LABELS[name] for name in change.fields)
    audit.record_change(
        "revise_plan",
        task,
        user=user,
        task_id=task.id,
        before=before,
        after=after,
        summary=f"方案修订：{labels}已改",
    )


def _reparse(task: Task, row: PlanRow, now: datetime) -> None:
    """The new schedule text with its milestones; the old ones are superseded, kept."""
    for milestone in task.milestones:
        milestone.superseded_at = now
        milestone.superseded_reason = REVISION_REASON
    db.session.flush()
    db.session.expire(task, ["milestones", "all_milestones"])
    parsed = plans.read_schedule(row, task.plan.period)
    task.schedule_text = row.schedule
    reasons = [*parsed.reasons, *bases.base_reasons(parsed.milestones, task.plan.first_year)]
    task.needs_review = bool(reasons) or parsed.needs_review
    task.review_reasons = "\n".join(reasons)
    for position, spec in enumerate(parsed.milestones, start=1):
        task.milestones.append(Milestone.from_spec(spec, position))


def _link(task: Task, row: PlanRow, units: UnitDirectory) -> None:
    plans.link_units(task, UnitRole.LEAD, row.lead_units, units)
    plans.link_units(task, UnitRole.COOPERATING, row.cooperating_units, units)


class _Groups:
    """The plan's categories and measures by name, adding the ones a revision names."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.categories = {category.name: category for category in plan.categories}
        self.measures = {
            (category.name, measure.name): measure
            for category in plan.categories
            for measure in category.measures
        }

    def measure(self, row: PlanRow) -> Measure:
        category_name, measure_name = _grouping(row)
        category = self.categories.get(category_name)
        if category is None:
            category = Category(position=len(self.categories) + 1, name=category_name)
            self.plan.categories.append(category)
            self.categories[category_name] = category
        measure = self.measures.get((category_name, measure_name))
        if measure is None:
            measure = Measure(position=len(category.measures) + 1, name=measure_name)
            category.measures.append(measure)
            self.measures[(category_name, measure_name)] = measure
        return measure


_FIELD_LABELS = {
    "text": "任务内容",
    "schedule": "时间进度",
    "lead": "牵头单位",
    "cooperating": "配合单位",
    "grouping": "所属举措",
}


def _key(text: str) -> str:
    return "".join(text.split())


def _grouping(row: PlanRow) -> tuple[str, str]:
    return (row.category or "未分类", row.measure or "未分组")


def _names(task: Task, role: UnitRole) -> list[str]:
    return [unit.name for unit in task.units_with_role(role)]


def _resolved(names: Sequence[UnitName], units: UnitDirectory) -> list[str]:
    found = []
    for name in names:
        unit = units.find(name.name)
        found.append(unit.name if unit is not None else name.name)
    return found


def _task_units(task: Task) -> str:
    return _units_text(_names(task, UnitRole.LEAD), _names(task, UnitRole.COOPERATING))


def _row_units(row: PlanRow, units: UnitDirectory) -> str:
    return _units_text(_resolved(row.lead_units, units), _resolved(row.cooperating_units, units))


def _units_text(lead: list[str], cooperating: list[str]) -> str:
    text = "牵头：" + ("、".join(lead) or "—")
    return text + ("；配合：" + "、".join(cooperating) if cooperating else "")
