"""subscriptions, digest runs and their deliveries

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 11:25:24.182698

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('digest_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('window_end', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('post_count', sa.Integer(), nullable=False),
    sa.Column('bulletin_count', sa.Integer(), nullable=False),
    sa.Column('subscriber_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_runs')),
    sa.UniqueConstraint('window_end', name=op.f('uq_digest_runs_window_end')),
    sa.UniqueConstraint('window_start', name=op.f('uq_digest_runs_window_start'))
    )
    with op.batch_alter_table('digest_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_runs_finished_at'), ['finished_at'], unique=False)

    op.create_table('digest_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('state', sa.Enum('pending', 'sending', 'sent', 'failed', 'skipped_empty', 'cancelled', name='deliverystate', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['digest_runs.id'], name=op.f('fk_digest_deliveries_run_id_digest_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_deliveries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_deliveries')),
    sa.UniqueConstraint('run_id', 'user_id', name='uq_digest_deliveries_run_user')
    )
    with op.batch_alter_table('digest_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_digest_deliveries_run_state', ['run_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_digest_deliveries_user_id'), ['user_id'], unique=False)

    op.create_table('subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('wants_posts', sa.Boolean(), nullable=False),
    sa.Column('wants_bulletins', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('unsubscribed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions')),
    sa.UniqueConstraint('user_id', name=op.f('uq_subscriptions_user_id'))
    )


def downgrade():
    op.drop_table('subscriptions')
    with op.batch_alter_table('digest_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_deliveries_user_id'))
        batch_op.drop_index('ix_digest_deliveries_run_state')

    op.drop_table('digest_deliveries')
    with op.batch_alter_table('digest_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_runs_finished_at'))

    op.drop_table('digest_runs')
