"""Expected-to-date (序时进度) and lag states (滞后/逾期/临期…), DESIGN.md §5.

Pure rules: the caller loads a task's milestones, its lead units' reports and the reports
it must file, passes "today" as ``as_of`` plus the working-day calendar and the settings,
and gets a :class:`TaskAssessment` back: one state per milestone, one for the task, the
expected-to-date and actual values, and the lag events to record and remind about.

Reading of the reported value (one number per report, percent as 0–100):

- ``level``/``maintain``/``growth``: the level reached at the period end.
- When the task has a ``cumulative`` milestone, every value is the running total (the
  baseline, if any, included); the quantity of a year for an ``annual`` milestone is the
  latest value of that year minus the last value before that year (else the baseline, else 0).
- Otherwise ``annual`` values are the quantity of the year to date (年内累计).
- Only accepted reports count, each from its submission day (or its period end when the
  submission day is unknown) on; "actual" is the latest such value by period end.

Comparators: ">=" (and "=", read as "reach": 达到) and ">" mean higher is better; "<=" and
"<" mean lower is better ("控制在8%以内"), which flips on-track/behind/missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.milestones import MilestoneKind, MilestoneSpec
from tracker.domain.periods import (
    DEFAULT_DUE_WORKDAYS,
    Cadence,
    Period,
    periods_between,
    report_due_date,
)

_EPS = 1e-9
_ONE_DAY = timedelta(days=1)


class LagState(StrEnum):
    """The states of DESIGN.md §5."""

    DONE = "done"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    RECOVERED = "recovered"
    NO_DATA = "no_data"


LAG_LABELS: dict[LagState, str] = {
    LagState.DONE: "已完成",
    LagState.ON_TRACK: "正常",
    LagState.BEHIND: "滞后",
    LagState.MISSED: "未达标",
    LagState.OVERDUE: "逾期未报",
    LagState.DUE_SOON: "临期",
    LagState.RECOVERED: "已补齐",
    LagState.NO_DATA: "暂无",
}

#: Colour names of DESIGN.md §5 (CSS colour keywords; ``done`` is teal).
LAG_COLOURS: dict[LagState, str] = {
    LagState.DONE: "teal",
    LagState.ON_TRACK: "green",
    LagState.BEHIND: "yellow",
    LagState.MISSED: "red",
    LagState.OVERDUE: "red",
    LagState.DUE_SOON: "blue",
    LagState.RECOVERED: "yellow",
    LagState.NO_DATA: "grey",
}

#: Most urgent first: how a task's state is picked from its milestones and reports.
URGENCY: tuple[LagState, ...] = (
    LagState.OVERDUE,
    LagState.MISSED,
    LagState.BEHIND,
    LagState.RECOVERED,
    LagState.DUE_SOON,
    LagState.ON_TRACK,
    LagState.DONE,
    LagState.NO_DATA,
)


@dataclass(frozen=True)
class LagSettings:
    """Thresholds of DESIGN.md §5, in working days (settings, not constants).

    - ``missed_grace_workdays``: a milestone is missed only after its date plus this many.
    - ``overdue_grace_workdays``: a report is overdue only after its due date plus this many.
    - ``due_soon_workdays``: an unsubmitted report is due soon when at most this many
      working days are left until its due date.
    """

    missed_grace_workdays: int = 0
    overdue_grace_workdays: int = 0
    due_soon_workdays: int = 5


@dataclass(frozen=True)
class ReportFact:
    """One report of the task's lead unit(s) for the period ending ``period_end``.

    ``value`` follows the reading in the module docstring (``None`` for text-only reports);
    ``accepted`` is the office's review; ``submitted_on`` the day it was submitted.
    """

    period_end: date
    value: float | None
    accepted: bool
    submitted_on: date | None


@dataclass(frozen=True)
class ReportDue:
    """A required report: its period, its due date and the day it was submitted (if any)."""

    period: Period
    due: date
    submitted_on: date | None


@dataclass(frozen=True)
class TaskFacts:
    """Everything the lag rules read about one task.

    ``baseline`` is the value at ``plan_start`` (``None`` → 0 for rising targets);
    ``closed`` is True once the office closed the task (销号).
    """

    milestones: Sequence[MilestoneSpec]
    reports: Sequence[ReportFact]
    report_dues: Sequence[ReportDue]
    plan_start: date
    baseline: float | None = None
    closed: bool = False


@dataclass(frozen=True)
class MilestoneAssessment:
    """State of ``milestones[index]``: expected value now (or the target once due), actual."""

    index: int
    state: LagState
    expected: float | None
    actual: float | None


@dataclass(frozen=True)
class LagEvent:
    """A lag to record and remind about; dedupe key: (kind, milestone id / period code)."""

    kind: LagState
    milestone_index: int | None
    period_code: str | None
    due: date
    message: str


@dataclass(frozen=True)
class TaskAssessment:
    """A task's state, its expected-to-date and actual value, milestone states and events."""

    state: LagState
    expected: float | None
    actual: float | None
    milestones: tuple[MilestoneAssessment, ...]
    events: tuple[LagEvent, ...]


