"""pages: indexes for what changed since a scan and for the review queue's count

Revision ID: page_indexes
Revises: 0015
Create Date: 2026-12-01 17:30:00

The ledger reads the scan's stored states and assesses afresh only the tasks whose facts
changed after their row (issue 14 §3, issue 18 §3): a report updated, a milestone
superseded or a task closed since the plan's oldest row is a range of an index on
``progress_reports.updated_at``, ``milestones.superseded_at`` and ``tasks.closed_at``
instead of a probe per task. The menu's count of waiting reports reads
``progress_reports.status``.
"""
from alembic import op


revision = "page_indexes"
down_revision = "0015"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_progress_reports_updated_at", "progress_reports", "updated_at"),
    ("ix_progress_reports_status", "progress_reports", "status"),
    ("ix_milestones_superseded_at", "milestones", "superseded_at"),
    ("ix_tasks_closed_at", "tasks", "closed_at"),
)


def upgrade():
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade():
    for name, table, _column in INDEXES:
        op.drop_index(name, table_name=table)
