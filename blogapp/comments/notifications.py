"""Telling commenters about replies: one email per reply, for those who asked for them."""

from flask import current_app

from ..extensions import db
from ..following.operations import has_muted
from ..mail import queue_email
from ..models import Comment, CommentState, User
from ..signals import comment_published
from ..subscriptions.receiving import Mailing, may_receive
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
    if has_muted(recipient.id, reply.post_id):
        return None
    return recipient


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
    db.session.commit()
