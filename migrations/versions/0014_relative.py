"""relative: milestones against a base year's actual value

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 15:10:00

Issue 10 §2: a milestone can be relative to a base year ("较2022年下降8%",
"比2020年提高5个百分点", "翻一番"): ``milestones.relative_kind`` (percent_change,
level_change, multiple), ``relative_base_year``, ``relative_amount`` and the reported
``base_value``. All nullable: every existing milestone stays an absolute target.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("relative_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("relative_base_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("relative_amount", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("base_value", sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_column("base_value")
        batch_op.drop_column("relative_amount")
        batch_op.drop_column("relative_base_year")
        batch_op.drop_column("relative_kind")
