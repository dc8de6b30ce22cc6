"""What each reader asked to receive by email, in a table of its own.

Nothing a reader chooses about mail is a column on ``User``: the account row is loaded on
every request, and choices (and later suppression, follows, mutes) have rows of their own.
"""

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, and_, or_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .types import UTCDateTime
from .users import User


def choice_words(wants_posts: bool, wants_bulletins: bool) -> str:
    """'new posts and union bulletins', as pages and emails describe a choice."""
    choices = ((wants_posts, "new posts"), (wants_bulletins, "union bulletins"))
    return " and ".join(words for wanted, words in choices if wanted)


class Subscription(db.Model):
    """What one reader wants in their daily email; kept (inactive) when they stop."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    wants_posts: Mapped[bool] = mapped_column(default=True)
    wants_bulletins: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Subscription of user {self.user_id}: {self.choice_words or 'nothing'}>"

    @hybrid_property
    def is_receiving(self) -> bool:
        """Whether the reader's choice asks for a digest at all (in Python and in SQL)."""
        return self.active and (self.wants_posts or self.wants_bulletins)

    @is_receiving.inplace.expression
    @classmethod
    def _is_receiving_expression(cls) -> ColumnElement[bool]:
        return and_(
            cls.active.is_(True), or_(cls.wants_posts.is_(True), cls.wants_bulletins.is_(True))
        )

    @property
    def choice_words(self) -> str:
        return choice_words(self.wants_posts, self.wants_bulletins)
