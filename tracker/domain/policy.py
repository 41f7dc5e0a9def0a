"""Who may do what: the one place that decides (DESIGN.md §2).

A decision depends only on the user's role and, for task-level actions, on the relation
of the user's unit to the task (lead or cooperating) — never on a global flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """User roles of DESIGN.md §2."""

    OFFICE = "office"
    UNIT = "unit"
    LEADER = "leader"
    ASSESSOR = "assessor"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.OFFICE: "改革办",
    Role.UNIT: "单位填报员",
    Role.LEADER: "分管领导",
    Role.ASSESSOR: "考核组",
    Role.ADMIN: "系统管理员",
}


class UnitRole(StrEnum):
    """A unit's relation to a task: 牵头 (lead) or 配合 (cooperating)."""

    LEAD = "lead"
    COOPERATING = "cooperating"


UNIT_ROLE_LABELS = {UnitRole.LEAD: "牵头单位", UnitRole.COOPERATING: "配合单位"}


class Action(StrEnum):
    """Everything a route can do. Task-level actions need the unit's relation to the task."""

    VIEW_LEDGER = "view_ledger"
    VIEW_ALL_TASKS = "view_all_tasks"
    VIEW_TASK = "view_task"
    REPORT = "report"
    APPROVE_REPORT = "approve_report"
    CONFIRM_CONTRIBUTION = "confirm_contribution"
    ATTACH_EVIDENCE = "attach_evidence"
    ATTACH_CONTRIBUTION_EVIDENCE = "attach_contribution_evidence"
    REVIEW_REPORT = "review_report"
    EDIT_MILESTONES = "edit_milestones"
    VIEW_INBOX = "view_inbox"
    IMPORT_PLAN = "import_plan"
    MANAGE_CALENDAR = "manage_calendar"
    MANAGE_PLAN_SETTINGS = "manage_plan_settings"
    WRITE_INSTRUCTION = "write_instruction"
    VIEW_JOB_RUNS = "view_job_runs"
    VIEW_NOTICES = "view_notices"
    VIEW_ALL_NOTICES = "view_all_notices"
    SIGN_NOTICE = "sign_notice"
    VIEW_ASSESSMENT = "view_assessment"
    FILL_SELF_ASSESSMENT = "fill_self_assessment"
    REVIEW_ASSESSMENT = "review_assessment"
    VIEW_SCORECARD = "view_scorecard"
    VIEW_ALL_SCORECARDS = "view_all_scorecards"
    MAP_INDICATORS = "map_indicators"
    MANAGE_ACCOUNTS = "manage_accounts"
    VIEW_REVIEW_QUEUE = "view_review_queue"
    ISSUE_NOTICE = "issue_notice"


@dataclass(frozen=True, slots=True)
class Actor:
    """The user as the policy sees them: a role and, for unit users, a unit id and whether
    they are their unit's approver (who signs off reports where the plan asks for it)."""

    role: Role
    unit_id: int | None = None
    approver: bool = False


_EVERYONE = frozenset(Role)
_OVERSEERS = frozenset({Role.OFFICE, Role.LEADER, Role.ASSESSOR, Role.ADMIN})

_BY_ROLE: dict[Action, frozenset[Role]] = {
    Action.VIEW_LEDGER: _EVERYONE,
    Action.VIEW_ALL_TASKS: _OVERSEERS,
    Action.REVIEW_REPORT: frozenset({Role.OFFICE}),
    Action.EDIT_MILESTONES: frozenset({Role.OFFICE}),
    Action.VIEW_INBOX: frozenset({Role.OFFICE}),
    Action.IMPORT_PLAN: frozenset({Role.OFFICE, Role.ADMIN}),
    Action.MANAGE_CALENDAR: frozenset({Role.OFFICE, Role.ADMIN}),
    Action.MANAGE_PLAN_SETTINGS: frozenset({Role.OFFICE}),
    Action.WRITE_INSTRUCTION: frozenset({Role.LEADER}),
    Action.VIEW_JOB_RUNS: frozenset({Role.OFFICE, Role.ADMIN}),
    # Supervision notices: the office and leaders see all; a unit user its unit's own (the
    # view checks the unit) and only a unit user signs and answers them.
    Action.VIEW_NOTICES: frozenset({Role.OFFICE, Role.LEADER, Role.UNIT}),
    Action.VIEW_ALL_NOTICES: frozenset({Role.OFFICE, Role.LEADER}),
    Action.SIGN_NOTICE: frozenset({Role.UNIT}),
    # Assessment (考核): a unit user fills its unit's self-assessment, sees its unit's
    # scorecard (the view checks the unit) and appeals; the assessment group reviews and
    # decides; the office maps tasks to indicators.
    Action.VIEW_ASSESSMENT: frozenset({Role.OFFICE, Role.LEADER, Role.ASSESSOR, Role.UNIT}),
    Action.FILL_SELF_ASSESSMENT: frozenset({Role.UNIT}),
    Action.REVIEW_ASSESSMENT: frozenset({Role.ASSESSOR}),
    Action.VIEW_SCORECARD: frozenset({Role.OFFICE, Role.LEADER, Role.ASSESSOR, Role.UNIT}),
    Action.VIEW_ALL_SCORECARDS: frozenset({Role.OFFICE, Role.LEADER, Role.ASSESSOR}),
    Action.MAP_INDICATORS: frozenset({Role.OFFICE}),
    # Locked accounts and the account history (issue 9 §4): the office and the admin.
    Action.MANAGE_ACCOUNTS: frozenset({Role.OFFICE, Role.ADMIN}),
    # The office issues supervision notices by hand (issue 12 §3).
    Action.ISSUE_NOTICE: frozenset({Role.OFFICE}),
}


def can(actor: Actor, action: Action, relation: UnitRole | None = None) -> bool:
    """Whether ``actor`` may do ``action``.

    ``relation`` is the actor's unit's relation to the task in question (None when the
    unit has none, or for actions that are not about a task). Rules:

    - overseers (office, leader, assessor, admin) see every task; a unit user sees the
      tasks its unit leads or cooperates on;
    - only a unit user of a lead unit reports; only that unit's approver signs reports off
      (where the plan asks for unit approval); only a unit user of a cooperating unit
      confirms or disputes a contribution;
    - evidence (佐证材料) is attached and removed by a unit user of a lead unit on reports,
      and by a unit user of a cooperating unit on contributions (the view also checks the
      report or contribution is the user's unit's own; the service refuses accepted ones);
    - only the office reviews reports, corrects milestones and reads the alert inbox;
    - only leaders write instructions (批示); the office reads them but does not write them.
    """
    if action is Action.VIEW_TASK:
        return actor.role in _OVERSEERS or (actor.role is Role.UNIT and relation is not None)
    if action is Action.REPORT:
        return actor.role is Role.UNIT and relation is UnitRole.LEAD
    if action is Action.APPROVE_REPORT:
        return actor.role is Role.UNIT and actor.approver and relation is UnitRole.LEAD
    if action is Action.CONFIRM_CONTRIBUTION:
        return actor.role is Role.UNIT and relation is UnitRole.COOPERATING
    if action is Action.ATTACH_EVIDENCE:
        return actor.role is Role.UNIT and relation is UnitRole.LEAD
    if action is Action.ATTACH_CONTRIBUTION_EVIDENCE:
        return actor.role is Role.UNIT and relation is UnitRole.COOPERATING
    if action is Action.VIEW_REVIEW_QUEUE:  # the office's queue; an approver its unit's own
        return actor.role is Role.OFFICE or (actor.role is Role.UNIT and actor.approver)
    return actor.role in _BY_ROLE[action]
