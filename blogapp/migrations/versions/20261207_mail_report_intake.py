"""provider event ids and message kinds on received reports, bounced deliveries, and the
record of suppressions readers lifted

Revision ID: 20261207_mail_report_intake
Revises: 20261207_comment_moderation
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261207_mail_report_intake'
down_revision = '20261207_comment_moderation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('mail_kind', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_mail_reports_event_id'), ['event_id'])
    op.create_table('mail_suppression_lifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('reason', sa.Enum('bounce', 'complaint', 'manual', 'soft_bounces', name='suppressionreason', native_enum=False, length=20), nullable=False),
    sa.Column('suppressed_at', sa.DateTime(), nullable=False),
    sa.Column('lifted_at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_suppression_lifts_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_suppression_lifts'))
    )
    with op.batch_alter_table('mail_suppression_lifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_suppression_lifts_address'), ['address'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_suppression_lifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_suppression_lifts_address'))
    op.drop_table('mail_suppression_lifts')
    with op.batch_alter_table('mail_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_mail_reports_event_id'), type_='unique')
        batch_op.drop_column('mail_kind')
        batch_op.drop_column('event_id')
