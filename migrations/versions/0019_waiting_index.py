"""review queue: an index of the reports waiting, in the queue's order

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 01:00:00

The review queue (待审核) shows the reports waiting for the office or a unit's approver,
oldest submission first, 50 a page, with the units that have some for its filter. At
3,000 districts 57,000 reports wait among 1.09 M: ``progress_reports (status)`` found them,
but each page sorted all 57,000 by submission and the unit filter read every one's row.
``(submitted_on, id, unit_id) WHERE status IN ('pending_approval', 'submitted')`` holds
only the waiting reports, in the queue's order, with their units: a page reads its 50
entries, the count and the units read this index alone.
"""
from alembic import op
import sqlalchemy as sa


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

WAITING = sa.text("status IN ('pending_approval', 'submitted')")


def upgrade():
    op.create_index(
        "ix_progress_reports_waiting",
        "progress_reports",
        ["submitted_on", "id", "unit_id"],
        sqlite_where=WAITING,
        postgresql_where=WAITING,
    )


def downgrade():
    op.drop_index("ix_progress_reports_waiting", table_name="progress_reports")
