"""Comments: threads one level deep, as on Blogger."""

import enum
from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .posts import Post
from .types import UTCDateTime, text_enum
from .users import User

ANONYMOUS = "Anonymous"
DELETED_USER = "Deleted user"


class CommentState(enum.StrEnum):
    VISIBLE = "visible"
    PENDING = "pending"
    REMOVED_BY_AUTHOR = "removed_by_author"
    REMOVED_BY_EDITOR = "removed_by_editor"
    #: Held for approval, then removed before readers ever saw it: shown to nobody.
    DISCARDED = "discarded"
    #: Reported by enough readers to leave the thread until an editor decides; keeps its place.
    HIDDEN = "hidden"


REMOVED_STATES = (CommentState.REMOVED_BY_AUTHOR, CommentState.REMOVED_BY_EDITOR)


class ShownComment:
    """What a comment and a thread's plain record of one have in common (``id`` and
    ``state``)."""

    __slots__ = ()

    @property
    def is_removed(self) -> bool:
        return self.state in REMOVED_STATES

    @property
    def anchor(self) -> str:
        """The id of its element on the page: ``#c123`` links to it."""
        return f"c{self.id}"


class Comment(ShownComment, db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post_created", "post_id", "created_at"),
        Index("ix_comments_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The top-level comment of the thread; None for a top-level comment itself.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    #: The comment whose "Reply" was used (top-level or a reply): its author hears of the answer.
    #: No foreign key: SQLite cannot add one to a table in place, and comments are only ever
    #: deleted with their whole post, so the reference cannot dangle.
    reply_to_id: Mapped[int | None]
    #: The name typed on an imported comment (no account behind it).
    author_name: Mapped[str | None] = mapped_column(String(100))
    #: Posted as "Anonymous": the public never learns who; editors do.
    anonymous: Mapped[bool] = mapped_column(default=False)
    #: Exactly as typed.
    body: Mapped[str] = mapped_column(Text)
    #: ``body`` rendered to sanitised HTML when the comment is saved.
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[CommentState] = mapped_column(
        text_enum(CommentState), default=CommentState.VISIBLE
    )
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why screening held it for an editor ("a link to …, on the block list"), shown in the
    #: moderation queue; None for a comment published at once.
    held_because: Mapped[str | None] = mapped_column(String(200))
    #: When an editor published it after it was held: readers' mail counts it as new from
    #: then, not from when it was written. None for a comment published at once.
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its author last changed the text, shown beside it as "edited".
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The entry id the comment had in a Blogger export, so importing it again adds nothing.
    legacy_id: Mapped[str | None] = mapped_column(String(200), unique=True, index=True)

    post: Mapped[Post] = relationship()

    @classmethod
    def shown_from(cls) -> ColumnElement[datetime]:
        """When readers could first see it: when it was approved, or else written."""
        return func.coalesce(cls.approved_at, cls.created_at)

    user: Mapped[User | None] = relationship()
    parent: Mapped["Comment | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    reply_to: Mapped["Comment | None"] = relationship(
        primaryjoin=lambda: foreign(Comment.reply_to_id) == Comment.id, remote_side=[id]
    )

    def __repr__(self) -> str:
        return f"<Comment {self.id} on post {self.post_id}>"

    @property
    def account_name(self) -> str | None:
        """The commenter's account name, which the public sees only through ``public_author``."""
        return self.user.display_name if self.user is not None else None

    @property
    def account_is_editor(self) -> bool:
        """Written from an editor's or administrator's account (the public sees this only
        through ``shows_editor_badge``)."""
        return self.user is not None and self.user.is_editor

    @property
    def is_visible(self) -> bool:
        return self.state == CommentState.VISIBLE
