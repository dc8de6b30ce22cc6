"""each reader's conversation rhythm (at once, in the digest, never), whether commenting
follows a thread, and the digest delivery that carried a mailed comment

Revision ID: 20261207_conversation_rhythm
Revises: 20261207_comment_hold_reasons
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261207_conversation_rhythm"
down_revision = "20261207_comment_hold_reasons"
branch_labels = None
depends_on = None

CONVERSATION = sa.Enum(
    "at_once", "digest", "never", name="conversationrhythm", native_enum=False, length=8
)


def upgrade():
    # Every existing reader keeps the thread mail and reply notices they had: "at once".
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "conversation_rhythm", CONVERSATION, nullable=False, server_default="at_once"
            )
        )
    # Existing accounts never had commenting follow a thread: it stays off for them. Not in
    # batch mode: a copied and dropped users table would take every row that cascades
    # from it (subscriptions, deliveries) with it on SQLite.
    op.add_column(
        "users",
        sa.Column("follow_on_comment", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    with op.batch_alter_table("thread_mailed_comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_thread_mailed_comments_delivery_id_digest_deliveries"),
            "digest_deliveries",
            ["delivery_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_thread_mailed_comments_delivery_id"), ["delivery_id"], unique=False
        )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.alter_column("conversation_rhythm", server_default=None)


def downgrade():
    with op.batch_alter_table("thread_mailed_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_mailed_comments_delivery_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_thread_mailed_comments_delivery_id_digest_deliveries"),
            type_="foreignkey",
        )
        batch_op.drop_column("delivery_id")
    op.drop_column("users", "follow_on_comment")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("conversation_rhythm")
