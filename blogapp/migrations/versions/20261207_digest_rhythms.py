"""each reader's rhythm per stream (daily, weekly, never) and the day of their weekly
edition; the window each stream of each delivery covers

Revision ID: 20261207_digest_rhythms
Revises: 20261207_database_identity
Create Date: 2026-12-07 04:30:00

"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261207_digest_rhythms"
down_revision = '20261207_database_identity'
branch_labels = None
depends_on = None

STREAM = sa.Enum("posts", "bulletins", name="digeststream", native_enum=False, length=20)
RHYTHM = sa.Enum("daily", "weekly", "never", name="rhythm", native_enum=False, length=8)


def rhythm_from(column):
    return sa.case((sa.column(column).is_(True), "daily"), else_="never")


#: Deliveries whose windows a reader's next edition may start from (the longest rhythm, and a day).
RECENT = timedelta(days=8)
NOT_COVERING = ("failed", "cancelled", "suppressed")


def record_recent_windows():
    """Give recent and unfinished deliveries the windows they covered: their run's, for the
    streams the reader has, so the first editions after the upgrade start where they ended."""
    bind = op.get_bind()
    last_end = bind.execute(sa.text("SELECT max(window_end) FROM digest_runs")).scalar()
    if last_end is None:
        return
    if isinstance(last_end, str):
        last_end = datetime.fromisoformat(last_end)
    for stream, wanted in (("posts", "wants_posts"), ("bulletins", "wants_bulletins")):
        bind.execute(
            sa.text(
                "INSERT INTO digest_delivery_windows "
                "(delivery_id, stream, user_id, window_start, window_end) "
                "SELECT d.id, :stream, d.user_id, r.window_start, r.window_end "
                "FROM digest_deliveries d "
                "JOIN digest_runs r ON r.id = d.run_id "
                "JOIN subscriptions s ON s.user_id = d.user_id "
                f"WHERE s.{wanted} = :yes AND d.state NOT IN :not_covering "
                "AND (r.window_end >= :since OR r.finished_at IS NULL)"
            ).bindparams(
                sa.bindparam("not_covering", expanding=True),
                sa.bindparam("since", type_=sa.DateTime()),
            ),
            {
                "stream": stream,
                "yes": True,
                "not_covering": list(NOT_COVERING),
                "since": last_end - RECENT,
            },
        )


def upgrade():
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("posts_rhythm", RHYTHM, nullable=False, server_default="daily")
        )
        batch_op.add_column(
            sa.Column("bulletins_rhythm", RHYTHM, nullable=False, server_default="daily")
        )
        batch_op.add_column(
            sa.Column("weekly_day", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "digest_delivery_windows",
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("stream", STREAM, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("window_end", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["digest_deliveries.id"],
            name=op.f("fk_digest_delivery_windows_delivery_id_digest_deliveries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digest_delivery_windows_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("delivery_id", "stream", name=op.f("pk_digest_delivery_windows")),
    )
    op.create_index(
        "ix_digest_delivery_windows_reader",
        "digest_delivery_windows",
        ["user_id", "stream", "window_end"],
    )

    record_recent_windows()
    subscriptions = sa.table(
        "subscriptions", sa.column("posts_rhythm"), sa.column("bulletins_rhythm")
    )
    op.execute(
        subscriptions.update().values(
            posts_rhythm=rhythm_from("wants_posts"), bulletins_rhythm=rhythm_from("wants_bulletins")
        )
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.alter_column("posts_rhythm", server_default=None)
        batch_op.alter_column("bulletins_rhythm", server_default=None)
        batch_op.alter_column("weekly_day", server_default=None)
        batch_op.drop_column("wants_posts")
        batch_op.drop_column("wants_bulletins")

def downgrade():
    op.drop_index("ix_digest_delivery_windows_reader", table_name="digest_delivery_windows")
    op.drop_table("digest_delivery_windows")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wants_posts", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("wants_bulletins", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    subscriptions = sa.table(
        "subscriptions", sa.column("wants_posts"), sa.column("wants_bulletins")
    )
    op.execute(
        subscriptions.update().values(
            wants_posts=sa.column("posts_rhythm") != "never",
            wants_bulletins=sa.column("bulletins_rhythm") != "never",
        )
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.alter_column("wants_posts", server_default=None)
        batch_op.alter_column("wants_bulletins", server_default=None)
        batch_op.drop_column("weekly_day")
        batch_op.drop_column("bulletins_rhythm")
        batch_op.drop_column("posts_rhythm")
