"""Whether the database holds a blog yet: what the demo, a restore and a JSON import ask
before they write (none of them may overwrite one)."""

from sqlalchemy import func, inspect, select

from .extensions import db
from .models import Bulletin, Comment, Post, User

#: Tables whose rows make a database a blog.
CONTENT = (User, Post, Comment, Bulletin)


def database_holds_a_blog() -> bool:
    """Any account, post, comment or bulletin stored (a database with no tables holds none)."""
    tables = set(inspect(db.engine).get_table_names())
    present = [model for model in CONTENT if model.__tablename__ in tables]
    return any(db.session.scalar(select(func.count()).select_from(model)) for model in present)
