"""Readers following a post's comments by email, or muting a thread they commented on."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .posts import Post
from .types import UTCDateTime, text_enum
from .users import User


class FollowChoice(enum.StrEnum):
    #: Mailed the post's new comments, at most once an hour.
    FOLLOWING = "following"
    #: No reply notices and no mail from the thread.
    MUTED = "muted"


class ThreadFollow(db.Model):
    """One reader's choice about one post's comments; no row means neither."""

    __tablename__ = "thread_follows"
    __table_args__ = (UniqueConstraint("user_id", "post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    choice: Mapped[FollowChoice] = mapped_column(text_enum(FollowChoice))
    #: Comments written before the reader chose to follow are not mailed to them.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    post: Mapped[Post] = relationship()


class MailedComment(db.Model):
    """A comment already mailed to a reader (thread mail, reply notice or digest): nothing is
    mailed to anyone twice, whichever way their conversation comes."""

    __tablename__ = "thread_mailed_comments"
    __table_args__ = (
        UniqueConstraint("user_id", "comment_id"),
        Index("ix_thread_mailed_comments_user_mailed", "user_id", "mailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    mailed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The digest delivery that carries it; None for thread mail and reply notices.
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("digest_deliveries.id", ondelete="CASCADE"), index=True
    )
