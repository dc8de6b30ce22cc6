"""why a comment waits for an editor, kept with it for the moderation queue

Revision ID: 20261207_comment_hold_reasons
Revises: 20261207_digest_rhythms
Create Date: 2026-12-07 07:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261207_comment_hold_reasons"
down_revision = "20261207_digest_rhythms"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comments") as batch_op:
        batch_op.add_column(sa.Column("held_because", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_column("held_because")
