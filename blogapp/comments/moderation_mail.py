"""The editors' moderation mail: at most one an hour, listing held and reported comments
that the editor has not been mailed about yet.

"Select what is waiting and not yet mailed, queue one message, mark it mailed, commit": the
marks and the queued message are one transaction, so a crash never sends an item twice
and never loses one.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import changes
from ..dates import utcnow
from ..extensions import db
from ..mail import queue_email
from ..models import Comment, CommentReport, CommentState, ModerationMailing, Role, User
from ..urls import external_url

#: Whatever else happens, an editor gets no more than one such mail in this time.
MAIL_SPACING = timedelta(hours=1)
#: How much of each comment the mail quotes.
EXCERPT_LENGTH = 200

changes.declare_unseen(ModerationMailing)


@dataclass(frozen=True)
class WaitingItem:
    """A comment waiting for an editor, and why: "held" or "reported"."""

    comment: Comment
    reason: str

    @property
    def key(self) -> tuple[int, str]:
        return (self.comment.id, self.reason)

    @property
    def tab(self) -> str:
        """The tab of ``/admin/comments`` that lists it."""
        if self.reason == "held":
            return "held"
        return "hidden" if self.comment.state == CommentState.HIDDEN else "reported"

    @property
    def link(self) -> str:
        return external_url("admin.comments_queue", show=self.tab) + f"#{self.comment.anchor}"


def waiting_items() -> list[WaitingItem]:
    """Held comments, and shown or hidden ones with open reports, oldest first."""
    reported = select(CommentReport.comment_id).where(CommentReport.resolved_at.is_(None))
    held = select(Comment).where(Comment.state == CommentState.PENDING)
    flagged = select(Comment).where(
        Comment.state.in_((CommentState.VISIBLE, CommentState.HIDDEN)), Comment.id.in_(reported)
    )
    shown = (selectinload(Comment.post), selectinload(Comment.user))
    items = [WaitingItem(c, "held") for c in db.session.scalars(held.options(*shown))]
    items += [WaitingItem(c, "reported") for c in db.session.scalars(flagged.options(*shown))]
    return sorted(items, key=lambda item: (item.comment.created_at, item.comment.id))


def editors_who_want_it() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.mail_moderation_queue.is_(True),
                User.role.in_((Role.EDITOR, Role.ADMIN)),
                User.email.is_not(None),
                User.banned.is_(False),
            )
            .order_by(User.id)
        )
    )


def mailed_recently(editor: User) -> bool:
    last = db.session.scalar(
        select(func.max(ModerationMailing.mailed_at)).where(ModerationMailing.user_id == editor.id)
    )
    return last is not None and utcnow() - last < MAIL_SPACING


def already_mailed(editor: User) -> set[tuple[int, str]]:
    rows = db.session.execute(
        select(ModerationMailing.comment_id, ModerationMailing.reason).where(
            ModerationMailing.user_id == editor.id
        )
    )
    return {(comment_id, reason) for comment_id, reason in rows}


def mail_editor(editor: User, items: list[WaitingItem]) -> None:
    """Queue one message listing ``items`` and mark them mailed to ``editor``; commits."""
    now = utcnow()
    count = len(items)
    queue_email(
        editor.email,
        f"{count} comment{'s' if count != 1 else ''} waiting for moderation",
        "moderation_queue",
        capped=False,
        editor=editor,
        items=items,
        excerpt_length=EXCERPT_LENGTH,
        queue_link=external_url("admin.comments_queue"),
        settings_link=external_url("account.settings"),
        blog_title=current_app.config["BLOG_TITLE"],
    )
    for item in items:
        db.session.add(
            ModerationMailing(
                user_id=editor.id, comment_id=item.comment.id, reason=item.reason, mailed_at=now
            )
        )
    db.session.commit()


def mail_moderation_queue() -> int:
    """Mail each editor who asked for it what waits that they have not heard of; returns
    how many editors were mailed."""
    waiting = waiting_items()
    if not waiting:
        return 0
    mailed = 0
    for editor in editors_who_want_it():
        if mailed_recently(editor):
            continue
        known = already_mailed(editor)
        news = [item for item in waiting if item.key not in known]
        if news:
            mail_editor(editor, news)
            mailed += 1
    return mailed