# --------------------------------------------------------------------------- helpers


def _number(target: object) -> float | None:
    """The target as a float, or None when it is not a number."""
    if isinstance(target, bool) or not isinstance(target, int | float):
        return None
    return float(target)


def _target(m: MilestoneSpec) -> float:
    """The numeric target of ``m``; ``ValueError`` when it has none (checked by callers)."""
    value = _number(m.target)
    if value is None:
        raise ValueError(f"节点目标不是数值：{m.target!r}")
    return value


def lower_is_better(comparator: str | None) -> bool:
    """True for "<=" and "<" (e.g. "控制在8%以内")."""
    return comparator in ("<=", "<")


def meets(value: float, comparator: str | None, target: float) -> bool:
    """Whether ``value`` meets ``target`` under ``comparator`` (">=", ">", "<=", "<", "=").

    "=" and ``None`` read as ">=" ("达到"): surpassing a level or count still meets it.
    """
    if comparator == ">":
        return value > target + _EPS
    if comparator == "<":
        return value < target - _EPS
    if comparator == "<=":
        return value <= target + _EPS
    return value >= target - _EPS


def on_pace(value: float, expected: float, comparator: str | None) -> bool:
    """Whether ``value`` is at or beyond ``expected`` in the good direction (never strict)."""
    if lower_is_better(comparator):
        return value <= expected + _EPS
    return value >= expected - _EPS


def _fraction(day: date, start: date, end: date) -> float:
    """Share of ``(start, end]`` elapsed at ``day``, clamped to [0, 1]."""
    span = (end - start).days
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (day - start).days / span))


def _deadline(day: date, calendar: WorkdayCalendar, grace_workdays: int) -> date:
    """``day`` plus ``grace_workdays`` working days (``day`` itself when there is no grace)."""
    return day if grace_workdays <= 0 else calendar.add_workdays(day, grace_workdays)


def _year_start(m: MilestoneSpec) -> date:
    """First day covered by an annual/maintain/growth milestone."""
    return m.start or date(m.due.year, 1, 1)


