"""task states: each scan's state, expected and actual value per task and day

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:20:00

The scan stores what it found (issue 14 §1) so the ledger, the dashboard and the API read
it instead of assessing every task per request. A new table; nothing stored changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("expected", sa.Double(), nullable=True),
        sa.Column("actual", sa.Double(), nullable=True),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_task_states_plan_id_plans")),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_task_states_task_id_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_states")),
        sa.UniqueConstraint("task_id", "as_of", name=op.f("uq_task_states_task_id_as_of")),
    )
    op.create_index("ix_task_states_plan_id_as_of", "task_states", ["plan_id", "as_of"], unique=False)


def downgrade():
    op.drop_index("ix_task_states_plan_id_as_of", table_name="task_states")
    op.drop_table("task_states")
