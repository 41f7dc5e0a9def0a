"""briefings: issued briefings (专报) numbered per plan and year, and their schedule

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 14:30:00

Issue 13 §4: a briefing is numbered in a yearly sequence per plan ("2020年第11期") and
sent on a schedule per plan (monthly or quarterly). Two new tables; nothing stored changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "briefings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_briefings_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefings")),
        sa.UniqueConstraint("plan_id", "year", "sequence", name=op.f("uq_briefings_plan_id_year_sequence")),
    )
    op.create_index(op.f("ix_briefings_plan_id"), "briefings", ["plan_id"], unique=False)
    op.create_table(
        "briefing_schedules",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_briefing_schedules_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_briefing_schedules")),
    )


def downgrade():
    op.drop_table("briefing_schedules")
    op.drop_index(op.f("ix_briefings_plan_id"), table_name="briefings")
    op.drop_table("briefings")