@dataclass(frozen=True)
class _Accepted:
    """Accepted reports visible at ``as_of``, sorted by period end."""

    rows: tuple[tuple[date, float | None], ...]

    @classmethod
    def of(cls, reports: Iterable[ReportFact], as_of: date) -> _Accepted:
        """Accepted reports submitted by ``as_of`` (period end when no submission day)."""
        visible = [r for r in reports if r.accepted and (r.submitted_on or r.period_end) <= as_of]
        visible.sort(key=lambda r: (r.period_end, r.submitted_on or r.period_end))
        return cls(tuple((r.period_end, r.value) for r in visible))

    def latest(self, since: date | None = None, until: date | None = None) -> float | None:
        """Latest numeric value with ``since <= period_end <= until``."""
        for end, value in reversed(self.rows):
            if value is None or (until is not None and end > until):
                continue
            if since is not None and end < since:
                return None
            return value
        return None

    def values_after(self, day: date) -> list[float]:
        """Numeric values of periods ending after ``day``."""
        return [v for end, v in self.rows if end > day and v is not None]

    def any_between(self, since: date | None, until: date | None) -> bool:
        """Whether an accepted report (text-only too) ends in ``[since, until]``."""
        return any(
            (since is None or end >= since) and (until is None or end <= until)
            for end, _ in self.rows
        )


# ------------------------------------------------------------------ expected-to-date


def _chain(milestones: Sequence[MilestoneSpec], kind: MilestoneKind) -> list[MilestoneSpec]:
    """Milestones of ``kind`` with a numeric target, by due date."""
    chain = [m for m in milestones if m.kind is kind and _number(m.target) is not None]
    return sorted(chain, key=lambda m: m.due)


def _chain_start(
    chain: Sequence[MilestoneSpec], plan_start: date, baseline: float | None
) -> tuple[date, float]:
    """Where a level/cumulative line starts: the baseline (0 if unknown) at the plan start.

    For a lower-is-better chain with no baseline the first target itself is used (a ceiling
    that starts at 0 would make every real value look behind).
    """
    first = chain[0]
    if baseline is not None:
        return plan_start, baseline
    if lower_is_better(first.comparator):
        return plan_start, _target(first)
    return plan_start, 0.0


def _chain_expected(
    chain: Sequence[MilestoneSpec], pos: int, as_of: date, plan_start: date, baseline: float | None
) -> float:
    """Linear expectation towards ``chain[pos]`` from the previous point of the chain."""
    if pos == 0:
        prev_day, prev_value = _chain_start(chain, plan_start, baseline)
    else:
        prev_day, prev_value = chain[pos - 1].due, _target(chain[pos - 1])
    target = _target(chain[pos])
    return prev_value + (target - prev_value) * _fraction(as_of, prev_day, chain[pos].due)


def _line_expected(
    chain: Sequence[MilestoneSpec], as_of: date, plan_start: date, baseline: float | None
) -> float:
    """Expected value of a level/cumulative chain at ``as_of`` (held at the last target)."""
    for pos, m in enumerate(chain):
        if as_of <= m.due:
            return _chain_expected(chain, pos, as_of, plan_start, baseline)
    return _target(chain[-1])


def _covering(
    milestones: Sequence[MilestoneSpec], kind: MilestoneKind, as_of: date, plan_start: date
) -> MilestoneSpec | None:
    """The milestone of ``kind`` whose [start, due] contains ``as_of``.

    A maintain milestone without a start covers the plan from ``plan_start``; an annual one
    its calendar year.
    """
    for m in _chain(milestones, kind):
        maintain = kind is MilestoneKind.MAINTAIN
        start = (m.start or plan_start) if maintain else _year_start(m)
        if start <= as_of <= m.due:
            return m
    return None


def _annual_expected(m: MilestoneSpec, as_of: date) -> float:
    """The year's quantity pro rata: target × (days elapsed in the year / days in the year)."""
    start = _year_start(m)
    return _target(m) * _fraction(as_of, start - _ONE_DAY, m.due)


