"""What each reader asked to receive by email, in a table of its own.

Nothing a reader chooses about mail is a column on ``User``: the account row is loaded on
every request, and choices (and later suppression, follows, mutes) have rows of their own.
"""

import enum
from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, and_, or_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .types import UTCDateTime, text_enum
from .users import User

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONDAY = 0


class Rhythm(enum.StrEnum):
    """How often one stream (posts, bulletins) comes to a reader."""

    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"


class ConversationRhythm(enum.StrEnum):
    """How replies to a reader's comments and new comments in threads they follow reach them."""

    #: As they come, at most one mail an hour (what readers always had).
    AT_ONCE = "at_once"
    #: In the reader's digest edition.
    DIGEST = "digest"
    NEVER = "never"


#: What an edition holds besides posts and bulletins, as pages describe it.
CONVERSATION_IN_DIGEST = "replies and followed threads in the same email"


def rhythm_of(wanted: bool) -> Rhythm:
    """The rhythm a yes/no choice stands for: what the daily email always gave."""
    return Rhythm.DAILY if wanted else Rhythm.NEVER


def choice_words(wants_posts: bool, wants_bulletins: bool) -> str:
    """'new posts and union bulletins', as pages and emails describe a choice."""
    choices = ((wants_posts, "new posts"), (wants_bulletins, "union bulletins"))
    return " and ".join(words for wanted, words in choices if wanted)


def rhythm_words(posts: Rhythm, bulletins: Rhythm, weekly_day: int) -> str:
    """'new posts every day and union bulletins every Monday', as pages describe a choice."""
    when = {Rhythm.DAILY: "every day", Rhythm.WEEKLY: f"every {WEEKDAY_NAMES[weekly_day]}"}
    streams = ((posts, "new posts"), (bulletins, "union bulletins"))
    return " and ".join(f"{words} {when[rhythm]}" for rhythm, words in streams if rhythm in when)


class Subscription(db.Model):
    """What one reader wants in their daily email; kept (inactive) when they stop."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    posts_rhythm: Mapped[Rhythm] = mapped_column(text_enum(Rhythm, 8), default=Rhythm.DAILY)
    bulletins_rhythm: Mapped[Rhythm] = mapped_column(text_enum(Rhythm, 8), default=Rhythm.DAILY)
    conversation_rhythm: Mapped[ConversationRhythm] = mapped_column(
        text_enum(ConversationRhythm, 8), default=ConversationRhythm.AT_ONCE
    )
    #: The day weekly streams come, Monday being 0, on the blog's clock.
    weekly_day: Mapped[int] = mapped_column(default=MONDAY)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Subscription of user {self.user_id}: {self.choice_words or 'nothing'}>"

    @hybrid_property
    def wants_posts(self) -> bool:
        """Whether posts come at all, whatever their rhythm."""
        return self.posts_rhythm != Rhythm.NEVER

    @wants_posts.inplace.setter
    def _wants_posts_setter(self, wanted: bool) -> None:
        if wanted != self.wants_posts:
            self.posts_rhythm = rhythm_of(wanted)

    @hybrid_property
    def wants_bulletins(self) -> bool:
        """Whether bulletins come at all, whatever their rhythm."""
        return self.bulletins_rhythm != Rhythm.NEVER

    @wants_bulletins.inplace.setter
    def _wants_bulletins_setter(self, wanted: bool) -> None:
        if wanted != self.wants_bulletins:
            self.bulletins_rhythm = rhythm_of(wanted)

    @hybrid_property
    def wants_conversation_in_digest(self) -> bool:
        return self.conversation_rhythm == ConversationRhythm.DIGEST

    @hybrid_property
    def is_receiving(self) -> bool:
        """Whether the reader's choice asks for a digest at all (in Python and in SQL)."""
        return self.active and (
            self.wants_posts or self.wants_bulletins or self.wants_conversation_in_digest
        )

    @is_receiving.inplace.expression
    @classmethod
    def _is_receiving_expression(cls) -> ColumnElement[bool]:
        return and_(
            cls.active.is_(True),
            or_(
                cls.posts_rhythm != Rhythm.NEVER,
                cls.bulletins_rhythm != Rhythm.NEVER,
                cls.conversation_rhythm == ConversationRhythm.DIGEST,
            ),
        )

    @property
    def choice_words(self) -> str:
        return choice_words(self.wants_posts, self.wants_bulletins)

    @property
    def rhythm_words(self) -> str:
        """What comes and when: 'one email a day with new posts' while everything is daily."""
        rhythms = {self.posts_rhythm, self.bulletins_rhythm} - {Rhythm.NEVER}
        if rhythms == {Rhythm.DAILY}:
            streams = f"one email a day with {self.choice_words}"
        else:
            streams = rhythm_words(self.posts_rhythm, self.bulletins_rhythm, self.weekly_day)
        if not self.wants_conversation_in_digest:
            return streams
        if not streams:
            return "an email on the days there are replies or new comments in threads you follow"
        return f"{streams}, with {CONVERSATION_IN_DIGEST}"
