"""The policy's answer for every (role, action, relation), written out by hand (no Flask).

Columns: the user's unit has no relation to the task / is its lead unit / cooperates on
it. Actions that are not about a task ignore the relation, so their three answers agree.
"""

from __future__ import annotations

import pytest

from tracker.domain.policy import Action, Actor, Role, UnitRole, can

Y, N = True, False
RELATIONS = (None, UnitRole.LEAD, UnitRole.COOPERATING)

# fmt: off
TABLE: dict[tuple[Action, Role], tuple[bool, bool, bool]] = {
    #                                              none lead coop
    (Action.VIEW_LEDGER, Role.OFFICE):             (Y, Y, Y),
    (Action.VIEW_LEDGER, Role.UNIT):               (Y, Y, Y),
    (Action.VIEW_LEDGER, Role.LEADER):             (Y, Y, Y),
    (Action.VIEW_LEDGER, Role.ASSESSOR):           (Y, Y, Y),
    (Action.VIEW_LEDGER, Role.ADMIN):              (Y, Y, Y),

    (Action.VIEW_ALL_TASKS, Role.OFFICE):          (Y, Y, Y),
    (Action.VIEW_ALL_TASKS, Role.UNIT):            (N, N, N),
    (Action.VIEW_ALL_TASKS, Role.LEADER):          (Y, Y, Y),
    (Action.VIEW_ALL_TASKS, Role.ASSESSOR):        (Y, Y, Y),
    (Action.VIEW_ALL_TASKS, Role.ADMIN):           (Y, Y, Y),

    (Action.VIEW_TASK, Role.OFFICE):               (Y, Y, Y),
    (Action.VIEW_TASK, Role.UNIT):                 (N, Y, Y),
    (Action.VIEW_TASK, Role.LEADER):               (Y, Y, Y),
    (Action.VIEW_TASK, Role.ASSESSOR):             (Y, Y, Y),
    (Action.VIEW_TASK, Role.ADMIN):                (Y, Y, Y),

    (Action.REPORT, Role.OFFICE):                  (N, N, N),
    (Action.REPORT, Role.UNIT):                    (N, Y, N),
    (Action.REPORT, Role.LEADER):                  (N, N, N),
    (Action.REPORT, Role.ASSESSOR):                (N, N, N),
    (Action.REPORT, Role.ADMIN):                   (N, N, N),

    # An ordinary unit user is no approver: see test_only_the_lead_units_approver_approves.
    (Action.APPROVE_REPORT, Role.OFFICE):          (N, N, N),
    (Action.APPROVE_REPORT, Role.UNIT):            (N, N, N),
    (Action.APPROVE_REPORT, Role.LEADER):          (N, N, N),
    (Action.APPROVE_REPORT, Role.ASSESSOR):        (N, N, N),
    (Action.APPROVE_REPORT, Role.ADMIN):           (N, N, N),

    (Action.CONFIRM_CONTRIBUTION, Role.OFFICE):    (N, N, N),
    (Action.CONFIRM_CONTRIBUTION, Role.UNIT):      (N, N, Y),
    (Action.CONFIRM_CONTRIBUTION, Role.LEADER):    (N, N, N),
    (Action.CONFIRM_CONTRIBUTION, Role.ASSESSOR):  (N, N, N),
    (Action.CONFIRM_CONTRIBUTION, Role.ADMIN):     (N, N, N),

    (Action.ATTACH_EVIDENCE, Role.OFFICE):                 (N, N, N),
    (Action.ATTACH_EVIDENCE, Role.UNIT):                   (N, Y, N),
    (Action.ATTACH_EVIDENCE, Role.LEADER):                 (N, N, N),
    (Action.ATTACH_EVIDENCE, Role.ASSESSOR):               (N, N, N),
    (Action.ATTACH_EVIDENCE, Role.ADMIN):                  (N, N, N),

    (Action.ATTACH_CONTRIBUTION_EVIDENCE, Role.OFFICE):    (N, N, N),
    (Action.ATTACH_CONTRIBUTION_EVIDENCE, Role.UNIT):      (N, N, Y),
    (Action.ATTACH_CONTRIBUTION_EVIDENCE, Role.LEADER):    (N, N, N),
    (Action.ATTACH_CONTRIBUTION_EVIDENCE, Role.ASSESSOR):  (N, N, N),
    (Action.ATTACH_CONTRIBUTION_EVIDENCE, Role.ADMIN):     (N, N, N),

    (Action.REVIEW_REPORT, Role.OFFICE):           (Y, Y, Y),
    (Action.REVIEW_REPORT, Role.UNIT):             (N, N, N),
    (Action.REVIEW_REPORT, Role.LEADER):           (N, N, N),
    (Action.REVIEW_REPORT, Role.ASSESSOR):         (N, N, N),
    (Action.REVIEW_REPORT, Role.ADMIN):            (N, N, N),

    (Action.EDIT_MILESTONES, Role.OFFICE):         (Y, Y, Y),
    (Action.EDIT_MILESTONES, Role.UNIT):           (N, N, N),
    (Action.EDIT_MILESTONES, Role.LEADER):         (N, N, N),
    (Action.EDIT_MILESTONES, Role.ASSESSOR):       (N, N, N),
    (Action.EDIT_MILESTONES, Role.ADMIN):          (N, N, N),

    (Action.VIEW_INBOX, Role.OFFICE):              (Y, Y, Y),
    (Action.VIEW_INBOX, Role.UNIT):                (N, N, N),
    (Action.VIEW_INBOX, Role.LEADER):              (N, N, N),
    (Action.VIEW_INBOX, Role.ASSESSOR):            (N, N, N),
    (Action.VIEW_INBOX, Role.ADMIN):               (N, N, N),

    (Action.IMPORT_PLAN, Role.OFFICE):             (Y, Y, Y),
    (Action.IMPORT_PLAN, Role.UNIT):               (N, N, N),
    (Action.IMPORT_PLAN, Role.LEADER):             (N, N, N),
    (Action.IMPORT_PLAN, Role.ASSESSOR):           (N, N, N),
    (Action.IMPORT_PLAN, Role.ADMIN):              (Y, Y, Y),

    (Action.MANAGE_ACCOUNTS, Role.OFFICE):         (Y, Y, Y),
    (Action.MANAGE_ACCOUNTS, Role.UNIT):           (N, N, N),
    (Action.MANAGE_ACCOUNTS, Role.LEADER):         (N, N, N),
    (Action.MANAGE_ACCOUNTS, Role.ASSESSOR):       (N, N, N),
    (Action.MANAGE_ACCOUNTS, Role.ADMIN):          (Y, Y, Y),

    (Action.MANAGE_CALENDAR, Role.OFFICE):         (Y, Y, Y),
    (Action.MANAGE_CALENDAR, Role.UNIT):           (N, N, N),
    (Action.MANAGE_CALENDAR, Role.LEADER):         (N, N, N),
    (Action.MANAGE_CALENDAR, Role.ASSESSOR):       (N, N, N),
    (Action.MANAGE_CALENDAR, Role.ADMIN):          (Y, Y, Y),

    (Action.MANAGE_PLAN_SETTINGS, Role.OFFICE):    (Y, Y, Y),
    (Action.MANAGE_PLAN_SETTINGS, Role.UNIT):      (N, N, N),
    (Action.MANAGE_PLAN_SETTINGS, Role.LEADER):    (N, N, N),
    (Action.MANAGE_PLAN_SETTINGS, Role.ASSESSOR):  (N, N, N),
    (Action.MANAGE_PLAN_SETTINGS, Role.ADMIN):     (N, N, N),

    (Action.WRITE_INSTRUCTION, Role.OFFICE):       (N, N, N),
    (Action.WRITE_INSTRUCTION, Role.UNIT):         (N, N, N),
    (Action.WRITE_INSTRUCTION, Role.LEADER):       (Y, Y, Y),
    (Action.WRITE_INSTRUCTION, Role.ASSESSOR):     (N, N, N),
    (Action.WRITE_INSTRUCTION, Role.ADMIN):        (N, N, N),

    (Action.VIEW_JOB_RUNS, Role.OFFICE):           (Y, Y, Y),
    (Action.VIEW_JOB_RUNS, Role.UNIT):             (N, N, N),
    (Action.VIEW_JOB_RUNS, Role.LEADER):           (N, N, N),
    (Action.VIEW_JOB_RUNS, Role.ASSESSOR):         (N, N, N),
    (Action.VIEW_JOB_RUNS, Role.ADMIN):            (Y, Y, Y),

    (Action.VIEW_NOTICES, Role.OFFICE):            (Y, Y, Y),
    (Action.VIEW_NOTICES, Role.UNIT):              (Y, Y, Y),
    (Action.VIEW_NOTICES, Role.LEADER):            (Y, Y, Y),
    (Action.VIEW_NOTICES, Role.ASSESSOR):          (N, N, N),
    (Action.VIEW_NOTICES, Role.ADMIN):             (N, N, N),

    (Action.VIEW_ALL_NOTICES, Role.OFFICE):        (Y, Y, Y),
    (Action.VIEW_ALL_NOTICES, Role.UNIT):          (N, N, N),
    (Action.VIEW_ALL_NOTICES, Role.LEADER):        (Y, Y, Y),
    (Action.VIEW_ALL_NOTICES, Role.ASSESSOR):      (N, N, N),
    (Action.VIEW_ALL_NOTICES, Role.ADMIN):         (N, N, N),

    (Action.SIGN_NOTICE, Role.OFFICE):             (N, N, N),
    (Action.SIGN_NOTICE, Role.UNIT):               (Y, Y, Y),
    (Action.SIGN_NOTICE, Role.LEADER):             (N, N, N),
    (Action.SIGN_NOTICE, Role.ASSESSOR):           (N, N, N),
    (Action.SIGN_NOTICE, Role.ADMIN):              (N, N, N),

    (Action.VIEW_ASSESSMENT, Role.OFFICE):         (Y, Y, Y),
    (Action.VIEW_ASSESSMENT, Role.UNIT):           (Y, Y, Y),
    (Action.VIEW_ASSESSMENT, Role.LEADER):         (Y, Y, Y),
    (Action.VIEW_ASSESSMENT, Role.ASSESSOR):       (Y, Y, Y),
    (Action.VIEW_ASSESSMENT, Role.ADMIN):          (N, N, N),

    (Action.FILL_SELF_ASSESSMENT, Role.OFFICE):    (N, N, N),
    (Action.FILL_SELF_ASSESSMENT, Role.UNIT):      (Y, Y, Y),
    (Action.FILL_SELF_ASSESSMENT, Role.LEADER):    (N, N, N),
    (Action.FILL_SELF_ASSESSMENT, Role.ASSESSOR):  (N, N, N),
    (Action.FILL_SELF_ASSESSMENT, Role.ADMIN):     (N, N, N),

    (Action.REVIEW_ASSESSMENT, Role.OFFICE):       (N, N, N),
    (Action.REVIEW_ASSESSMENT, Role.UNIT):         (N, N, N),
    (Action.REVIEW_ASSESSMENT, Role.LEADER):       (N, N, N),
    (Action.REVIEW_ASSESSMENT, Role.ASSESSOR):     (Y, Y, Y),
    (Action.REVIEW_ASSESSMENT, Role.ADMIN):        (N, N, N),

    (Action.VIEW_SCORECARD, Role.OFFICE):          (Y, Y, Y),
    (Action.VIEW_SCORECARD, Role.UNIT):            (Y, Y, Y),
    (Action.VIEW_SCORECARD, Role.LEADER):          (Y, Y, Y),
    (Action.VIEW_SCORECARD, Role.ASSESSOR):        (Y, Y, Y),
    (Action.VIEW_SCORECARD, Role.ADMIN):           (N, N, N),

    (Action.VIEW_ALL_SCORECARDS, Role.OFFICE):     (Y, Y, Y),
    (Action.VIEW_ALL_SCORECARDS, Role.UNIT):       (N, N, N),
    (Action.VIEW_ALL_SCORECARDS, Role.LEADER):     (Y, Y, Y),
    (Action.VIEW_ALL_SCORECARDS, Role.ASSESSOR):   (Y, Y, Y),
    (Action.VIEW_ALL_SCORECARDS, Role.ADMIN):      (N, N, N),

    (Action.MAP_INDICATORS, Role.OFFICE):          (Y, Y, Y),
    (Action.MAP_INDICATORS, Role.UNIT):            (N, N, N),
    (Action.MAP_INDICATORS, Role.LEADER):          (N, N, N),
    (Action.MAP_INDICATORS, Role.ASSESSOR):        (N, N, N),
    (Action.MAP_INDICATORS, Role.ADMIN):           (N, N, N),

    # The review queue: the office; a unit's approver too (test below), other unit users not.
    (Action.VIEW_REVIEW_QUEUE, Role.OFFICE):       (Y, Y, Y),
    (Action.VIEW_REVIEW_QUEUE, Role.UNIT):         (N, N, N),
    (Action.VIEW_REVIEW_QUEUE, Role.LEADER):       (N, N, N),
    (Action.VIEW_REVIEW_QUEUE, Role.ASSESSOR):     (N, N, N),
    (Action.VIEW_REVIEW_QUEUE, Role.ADMIN):        (N, N, N),

    (Action.ISSUE_NOTICE, Role.OFFICE):            (Y, Y, Y),
    (Action.ISSUE_NOTICE, Role.UNIT):              (N, N, N),
    (Action.ISSUE_NOTICE, Role.LEADER):            (N, N, N),
    (Action.ISSUE_NOTICE, Role.ASSESSOR):          (N, N, N),
    (Action.ISSUE_NOTICE, Role.ADMIN):             (N, N, N),
}
# fmt: on