def expected_to_date(
    milestones: Sequence[MilestoneSpec],
    as_of: date,
    plan_start: date,
    baseline: float | None = None,
) -> float | None:
    """Expected-to-date (序时进度) of a task at ``as_of``, in the milestones' unit (DESIGN.md §5).

    - ``cumulative`` (first choice) or ``level``: linear between the previous milestone (or
      ``baseline``, default 0, at ``plan_start``) and the next one; after the last
      milestone, its target. Example: 20 % by 2019-12-31 and 35 % by 2020-12-31 give
      20 + 15 × 183/366 = 27.5 on 2020-07-01.
    - else ``maintain``: the level itself, for the milestone covering ``as_of``.
    - else ``annual``: the year's quantity × day of year / days in the year.
    - ``growth`` needs the previous year's actual (see :func:`assess_task`); ``stage`` and
      ``ongoing`` have none: ``None``.
    """
    for kind in (MilestoneKind.CUMULATIVE, MilestoneKind.LEVEL):
        chain = _chain(milestones, kind)
        if chain:
            return _line_expected(chain, as_of, plan_start, baseline)
    maintained = _covering(milestones, MilestoneKind.MAINTAIN, as_of, plan_start)
    if maintained is not None:
        return _target(maintained)
    annual = _covering(milestones, MilestoneKind.ANNUAL, as_of, plan_start)
    if annual is not None:
        return _annual_expected(annual, as_of)
    return None


# ------------------------------------------------------------------------ messages


_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": ""}


