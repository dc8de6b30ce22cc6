"""feed items removed by editors

An editor may remove a bulletin that came from a union feed; the feed still
lists the item, so the next poll would store it again. This table remembers
what was removed (by source and guid) so that it stays removed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:21:31.287378

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('removed_feed_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('guid', sa.String(length=1000), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_removed_feed_items')),
    sa.UniqueConstraint('source', 'guid', name='uq_removed_feed_items_source_guid')
    )


def downgrade():
    op.drop_table('removed_feed_items')
