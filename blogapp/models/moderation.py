"""Moderation records: readers' reports of comments, removals, the editors' queue mail and
site settings."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .comments import Comment, CommentState
from .types import UTCDateTime, text_enum
from .users import User


class CommentReport(db.Model):
    """A reader telling the editors a comment needs a look; one per reader and comment."""

    __tablename__ = "comment_reports"
    __table_args__ = (UniqueConstraint("comment_id", "user_id", name="uq_comment_reports_reader"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When an editor kept or removed the comment; resolved reports leave the queue.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    comment: Mapped[Comment] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CommentReport {self.id} on comment {self.comment_id}>"


class CommentRemoval(db.Model):
    """Who removed a comment and when, and what it was before, so the removal can be undone."""

    __tablename__ = "comment_removals"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Removed by the comment's own author (who may undo it for a while), not by an editor.
    by_author: Mapped[bool] = mapped_column(default=False)
    state_before: Mapped[CommentState] = mapped_column(text_enum(CommentState))
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the comment was put back (by its author's Undo or an editor's Restore).
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    comment: Mapped[Comment] = relationship()
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    def __repr__(self) -> str:
        return f"<CommentRemoval {self.id} of comment {self.comment_id}>"


class ModerationMailing(db.Model):
    """One waiting comment that one editor has been mailed about, so it is never mailed again."""

    __tablename__ = "moderation_mailings"
    __table_args__ = (
        UniqueConstraint("user_id", "comment_id", "reason", name="uq_moderation_mailings_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    #: Why the comment waits: "held" or "reported".
    reason: Mapped[str] = mapped_column(String(20))
    mailed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SiteSetting(db.Model):
    """A setting editors change on the site itself, shared by every server process."""

    __tablename__ = "site_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
