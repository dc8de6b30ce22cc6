"""PostgreSQL keeps each post's and bulletin's search vector in a column of its own

Searching matched on an expression index but ranked by computing every matching row's vector
again; a stored vector is read instead. SQLite searches its FTS5 tables: nothing changes there.

Revision ID: 20261207_stored_search_vectors
Revises: 20261207_thread_follows
Create Date: 2026-12-07 03:45:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "20261207_stored_search_vectors"
down_revision = '20261207_thread_follows'
branch_labels = None
depends_on = None

SEARCHED_TABLES = ("posts", "bulletins")


def weighted_vector(prefix=""):
    return (
        f"setweight(to_tsvector('english', coalesce({prefix}title, '')), 'A') || "
        f"setweight(to_tsvector('english', coalesce({prefix}search_text, '')), 'B')"
    )


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SEARCHED_TABLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({weighted_vector()}) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SEARCHED_TABLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        op.execute(
            f"CREATE INDEX ix_{table}_search ON {table} "
            f"USING gin (({weighted_vector(f'{table}.')}))"
        )
