"""Upgrading a blog's database keeps every row it had: on SQLite, a migration that rebuilds a
table (Alembic's batch mode copies it and drops the old one) must not take the rows that
reference it away with it."""

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import text

import blogapp
from blogapp import create_app
from blogapp.extensions import db

#: The oldest release whose databases are still upgraded in place.
OLDEST_RELEASE = "0007"

#: A blog at that release: an author, a post, a reader's comment, their subscription and the
#: digest that went to them. Every table here is referenced by another.
OLD_ROWS = (
    "INSERT INTO users (id, email, display_name, role, banned, created_at, session_token, "
    "anonymous_by_default, notify_replies) VALUES "
    "(1, 'author@example.org', 'Author', 'editor', 0, '2016-01-01 00:00:00', 'a', 0, 0), "
    "(2, 'reader@example.org', 'Reader', 'reader', 0, '2016-01-01 00:00:00', 'r', 0, 1)",
    "INSERT INTO posts (id, title, slug, body_source, body_html, excerpt, search_text, status, "
    "published_at, published_year, published_month, created_at, updated_at, author_id, "
    "comments_open, comment_count) VALUES (1, 'Caseloads', 'caseloads', 'Text', '<p>Text</p>', "
    "'Text', 'Text', 'published', '2016-09-23 08:00:00', 2016, 9, '2016-09-23 08:00:00', "
    "'2016-09-23 08:00:00', 1, 1, 1)",
    "INSERT INTO comments (id, post_id, user_id, anonymous, body, body_html, created_at, state) "
    "VALUES (1, 1, 2, 0, 'Same here.', '<p>Same here.</p>', '2016-09-23 09:00:00', 'published')",
    "INSERT INTO subscriptions (id, user_id, wants_posts, wants_bulletins, active, created_at, "
    "updated_at) VALUES (1, 2, 1, 1, 1, '2016-01-01 00:00:00', '2016-01-01 00:00:00')",
    "INSERT INTO digest_runs (id, window_start, window_end, started_at, post_count, "
    "bulletin_count, subscriber_count) VALUES (1, '2016-09-23 06:00:00', '2016-09-24 06:00:00', "
    "'2016-09-24 06:00:05', 1, 0, 1)",
    "INSERT INTO digest_deliveries (id, run_id, user_id, state, attempts, sent_at) "
    "VALUES (1, 1, 2, 'sent', 1, '2016-09-24 06:00:06')",
)
KEPT_TABLES = ("users", "posts", "comments", "subscriptions", "digest_runs", "digest_deliveries")
KEPT_LINKS = {
    "a post keeps its author": "SELECT author_id FROM posts WHERE id = 1",
    "a comment keeps its author": "SELECT user_id FROM comments WHERE id = 1",
    "a subscription keeps its reader": "SELECT user_id FROM subscriptions WHERE id = 1",
}


def revisions_after(start: str) -> list[str]:
    """Every revision after ``start``, oldest first."""
    directory = ScriptDirectory(str(Path(blogapp.__file__).parent / "migrations"))
    newest_first = [revision.revision for revision in directory.walk_revisions(start, "heads")]
    return list(reversed(newest_first))[1:]


def what_is_kept() -> dict[str, object]:
    counts = {
        table: db.session.scalar(text(f"SELECT count(*) FROM {table}")) for table in KEPT_TABLES
    }
    links = {rule: db.session.scalar(text(query)) for rule, query in KEPT_LINKS.items()}
    return counts | links


def test_every_migration_keeps_the_rows_a_blog_already_has(app_config, tmp_path):
    if not app_config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("batch mode rebuilds tables on SQLite only")
    config = {
        **app_config,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}",
        "CHANGES_MUST_BE_DECLARED": False,
    }
    old_blog = create_app(config)
    with old_blog.app_context():
        upgrade(revision=OLDEST_RELEASE)
        for statement in OLD_ROWS:
            db.session.execute(text(statement))
        db.session.commit()
        before = what_is_kept()
        for revision in revisions_after(OLDEST_RELEASE):
            upgrade(revision=revision)
            assert what_is_kept() == before, f"after {revision}"
        db.session.remove()
        db.engine.dispose()
