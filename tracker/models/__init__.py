"""SQLAlchemy 2.0 typed models. Models never commit; services flush, callers commit."""

from tracker.models.alert import Alert
from tracker.models.assessment import (
    Indicator,
    IndicatorSet,
    ScoreAdjustment,
    ScoringRule,
    SelfAssessment,
    TaskIndicator,
)
from tracker.models.audit import AuditEntry
from tracker.models.briefing import Briefing, BriefingSchedule
from tracker.models.calendar import CalendarDay, CalendarYear
from tracker.models.evidence import Evidence
from tracker.models.inspection import (
    Debriefing,
    DebriefingReport,
    DebriefingScore,
    Inspection,
    InspectionFile,
    InspectionItem,
    Problem,
    SelfCheck,
)
from tracker.models.instruction import Instruction
from tracker.models.notice import SupervisionNotice
from tracker.models.plan import Category, Measure, Milestone, Plan, Task, TaskUnit, UnitRole
from tracker.models.plan_import import ImportColumnChoice, PlanImport
from tracker.models.reminder import Delivery, Digest, JobRun, Reminder
from tracker.models.report import (
    Contribution,
    ContributionStatus,
    ProgressReport,
    ReportStatus,
)
from tracker.models.task_state import TaskState
from tracker.models.token import ApiToken
from tracker.models.unit import Unit, UnitAlias
from tracker.models.user import User

__all__ = [
    "Alert",
    "ApiToken",
    "AuditEntry",
    "Briefing",
    "BriefingSchedule",
    "CalendarDay",
    "CalendarYear",
    "Category",
    "Contribution",
    "ContributionStatus",
    "Debriefing",
    "DebriefingReport",
    "DebriefingScore",
    "Delivery",
    "Digest",
    "Evidence",
    "ImportColumnChoice",
    "Indicator",
    "IndicatorSet",
    "Inspection",
    "InspectionFile",
    "InspectionItem",
    "Instruction",
    "JobRun",
    "Measure",
    "Milestone",
    "Plan",
    "PlanImport",
    "Problem",
    "ProgressReport",
    "Reminder",
    "ReportStatus",
    "ScoreAdjustment",
    "ScoringRule",
    "SelfAssessment",
    "SelfCheck",
    "SupervisionNotice",
    "Task",
    "TaskIndicator",
    "TaskState",
    "TaskUnit",
    "Unit",
    "UnitAlias",
    "UnitRole",
    "User",
]