def _fmt(value: float) -> str:
    """A number without trailing zeros: 27.5, 38.16, 56000."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


#: Units counted in whole things: a large expected count reads as a whole number
#: (15095.46 人 → 15095人), a small one keeps its fraction (1.5家).
_WHOLE_UNITS = frozenset({"人", "家", "个", "次", "场", "所", "名", "元"})


def _quantity(value: float | None, unit: str | None) -> str:
    """``20%``, ``1.1倍``, ``100人``; "无" when unknown. Counts are whole numbers."""
    if value is None:
        return "无"
    if unit in _WHOLE_UNITS and abs(value) >= 100:
        value = round(value)
    return f"{_fmt(value)}{unit or ''}"


def _date_label(day: date) -> str:
    """ "2019年" for Dec 31, "2021年6月底" for a month end, else "2021年6月15日"."""
    if (day.month, day.day) == (12, 31):
        return f"{day.year}年"
    if (day + _ONE_DAY).month != day.month:
        return f"{day.year}年{day.month}月底"
    return f"{day.year}年{day.month}月{day.day}日"


def _day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _target_text(m: MilestoneSpec, target: float | None) -> str:
    """What the milestone asks, e.g. "2019年目标≥20%", "2020年度目标≥100人"."""
    symbol = _SYMBOLS.get(m.comparator or ">=", "")
    if m.kind is MilestoneKind.ANNUAL:
        return f"{m.due.year}年度目标{symbol}{_quantity(target, m.unit)}"
    if m.kind is MilestoneKind.MAINTAIN:
        return f"{m.due.year}年目标保持{symbol}{_quantity(target, m.unit)}"
    if m.kind is MilestoneKind.GROWTH:
        factor = _number(m.target) or 1.0
        rise = "高于上年" if abs(factor - 1) < _EPS else f"较上年增长{_fmt((factor - 1) * 100)}%"
        return f"{m.due.year}年目标{rise}（{symbol}{_quantity(target, m.unit)}）"
    return f"{_date_label(m.due)}目标{symbol}{_quantity(target, m.unit)}"


def _actual_text(actual: float | None, unit: str | None) -> str:
    return "暂无已审核数据" if actual is None else f"实际{_quantity(actual, unit)}"


def _missed_message(m: MilestoneSpec, target: float | None, actual: float | None) -> str:
    if m.kind is MilestoneKind.STAGE:
        return f"{_date_label(m.due)}节点“{m.target or ''}”未完成"
    return f"{_target_text(m, target)}未达标（{_actual_text(actual, m.unit)}）"


def _behind_message(
    m: MilestoneSpec, target: float | None, expected: float | None, actual: float | None
) -> str:
    return (
        f"{_target_text(m, target)}进度滞后"
        f"（序时应达{_quantity(expected, m.unit)}，{_actual_text(actual, m.unit)}）"
    )


# ------------------------------------------------------------ milestone assessment


@dataclass(frozen=True)
class _Context:
    facts: TaskFacts
    as_of: date
    calendar: WorkdayCalendar
    settings: LagSettings
    accepted: _Accepted
    running_totals: bool

    def deadline(self, m: MilestoneSpec) -> date:
        """The milestone date plus the missed grace, in working days."""
        return _deadline(m.due, self.calendar, self.settings.missed_grace_workdays)


@dataclass(frozen=True)
class _Outcome:
    state: LagState
    expected: float | None = None
    actual: float | None = None
    target: float | None = None  # the concrete target (growth: last year × factor)


def _progress(actual: float | None, expected: float | None, comparator: str | None) -> LagState:
    """Before a milestone date: on track / behind against expected-to-date (no data: 暂无)."""
    if actual is None:
        return LagState.NO_DATA
    if expected is None or on_pace(actual, expected, comparator):
        return LagState.ON_TRACK
    return LagState.BEHIND


def _settle(
    ctx: _Context,
    m: MilestoneSpec,
    target: float,
    measured: float | None,
    later: Sequence[float],
) -> _Outcome:
    """After the milestone date: done / missed / recovered; within the grace still pending.

    ``measured`` is the accepted value of a period ending on/before the milestone date;
    ``later`` the accepted values of later periods (a later one that meets → recovered).
    """
    if measured is not None and meets(measured, m.comparator, target):
        return _Outcome(LagState.DONE, target, measured, target)
    if ctx.as_of <= ctx.deadline(m):
        state = LagState.NO_DATA if measured is None else LagState.BEHIND
        return _Outcome(state, target, measured, target)
    for value in later:
        if meets(value, m.comparator, target):
            return _Outcome(LagState.RECOVERED, target, value, target)
    return _Outcome(LagState.MISSED, target, measured, target)


def _assess_line(ctx: _Context, m: MilestoneSpec) -> _Outcome:
    """level / cumulative: linear expected-to-date along the chain of the same kind."""
    chain = _chain(ctx.facts.milestones, m.kind)
    pos = next(i for i, c in enumerate(chain) if c is m)
    target = _target(m)
    if pos > 0 and ctx.as_of <= chain[pos - 1].due:
        return _Outcome(LagState.NO_DATA, target=target)
    if ctx.as_of <= m.due:
        expected = _chain_expected(chain, pos, ctx.as_of, ctx.facts.plan_start, ctx.facts.baseline)
        actual = ctx.accepted.latest()
        return _Outcome(_progress(actual, expected, m.comparator), expected, actual, target)
    measured = ctx.accepted.latest(until=m.due)
    return _settle(ctx, m, target, measured, ctx.accepted.values_after(m.due))


def _assess_maintain(ctx: _Context, m: MilestoneSpec) -> _Outcome:
    """maintain: the level itself is expected all along its [start, due]."""
    start = m.start or ctx.facts.plan_start
    target = _target(m)
    if ctx.as_of < start:
        return _Outcome(LagState.NO_DATA, target=target)
    if ctx.as_of <= m.due:
        actual = ctx.accepted.latest(since=start)
        return _Outcome(_progress(actual, target, m.comparator), target, actual, target)
    measured = ctx.accepted.latest(since=start, until=m.due)
    return _settle(ctx, m, target, measured, ctx.accepted.values_after(m.due))


def _annual_quantity(ctx: _Context, start: date, end: date) -> float | None:
    """The year's quantity: year-to-date value, or a difference of running totals."""
    in_year = ctx.accepted.latest(since=start, until=end)
    if in_year is None or not ctx.running_totals:
        return in_year
    before = ctx.accepted.latest(until=start - _ONE_DAY)
    if before is None:
        before = ctx.facts.baseline or 0.0
    return in_year - before


