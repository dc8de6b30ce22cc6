"""union bulletins and their feeds

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 11:17:17.983210

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


SQLITE_BULLETIN_SEARCH = [
    """CREATE VIRTUAL TABLE bulletin_fts USING fts5(
        title, search_text, content='bulletins', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER bulletins_fts_insert AFTER INSERT ON bulletins BEGIN
        INSERT INTO bulletin_fts(rowid, title, search_text)
        VALUES (new.id, new.title, new.search_text);
    END""",
    """CREATE TRIGGER bulletins_fts_delete AFTER DELETE ON bulletins BEGIN
        INSERT INTO bulletin_fts(bulletin_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
    END""",
    """CREATE TRIGGER bulletins_fts_update AFTER UPDATE OF title, search_text ON bulletins BEGIN
        INSERT INTO bulletin_fts(bulletin_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
        INSERT INTO bulletin_fts(rowid, title, search_text)
        VALUES (new.id, new.title, new.search_text);
    END""",
]
POSTGRES_BULLETIN_SEARCH = [
    """CREATE INDEX ix_bulletins_search ON bulletins USING gin ((
        setweight(to_tsvector('english', coalesce(bulletins.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(bulletins.search_text, '')), 'B')))"""
]


def create_bulletin_search_index():
    """SQLite: an FTS5 table kept in step by triggers; PostgreSQL: a GIN expression index."""
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_BULLETIN_SEARCH if dialect == "sqlite" else POSTGRES_BULLETIN_SEARCH:
        op.execute(statement)


def drop_bulletin_search_index():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("bulletins_fts_insert", "bulletins_fts_delete", "bulletins_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS bulletin_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_bulletins_search")


def upgrade():
    op.create_table('bulletin_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('etag', sa.String(length=300), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('last_fetched_at', sa.DateTime(), nullable=True),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', sa.DateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_feeds')),
    sa.UniqueConstraint('url', name=op.f('uq_bulletin_feeds_url'))
    )
    op.create_table('bulletins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('original_url', sa.String(length=1000), nullable=True),
    sa.Column('guid', sa.String(length=1000), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['feed_id'], ['bulletin_feeds.id'], name=op.f('fk_bulletins_feed_id_bulletin_feeds'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletins')),
    sa.UniqueConstraint('source', 'guid', name='uq_bulletins_source_guid')
    )
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletins_feed_id'), ['feed_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletins_published_at'), ['published_at'], unique=False)

    create_bulletin_search_index()


def downgrade():
    drop_bulletin_search_index()
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletins_published_at'))
        batch_op.drop_index(batch_op.f('ix_bulletins_feed_id'))

    op.drop_table('bulletins')
    op.drop_table('bulletin_feeds')
