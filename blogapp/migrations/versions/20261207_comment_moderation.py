"""comment moderation: hidden after reports, edits, removal log, editors' queue mail

Revision ID: 20261207_comment_moderation
Revises: 20261207_pages
Create Date: 2026-12-07 03:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261207_comment_moderation"
down_revision = '20261207_pages'
branch_labels = None
depends_on = None

COMMENT_STATES = (
    "visible",
    "pending",
    "removed_by_author",
    "removed_by_editor",
    "discarded",
    "hidden",
)


def upgrade():
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("edited_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "mail_moderation_queue", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.create_table(
        "comment_removals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("by_author", sa.Boolean(), nullable=False),
        sa.Column(
            "state_before",
            sa.Enum(*COMMENT_STATES, name="commentstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("removed_at", sa.DateTime(), nullable=False),
        sa.Column("reversed_at", sa.DateTime(), nullable=True),
        sa.Column("reversed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["removed_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reversed_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_comment_removals_comment_id", "comment_removals", ["comment_id"], unique=False
    )
    op.create_table(
        "moderation_mailings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("mailed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "comment_id", "reason", name="uq_moderation_mailings_item"),
    )
    op.create_index(
        "ix_moderation_mailings_mailed_at", "moderation_mailings", ["mailed_at"], unique=False
    )


def downgrade():
    op.drop_index("ix_moderation_mailings_mailed_at", table_name="moderation_mailings")
    op.drop_table("moderation_mailings")
    op.drop_index("ix_comment_removals_comment_id", table_name="comment_removals")
    op.drop_table("comment_removals")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("mail_moderation_queue")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("edited_at")
