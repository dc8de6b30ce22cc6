"""when an editor published a held comment, so readers' mail counts it as new from then

Revision ID: 20261207_comment_approval_times
Revises: 20261207_conversation_rhythm
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261207_comment_approval_times"
down_revision = "20261207_conversation_rhythm"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("comments", sa.Column("approved_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_column("approved_at")