def _assess_annual(ctx: _Context, m: MilestoneSpec) -> _Outcome:
    """annual: the year's quantity, expected pro rata; a later year never makes it up."""
    start = _year_start(m)
    target = _target(m)
    if ctx.as_of < start:
        return _Outcome(LagState.NO_DATA, target=target)
    actual = _annual_quantity(ctx, start, m.due)
    if ctx.as_of <= m.due:
        expected = _annual_expected(m, ctx.as_of)
        return _Outcome(_progress(actual, expected, m.comparator), expected, actual, target)
    return _settle(ctx, m, target, actual, ())


def _assess_growth(ctx: _Context, m: MilestoneSpec) -> _Outcome:
    """growth: target = last year's actual × factor; expected linear over the year."""
    start = _year_start(m)
    if ctx.as_of < start:
        return _Outcome(LagState.NO_DATA)
    previous = ctx.accepted.latest(until=start - _ONE_DAY)
    if previous is None:
        previous = ctx.facts.baseline
    if previous is None:
        return _Outcome(LagState.NO_DATA, actual=ctx.accepted.latest(since=start))
    target = previous * _target(m)
    if ctx.as_of <= m.due:
        fraction = _fraction(ctx.as_of, start - _ONE_DAY, m.due)
        expected = previous + (target - previous) * fraction
        actual = ctx.accepted.latest(since=start)
        return _Outcome(_progress(actual, expected, m.comparator), expected, actual, target)
    measured = ctx.accepted.latest(since=start, until=m.due)
    return _settle(ctx, m, target, measured, ctx.accepted.values_after(m.due))


def _assess_stage(ctx: _Context, m: MilestoneSpec) -> _Outcome:
    """stage: met by closing the task or by an accepted report for a period in its window.

    The window runs from the day after the previous stage milestone (or the plan start) to
    the stage date; an accepted report of a later period after the deadline → recovered.
    """
    stages = sorted(
        (s for s in ctx.facts.milestones if s.kind is MilestoneKind.STAGE), key=lambda s: s.due
    )
    earlier = [s.due for s in stages if s.due < m.due]
    since = earlier[-1] + _ONE_DAY if earlier else ctx.facts.plan_start
    if ctx.facts.closed or ctx.accepted.any_between(since, m.due):
        return _Outcome(LagState.DONE)
    if ctx.as_of <= ctx.deadline(m):
        return _Outcome(LagState.NO_DATA)
    if ctx.accepted.any_between(m.due + _ONE_DAY, None):
        return _Outcome(LagState.RECOVERED)
    return _Outcome(LagState.MISSED)


def _assess_ongoing(ctx: _Context, m: MilestoneSpec) -> _Outcome:
    """ongoing: no number; on track once an accepted report exists (lateness: ReportDue)."""
    start = m.start or ctx.facts.plan_start
    if ctx.as_of >= start and ctx.accepted.any_between(start, None):
        return _Outcome(LagState.ON_TRACK, actual=ctx.accepted.latest(since=start))
    return _Outcome(LagState.NO_DATA)


_ASSESSORS = {
    MilestoneKind.LEVEL: _assess_line,
    MilestoneKind.CUMULATIVE: _assess_line,
    MilestoneKind.MAINTAIN: _assess_maintain,
    MilestoneKind.ANNUAL: _assess_annual,
    MilestoneKind.GROWTH: _assess_growth,
    MilestoneKind.STAGE: _assess_stage,
    MilestoneKind.ONGOING: _assess_ongoing,
}


def _assess_milestone(ctx: _Context, m: MilestoneSpec) -> _Outcome:
    """Dispatch on the kind; a numeric kind without a numeric target has no data."""
    if m.is_numeric and _number(m.target) is None:
        return _Outcome(LagState.NO_DATA)
    return _ASSESSORS[m.kind](ctx, m)


