"""readers following a post's comments by email or muting a thread, and what was mailed

Revision ID: 20261207_thread_follows
Revises: 20261207_mail_report_intake
Create Date: 2026-12-07 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261207_thread_follows'
down_revision = '20261207_mail_report_intake'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('thread_follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('following', 'muted', name='followchoice', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_thread_follows_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_thread_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_follows')),
    sa.UniqueConstraint('user_id', 'post_id', name=op.f('uq_thread_follows_user_id'))
    )
    with op.batch_alter_table('thread_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_follows_post_id'), ['post_id'], unique=False)

    op.create_table('thread_mailed_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('mailed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_thread_mailed_comments_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_thread_mailed_comments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_mailed_comments')),
    sa.UniqueConstraint('user_id', 'comment_id', name=op.f('uq_thread_mailed_comments_user_id'))
    )
    with op.batch_alter_table('thread_mailed_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_mailed_comments_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index('ix_thread_mailed_comments_user_mailed', ['user_id', 'mailed_at'], unique=False)



def downgrade():
    with op.batch_alter_table('thread_mailed_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_mailed_comments_user_mailed')
        batch_op.drop_index(batch_op.f('ix_thread_mailed_comments_comment_id'))

    op.drop_table('thread_mailed_comments')
    with op.batch_alter_table('thread_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_follows_post_id'))

    op.drop_table('thread_follows')