ROWS = [
    (action, role, relation, answers[column])
    for (action, role), answers in TABLE.items()
    for column, relation in enumerate(RELATIONS)
]


def _actor(role: Role) -> Actor:
    """A user of ``role``; unit users belong to unit 7."""
    return Actor(role=role, unit_id=7 if role is Role.UNIT else None)


def test_table_covers_every_role_and_action() -> None:
    """A new role or action must be added to the table deliberately."""
    assert set(TABLE) == {(action, role) for action in Action for role in Role}


@pytest.mark.parametrize(
    ("action", "role", "relation", "expected"),
    ROWS,
    ids=[f"{a.value}-{r.value}-{rel.value if rel else 'none'}" for a, r, rel, _ in ROWS],
)
def test_decision(action: Action, role: Role, relation: UnitRole | None, expected: bool) -> None:
    """The policy answers exactly as the table says."""
    assert can(_actor(role), action, relation) is expected


def test_unit_user_without_a_unit_gets_nothing_task_level() -> None:
    """A unit actor with no unit has no relation to any task, so no task rights."""
    actor = Actor(role=Role.UNIT, unit_id=None)
    assert not any(
        can(actor, action, None)
        for action in (
            Action.VIEW_TASK,
            Action.REPORT,
            Action.CONFIRM_CONTRIBUTION,
            Action.ATTACH_EVIDENCE,
            Action.ATTACH_CONTRIBUTION_EVIDENCE,
        )
    )


def test_only_the_lead_units_approver_approves() -> None:
    """A unit's approver signs off reports of tasks the unit leads, and nothing else."""
    approver = Actor(role=Role.UNIT, unit_id=7, approver=True)
    office_flagged = Actor(role=Role.OFFICE, approver=True)

    assert [can(approver, Action.APPROVE_REPORT, r) for r in RELATIONS] == [N, Y, N]
    assert [can(office_flagged, Action.APPROVE_REPORT, r) for r in RELATIONS] == [N, N, N]
    assert can(approver, Action.REPORT, UnitRole.LEAD)


def test_a_units_approver_sees_the_review_queue() -> None:
    """The queue shows an approver their unit's reports waiting for approval."""
    approver = Actor(role=Role.UNIT, unit_id=7, approver=True)
    assert can(approver, Action.VIEW_REVIEW_QUEUE)
    assert not can(approver, Action.REVIEW_REPORT)
