"""people: unit kind, active and details; users' must_change_password; an indicator's
assessed-unit text and bonus flag

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 14:10:00

Units and people are managed through the web (issue 11 §3): a unit has a kind (部门 / 镇街 /
区县 / 企业 / 其他), can be made inactive, and keeps the extra columns of an imported list
(地市, 行业, 联系人, 电话) as JSON text. A password reset by the office must be changed at
the next login. Indicators keep the 考核对象 / 责任单位 text as written, to resolve it to a
plan's units later (§5), and mark 加分项 bonus items (§4). Every existing row gets the
defaults: kind "other", active, no details, no forced change, no text, not a bonus.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("units", sa.Column("kind", sa.String(length=20), nullable=False, server_default="other"))
    op.add_column("units", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("units", sa.Column("details", sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("indicators", sa.Column("units_text", sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "indicators", sa.Column("is_bonus", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade():
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("is_bonus")
        batch.drop_column("units_text")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("details")
        batch.drop_column("active")
        batch.drop_column("kind")
