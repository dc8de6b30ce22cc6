"""Telling commenters about replies at once, for those who asked for them and whose
conversation comes at once: an email for a reply, unless they had conversation mail within
the hour (then the next hourly mail of their threads carries it, see ``following.mailing``).
Recorded as mailed, so no other mail carries it again."""

from flask import current_app
from sqlalchemy import literal, select

from ..dates import utcnow
from ..extensions import db
from ..following.operations import (
    already_mailed,
    conversation_mail_interval,
    had_conversation_mail_since,
    has_muted,
    take_over_records,
)
from ..mail import queue_email
from ..models import Comment, CommentState, MailedComment, User
from ..models.subscriptions import ConversationRhythm
from ..signals import comment_published
from ..subscriptions.receiving import Mailing, conversation_rhythm_of, may_receive
from ..urls import external_url
from .authors import public_author
from .pages import public_comment_address


def reply_recipient(reply: Comment) -> User | None:
    """Who should hear of ``reply``: the author of the comment answered, if they want to."""
    answered = reply.reply_to
    if answered is None or answered.state != CommentState.VISIBLE or answered.user is None:
        return None
    recipient = answered.user
    if recipient.id == reply.user_id or not may_receive(recipient, Mailing.REPLY_NOTICES):
        return None
    if conversation_rhythm_of(recipient) != ConversationRhythm.AT_ONCE:
        return None
    if has_muted(recipient.id, reply.post_id) or was_mailed(recipient.id, reply.id):
        return None
    if had_conversation_mail_since(recipient.id, utcnow() - conversation_mail_interval()):
        return None  # the hourly mail of their conversation carries it
    return recipient


def was_mailed(user_id: int, comment_id: int) -> bool:
    return bool(db.session.scalar(select(already_mailed(literal(user_id), literal(comment_id)))))


def comment_link(comment: Comment) -> str:
    return public_comment_address(comment.post, comment.id)


@comment_published.connect
def mail_reply_notice(reply: Comment, **_: object) -> None:
    """Queued once, when a reply becomes visible: at once, or when an editor approves it."""
    recipient = reply_recipient(reply)
    if recipient is None:
        return
    queue_email(
        recipient.email,
        f"{public_author(reply)} replied to your comment on “{reply.post.title}”",
        "comment_reply",
        recipient=recipient,
        reply=reply,
        answered=reply.reply_to,
        post=reply.post,
        link=comment_link(reply),
        settings_link=external_url("account.settings"),
        blog_title=current_app.config["BLOG_TITLE"],
    )
    take_over_records(recipient.id, [reply.id])
    db.session.add(MailedComment(user_id=recipient.id, comment_id=reply.id, mailed_at=utcnow()))
    db.session.commit()
