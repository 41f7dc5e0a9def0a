"""plans: staged plan imports, remembered column choices, archived tasks

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:30:00

Issue 11 §1-2: a table uploaded in the web waits in ``plan_imports`` until the office
confirms it; the columns the office assigned by hand are remembered in
``import_column_choices``; a revision of a plan archives the tasks it drops
(``tasks.archived_at``) instead of deleting them. Nothing stored changes: every existing
task stays in force (archived_at NULL).
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "plan_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("choice", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_plan_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_imports_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_plan_imports_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_imports")),
    )
    op.create_table(
        "import_column_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("header", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_column_choices")),
        sa.UniqueConstraint("kind", "header", name=op.f("uq_import_column_choices_kind_header")),
    )


def downgrade():
    op.drop_table("import_column_choices")
    op.drop_table("plan_imports")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
