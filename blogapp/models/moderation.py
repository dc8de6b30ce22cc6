"""Moderation records: readers' reports of comments, and the editors' site settings."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .comments import Comment
from .types import UTCDateTime
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


class SiteSetting(db.Model):
    """A setting editors change on the site itself, shared by every server process."""

    __tablename__ = "site_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
