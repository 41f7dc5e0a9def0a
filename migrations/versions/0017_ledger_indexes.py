"""pages: indexes for a plan of 10,000 tasks and the review queue's count

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 21:00:00

The ledger of a province-wide plan (issue 14 §3) pages the plan's live tasks in their
order and counts them: ``tasks (plan_id, position, id) WHERE archived_at IS NULL`` cuts a
page without sorting the plan. Its counts by state read the plan's stored states of the
day without joining the tasks, leaving out the archived ones by id: ``tasks (plan_id)
WHERE archived_at IS NOT NULL`` finds those few. The menu of every office page counts the
reports waiting for review: ``progress_reports (status)`` makes that count a range of the
waiting rows instead of a walk of every report.
"""
from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

#: name, table, columns, partial condition (or None).
INDEXES = (
    ("ix_tasks_plan_id_live", "tasks", ["plan_id", "position", "id"], "archived_at IS NULL"),
    ("ix_tasks_plan_id_archived", "tasks", ["plan_id"], "archived_at IS NOT NULL"),
    ("ix_progress_reports_status", "progress_reports", ["status"], None),
)


def upgrade():
    for name, table, columns, partial in INDEXES:
        where = sa.text(partial) if partial else None
        op.create_index(name, table, columns, sqlite_where=where, postgresql_where=where)


def downgrade():
    for name, table, _columns, _partial in INDEXES:
        op.drop_index(name, table_name=table)