def _milestone_event(index: int, m: MilestoneSpec, outcome: _Outcome) -> LagEvent | None:
    """A ``missed`` or ``behind`` event for the milestone, else None."""
    if outcome.state is LagState.MISSED:
        message = _missed_message(m, outcome.target, outcome.actual)
    elif outcome.state is LagState.BEHIND:
        message = _behind_message(m, outcome.target, outcome.expected, outcome.actual)
    else:
        return None
    return LagEvent(outcome.state, index, None, m.due, message)


# --------------------------------------------------------------- report dues


def report_state(
    report: ReportDue, as_of: date, calendar: WorkdayCalendar, settings: LagSettings
) -> LagState | None:
    """``overdue``, ``due_soon`` or None (submitted, or not yet near) for a required report.

    - submitted on/before ``as_of``: None.
    - ``as_of`` after due + ``overdue_grace_workdays`` working days: ``overdue``.
    - after the due date but within the grace, or at most ``due_soon_workdays`` working days
      left in ``(as_of, due]``: ``due_soon``.
    """
    if report.submitted_on is not None and report.submitted_on <= as_of:
        return None
    if as_of > _deadline(report.due, calendar, settings.overdue_grace_workdays):
        return LagState.OVERDUE
    left = calendar.workdays_between(as_of + _ONE_DAY, report.due)
    if as_of > report.due or left <= settings.due_soon_workdays:
        return LagState.DUE_SOON
    return None


def _report_event(report: ReportDue, state: LagState) -> LagEvent:
    label, due = report.period.label, _day_text(report.due)
    if state is LagState.OVERDUE:
        message = f"{label}进度未按期填报（截止{due}）"
    else:
        message = f"{label}进度将于{due}截止，尚未填报"
    return LagEvent(state, None, report.period.code, report.due, message)


def required_report_dues(
    milestones: Sequence[MilestoneSpec],
    plan_start: date,
    as_of: date,
    cadence: Cadence,
    calendar: WorkdayCalendar,
    submitted: Mapping[str, date] | None = None,
    due_workdays: int = DEFAULT_DUE_WORKDAYS,
) -> list[ReportDue]:
    """The reports a task must file by ``as_of``: one per period of ``cadence``.

    Only tasks with an ``ongoing`` or numeric milestone need periodic reports (stage-only
    tasks do not). Periods run from the one containing ``plan_start`` to the one containing
    ``min(as_of, last such milestone date)`` — the current period is included so that it
    can become due soon. Each is due ``due_workdays`` working days after its end;
    ``submitted`` maps period codes to submission days.
    """
    relevant = [m for m in milestones if m.is_numeric or m.kind is MilestoneKind.ONGOING]
    if not relevant:
        return []
    last = min(as_of, max(m.due for m in relevant))
    submitted = submitted or {}
    return [
        ReportDue(p, report_due_date(p, calendar, due_workdays), submitted.get(p.code))
        for p in periods_between(plan_start, last, cadence)
    ]


# ----------------------------------------------------------------- task


def _final_met(ctx: _Context, m: MilestoneSpec, state: LagState) -> bool:
    """A final milestone is met: level/cumulative by the latest value (early too), else DONE."""
    if m.kind in (MilestoneKind.LEVEL, MilestoneKind.CUMULATIVE):
        latest = ctx.accepted.latest()
        return latest is not None and meets(latest, m.comparator, _target(m))
    return state is LagState.DONE


def _is_done(ctx: _Context, states: Sequence[LagState]) -> bool:
    """done: closed; or no milestone missed and every last-dated numeric target met."""
    if ctx.facts.closed:
        return True
    numeric = [
        (i, m)
        for i, m in enumerate(ctx.facts.milestones)
        if m.is_numeric and _number(m.target) is not None
    ]
    if not numeric or LagState.MISSED in states:
        return False
    last_due = max(m.due for _, m in numeric)
    return all(_final_met(ctx, m, states[i]) for i, m in numeric if m.due == last_due)


