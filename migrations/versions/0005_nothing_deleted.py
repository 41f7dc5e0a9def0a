"""nothing deleted: superseded milestones kept; no ON DELETE CASCADE from records

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:00:00

A milestone correction now marks the old rows superseded instead of deleting them. The
foreign keys from history, reports, contributions, evidence, reminders, instructions,
supervision notices and alerts no longer cascade: deleting a task or report can no longer
take its records with it (the database refuses instead).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

#: (table, column, referred table) of every foreign key that stops cascading.
RECORD_KEYS = (
    ("audit_entries", "task_id", "tasks"),
    ("progress_reports", "task_id", "tasks"),
    ("contributions", "report_id", "progress_reports"),
    ("evidence", "report_id", "progress_reports"),
    ("evidence", "contribution_id", "contributions"),
    ("evidence", "self_assessment_id", "self_assessments"),
    ("reminders", "task_id", "tasks"),
    ("instructions", "task_id", "tasks"),
    ("supervision_notices", "plan_id", "plans"),
    ("supervision_notices", "task_id", "tasks"),
    ("alerts", "plan_id", "plans"),
    ("alerts", "task_id", "tasks"),
)


def _set_ondelete(ondelete):
    for table, column, referred in RECORD_KEYS:
        name = f"fk_{table}_{column}_{referred}"
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_="foreignkey")
            batch_op.create_foreign_key(name, referred, [column], ["id"], ondelete=ondelete)


def upgrade():
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("superseded_reason", sa.Text(), nullable=True))
    _set_ondelete(None)


def downgrade():
    _set_ondelete("CASCADE")
    op.execute("DELETE FROM milestones WHERE superseded_at IS NOT NULL")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_column("superseded_reason")
        batch_op.drop_column("superseded_at")
