"""what each uploaded image shows, for readers who cannot see it

Revision ID: 20261207_upload_descriptions
Revises: 20261207_mail_queue
Create Date: 2026-12-07 01:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261207_upload_descriptions'
down_revision = '20261207_mail_queue'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('uploads') as batch:
        batch.add_column(
            sa.Column('description', sa.String(length=300), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('uploads') as batch:
        batch.drop_column('description')
