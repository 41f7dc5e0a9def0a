"""notifications: every reminder is a notification of 我的提醒, read or not, with a link

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 14:30:00

Hand-offs (issue 12 §2) are stored as reminders at once and shown one by one on the
notifications page: ``reminders.read_at`` (a reminder of a digest already read counts as
read) and ``reminders.link`` (the page to act on; empty: the task's page).
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("link", sa.String(length=200), server_default="", nullable=False))
        batch.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE reminders SET read_at = (SELECT digests.read_at FROM digests"
        " WHERE digests.id = reminders.digest_id) WHERE digest_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("read_at")
        batch.drop_column("link")
