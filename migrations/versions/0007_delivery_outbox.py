"""delivery outbox: a "sending" state with the claim's time, the states checked

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:00:00

A delivery is claimed ("sending", ``claimed_at``) in a short transaction of its own before
its channel is called, and marked sent (or failed, or pending again) in another one; a
claim older than the claim timeout is due again (issue 9 §2). The states a delivery can be
in are now checked by the database; an index serves the claim's query (status, due time).
Every stored delivery keeps its state. Downgrading puts unconfirmed claims back to
"pending", the only state that older code retries.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

STATUSES = ("pending", "sending", "sent", "failed", "skipped")


def upgrade():
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_deliveries_status"),
            "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")",
        )
        batch_op.create_index(
            "ix_deliveries_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )


def downgrade():
    op.execute("UPDATE deliveries SET status = 'pending' WHERE status = 'sending'")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_status_next_attempt_at")
        batch_op.drop_constraint(op.f("ck_deliveries_status"), type_="check")
        batch_op.drop_column("claimed_at")
