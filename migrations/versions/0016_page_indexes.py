"""pages: indexes for what changed since a scan

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 17:30:00

The ledger reads the scan's stored states and assesses afresh only the tasks whose facts
changed after their row (issue 14 §3, issue 18 §3): a report updated, a milestone
superseded or a task closed since the plan's oldest row is a range of an index on
``progress_reports.updated_at``, ``milestones.superseded_at`` and ``tasks.closed_at``
instead of a probe per task. The last two are partial (``IS NOT NULL``), so that the
lookups of milestones in force and open tasks keep their task and plan indexes.
"""
from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

#: name, table, column, partial (only the rows whose stamp is set: an open row's lookup,
#: ``superseded_at IS NULL``, must not be steered onto the index).
INDEXES = (
    ("ix_progress_reports_updated_at", "progress_reports", "updated_at", False),
    ("ix_milestones_superseded_at", "milestones", "superseded_at", True),
    ("ix_tasks_closed_at", "tasks", "closed_at", True),
)


def upgrade():
    for name, table, column, partial in INDEXES:
        where = sa.text(f"{column} IS NOT NULL") if partial else None
        op.create_index(name, table, [column], sqlite_where=where, postgresql_where=where)


def downgrade():
    for name, table, _column, _partial in INDEXES:
        op.drop_index(name, table_name=table)
