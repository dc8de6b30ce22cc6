"""pages: posts without a date, outside the listings, in the navigation

Revision ID: 20261207_pages
Revises: 20261207_backups
Create Date: 2026-12-07 04:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261207_pages'
down_revision = '20261207_backups'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('posts') as batch:
        batch.add_column(
            sa.Column(
                'kind',
                sa.Enum('post', 'page', name='postkind', native_enum=False, length=10),
                nullable=False,
                server_default='post',
            )
        )
        batch.add_column(sa.Column('nav_order', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('posts') as batch:
        batch.drop_column('nav_order')
        batch.drop_column('kind')
