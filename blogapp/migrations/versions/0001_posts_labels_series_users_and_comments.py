"""posts, labels, series, users and comments

Revision ID: 0001
Revises:
Create Date: 2026-11-22 11:11:25.346794

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


SQLITE_POST_SEARCH = [
    """CREATE VIRTUAL TABLE post_fts USING fts5(
        title, search_text, content='posts', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
        INSERT INTO post_fts(rowid, title, search_text)
        VALUES (new.id, new.title, new.search_text);
    END""",
    """CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
        INSERT INTO post_fts(post_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
    END""",
    """CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, search_text ON posts BEGIN
        INSERT INTO post_fts(post_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
        INSERT INTO post_fts(rowid, title, search_text)
        VALUES (new.id, new.title, new.search_text);
    END""",
]
POSTGRES_POST_SEARCH = [
    """CREATE INDEX ix_posts_search ON posts USING gin ((
        setweight(to_tsvector('english', coalesce(posts.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(posts.search_text, '')), 'B')))"""
]


def create_post_search_index():
    """SQLite: an FTS5 table kept in step by triggers; PostgreSQL: a GIN expression index."""
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_POST_SEARCH if dialect == "sqlite" else POSTGRES_POST_SEARCH:
        op.execute(statement)


def drop_post_search_index():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("posts_fts_insert", "posts_fts_delete", "posts_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS post_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_posts_search")


def upgrade():
    op.create_table('labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labels')),
    sa.UniqueConstraint('name', name=op.f('uq_labels_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_labels_slug'))
    )
    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('slug', sa.String(length=170), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('name', name=op.f('uq_series_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_series_slug'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.Enum('reader', 'editor', 'admin', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('email_confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('banned', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('session_token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('summary_html', sa.Text(), nullable=True),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'scheduled', 'published', name='poststatus', native_enum=False, length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_year', sa.Integer(), nullable=True),
    sa.Column('published_month', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('series_number', sa.Integer(), nullable=True),
    sa.Column('comments_open', sa.Boolean(), nullable=False),
    sa.Column('legacy_path', sa.String(length=400), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=True),
    sa.Column('comment_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_posts_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_posts_series_id_series'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts')),
    sa.UniqueConstraint('legacy_path', name=op.f('uq_posts_legacy_path')),
    sa.UniqueConstraint('published_year', 'published_month', 'slug', name='uq_posts_month_slug')
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posts_published_at'), ['published_at'], unique=False)
        batch_op.create_index('ix_posts_series_number', ['series_id', 'series_number'], unique=False)
        batch_op.create_index('ix_posts_status_published_at', ['status', 'published_at'], unique=False)

    op.create_table('uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=50), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_uploads_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uploads')),
    sa.UniqueConstraint('path', name=op.f('uq_uploads_path'))
    )
    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=100), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.Enum('visible', 'pending', 'removed_by_author', 'removed_by_editor', name='commentstate', native_enum=False, length=20), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_comments_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_comments_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_comments_post_created', ['post_id', 'created_at'], unique=False)
        batch_op.create_index('ix_comments_state_created', ['state', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_user_id'), ['user_id'], unique=False)

    op.create_table('post_labels',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('label_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['label_id'], ['labels.id'], name=op.f('fk_post_labels_label_id_labels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_labels_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'label_id', name=op.f('pk_post_labels'))
    )
    with op.batch_alter_table('post_labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_labels_label_id'), ['label_id'], unique=False)

    create_post_search_index()


def downgrade():
    drop_post_search_index()
    with op.batch_alter_table('post_labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_labels_label_id'))

    op.drop_table('post_labels')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_user_id'))
        batch_op.drop_index('ix_comments_state_created')
        batch_op.drop_index('ix_comments_post_created')
        batch_op.drop_index(batch_op.f('ix_comments_parent_id'))

    op.drop_table('comments')
    op.drop_table('uploads')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_status_published_at')
        batch_op.drop_index('ix_posts_series_number')
        batch_op.drop_index(batch_op.f('ix_posts_published_at'))

    op.drop_table('posts')
    op.drop_table('users')
    op.drop_table('series')
    op.drop_table('labels')
