"""index for the archive's monthly counts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 13:58:20.232330

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COLUMNS = ['published_year', 'published_month', 'status', 'published_at']


def upgrade():
    # A plain CREATE INDEX: a batch copy of posts on SQLite would drop its search triggers.
    op.create_index('ix_posts_archive', 'posts', COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_posts_archive', table_name='posts')
