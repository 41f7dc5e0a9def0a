"""task states' fingerprint: the facts a stored state was computed from

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 14:30:00

The set-based scan (issue 14 §1, issue 18 §1) stores with each task's state a fingerprint
of the facts it was computed from (the task's reports, its milestones in force, closing
and baseline, the plan's reporting rules, the lag thresholds and the calendar). A rerun
the same day assesses only the tasks whose fingerprint changed, and the ledger assesses
fresh only the tasks whose facts changed after their stored state. Existing rows get
none (NULL): they are assessed again once.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("task_states") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("task_states") as batch:
        batch.drop_column("fingerprint")
