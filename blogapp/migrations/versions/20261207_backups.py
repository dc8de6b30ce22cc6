"""a record of the backups made, for the admin page

Revision ID: 20261207_backups
Revises: 20261207_mail_suppression
Create Date: 2026-12-07 04:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261207_backups'
down_revision = '20261207_mail_suppression'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'backups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=100), nullable=False),
        sa.Column('made_at', sa.DateTime(), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_backups')),
    )
    op.create_index(op.f('ix_backups_made_at'), 'backups', ['made_at'])


def downgrade():
    op.drop_index(op.f('ix_backups_made_at'), table_name='backups')
    op.drop_table('backups')
