"""scan: a per-task counter of changes to its reports and milestones

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 00:00:00

An unchanged rerun of the lag scan the same day (issue 14 §1, goal ≤ 3 s at 3,000
districts) compared each task's stored fingerprint with one the database worked out by
aggregating every report and milestone of the task: 1.09 M reports read per rerun.
``tasks.facts_version`` counts the statements that wrote the task's reports or milestones
instead, kept by triggers in the same transaction as the write, whichever code wrote it
(the web, an import, a command, plain SQL): the fingerprint reads it from the task's own
row. On PostgreSQL one statement-level trigger per table and event bumps each task the
statement touched once (its transition table); SQLite has row-level triggers only.

Existing tasks start at 0: their stored fingerprints were worked out the old way and do
not match the new ones, so the first scan after the upgrade assesses every task again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

#: The tables whose rows are a task's facts (each has ``task_id``).
TABLES = ("progress_reports", "milestones")
EVENTS = ("insert", "update", "delete")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_bump_facts_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE tasks SET facts_version = facts_version + 1
        WHERE id IN (SELECT task_id FROM old_rows);
    ELSE
        UPDATE tasks SET facts_version = facts_version + 1
        WHERE id IN (SELECT task_id FROM new_rows);
    END IF;
    RETURN NULL;
END
$$
"""


def _trigger(table: str, event: str) -> str:
    return f"{table}_bump_facts_{event}"


def _postgres_trigger(table: str, event: str) -> str:
    rows = "OLD TABLE AS old_rows" if event == "delete" else "NEW TABLE AS new_rows"
    return (
        f"CREATE TRIGGER {_trigger(table, event)} AFTER {event.upper()} ON {table}"
        f" REFERENCING {rows} FOR EACH STATEMENT"
        " EXECUTE FUNCTION tracker_bump_facts_version()"
    )


def _sqlite_trigger(table: str, event: str) -> str:
    row = "OLD" if event == "delete" else "NEW"
    return (
        f"CREATE TRIGGER {_trigger(table, event)} AFTER {event.upper()} ON {table}"
        f" BEGIN UPDATE tasks SET facts_version = facts_version + 1"
        f" WHERE id = {row}.task_id; END"
    )


def upgrade():
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(
            sa.Column("facts_version", sa.Integer(), nullable=False, server_default="0")
        )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(POSTGRES_FUNCTION)
    for table in TABLES:
        for event in EVENTS:
            trigger = _postgres_trigger if postgres else _sqlite_trigger
            op.execute(trigger(table, event))


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for event in EVENTS:
            on = f" ON {table}" if postgres else ""
            op.execute(f"DROP TRIGGER IF EXISTS {_trigger(table, event)}{on}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS tracker_bump_facts_version()")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("facts_version")
