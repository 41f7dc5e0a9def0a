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

Modules: ``states`` and ``facts`` (the values), ``expected`` (expected-to-date), ``milestone``
(one milestone's state), ``reports`` (required reports), ``task`` (:func:`assess_task`),
``messages`` (Chinese event texts) and ``common`` (shared arithmetic).
"""

from tracker.domain.lag.common import lower_is_better, meets, on_pace
from tracker.domain.lag.expected import expected_to_date
from tracker.domain.lag.facts import (
    LagEvent,
    MilestoneAssessment,
    ReportDue,
    ReportFact,
    TaskAssessment,
    TaskFacts,
)
from tracker.domain.lag.reports import report_state, required_report_dues
from tracker.domain.lag.states import LAG_COLOURS, LAG_LABELS, URGENCY, LagSettings, LagState
from tracker.domain.lag.task import assess_task

__all__ = [
    "LAG_COLOURS",
    "LAG_LABELS",
    "URGENCY",
    "LagEvent",
    "LagSettings",
    "LagState",
    "MilestoneAssessment",
    "ReportDue",
    "ReportFact",
    "TaskAssessment",
    "TaskFacts",
    "assess_task",
    "expected_to_date",
    "lower_is_better",
    "meets",
    "on_pace",
    "report_state",
    "required_report_dues",
]
