"""accounts: session tokens, login lockout, password age and history

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:30:00

Every user gets a random session token (part of the id in sessions and remember-me
cookies: sessions issued before this migration end), a failure count with the start of its
window, a lock end, and the time of the last password change (existing users: their
creation). Earlier password hashes go to ``password_history``.
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

USERS = sa.table(
    'users',
    sa.column('id', sa.Integer),
    sa.column('session_token', sa.String),
    sa.column('password_changed_at', sa.DateTime(timezone=True)),
    sa.column('created_at', sa.DateTime(timezone=True)),
)


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('failed_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(USERS.c.id)).all():
        connection.execute(
            USERS.update()
            .where(USERS.c.id == user_id)
            .values(session_token=secrets.token_hex(32))
        )
    connection.execute(USERS.update().values(password_changed_at=USERS.c.created_at))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column(
            'session_token', existing_type=sa.String(length=64), nullable=False
        )
    op.create_table(
        'password_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_password_history_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_history')),
    )
    with op.batch_alter_table('password_history', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_password_history_user_id'), ['user_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('password_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_history_user_id'))
    op.drop_table('password_history')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_since')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('session_token')
