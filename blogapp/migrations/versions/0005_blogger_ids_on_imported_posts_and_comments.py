"""blogger ids on imported posts and comments

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 11:23:03.096879

The entry ids of a Blogger export, so that importing the same export again adds nothing.
Plain ALTER TABLE, not a batch copy: copying ``posts`` on SQLite would drop the triggers
that keep its full-text table in step.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TABLES = ('posts', 'comments')


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('legacy_id', sa.String(length=200), nullable=True))
        op.create_index(op.f(f'ix_{table}_legacy_id'), table, ['legacy_id'], unique=True)


def downgrade():
    for table in TABLES:
        op.drop_index(op.f(f'ix_{table}_legacy_id'), table_name=table)
        op.drop_column(table, 'legacy_id')
