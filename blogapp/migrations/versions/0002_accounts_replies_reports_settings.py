"""accounts, comment replies, reports and site settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 11:19:43.691271

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_settings',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_site_settings'))
    )
    op.create_table('comment_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_reports_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_comment_reports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_reports')),
    sa.UniqueConstraint('comment_id', 'user_id', name='uq_comment_reports_reader')
    )
    with op.batch_alter_table('comment_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_reports_resolved_at'), ['resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_reports_user_id'), ['user_id'], unique=False)

    op.add_column('comments', sa.Column('reply_to_id', sa.Integer(), nullable=True))
    op.add_column('users', sa.Column('anonymous_by_default', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('users', sa.Column('notify_replies', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('users', sa.Column('deleted_at', sa.DateTime(), nullable=True))


def downgrade():
    for column in ('deleted_at', 'notify_replies', 'anonymous_by_default'):
        op.drop_column('users', column)
    op.drop_column('comments', 'reply_to_id')
    with op.batch_alter_table('comment_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_reports_user_id'))
        batch_op.drop_index(batch_op.f('ix_comment_reports_resolved_at'))

    op.drop_table('comment_reports')
    op.drop_table('site_settings')