def _most_urgent(states: Iterable[LagState]) -> LagState:
    """The first of :data:`URGENCY` present; a met milestone (done) counts as on track."""
    present = {LagState.ON_TRACK if s is LagState.DONE else s for s in states}
    return next((s for s in URGENCY if s in present), LagState.NO_DATA)


def _headline(ctx: _Context, outcomes: Sequence[_Outcome]) -> tuple[float | None, float | None]:
    """Task expected/actual: :func:`expected_to_date` and the latest accepted value.

    For a task whose only numbers are annual quantities, "actual" is the current year's
    quantity; when only growth milestones give an expectation, the current one is used.
    """
    facts = ctx.facts
    expected = expected_to_date(facts.milestones, ctx.as_of, facts.plan_start, facts.baseline)
    kinds = {m.kind for m in facts.milestones if m.is_numeric}
    if not kinds:
        return None, None
    if kinds == {MilestoneKind.ANNUAL}:
        year = ctx.as_of.year
        actual = _annual_quantity(ctx, date(year, 1, 1), date(year, 12, 31))
    else:
        actual = ctx.accepted.latest()
    if expected is None:
        for m, outcome in zip(facts.milestones, outcomes, strict=True):
            if m.kind is MilestoneKind.GROWTH and _year_start(m) <= ctx.as_of <= m.due:
                expected = outcome.expected
    return expected, actual


def assess_task(
    facts: TaskFacts, as_of: date, calendar: WorkdayCalendar, settings: LagSettings
) -> TaskAssessment:
    """Assess one task at ``as_of`` by the rules of DESIGN.md §5.

    Per milestone (before its date): ``on_track`` when the latest accepted value is at or
    beyond expected-to-date, ``behind`` below it, ``no_data`` without a value; milestones
    whose interval has not begun are ``no_data``. After the date: ``done`` when the
    accepted value of a period ending on/before the date meets the target (even if it was
    submitted late — lateness is the report's ``overdue``); until the date plus
    ``missed_grace_workdays`` working days a failing or missing value is ``behind`` /
    ``no_data``; after that ``missed``, or ``recovered`` when a later period's accepted
    value meets the target (not for ``annual``: each year stands alone).
    Per required report: ``overdue`` / ``due_soon`` (see :func:`report_state`).

    Task state: ``done`` when closed, or when no milestone is missed and every numeric
    milestone with the last date is met (level/cumulative by the latest accepted value,
    even early; annual/maintain/growth once their year has passed); stage/ongoing-only
    tasks only when closed. Otherwise the most urgent of :data:`URGENCY` (overdue, missed,
    behind, recovered, due_soon, on_track, no_data) over milestones and reports.

    Events: one per missed or behind milestone and per overdue or due-soon report, with
    a Chinese message; none when the task is done.
    """
    ctx = _Context(
        facts,
        as_of,
        calendar,
        settings,
        _Accepted.of(facts.reports, as_of),
        any(m.kind is MilestoneKind.CUMULATIVE for m in facts.milestones),
    )
    outcomes = [_assess_milestone(ctx, m) for m in facts.milestones]
    states = [o.state for o in outcomes]
    milestones = tuple(
        MilestoneAssessment(i, o.state, o.expected, o.actual) for i, o in enumerate(outcomes)
    )
    expected, actual = _headline(ctx, outcomes)
    if _is_done(ctx, states):
        return TaskAssessment(LagState.DONE, expected, actual, milestones, ())
    events = [
        e
        for i, (m, o) in enumerate(zip(facts.milestones, outcomes, strict=True))
        if (e := _milestone_event(i, m, o)) is not None
    ]
    report_states = []
    for report in sorted(facts.report_dues, key=lambda r: r.due):
        state = report_state(report, as_of, calendar, settings)
        if state is not None:
            report_states.append(state)
            events.append(_report_event(report, state))
    state = _most_urgent([*states, *report_states])
    return TaskAssessment(state, expected, actual, milestones, tuple(events))
