"""The tables; import models from here."""

from .bulletins import Bulletin, BulletinFeed, RemovedFeedItem
from .comments import ANONYMOUS, DELETED_USER, REMOVED_STATES, Comment, CommentState
from .digests import UNFINISHED_STATES, DeliveryState, DigestDelivery, DigestRun
from .follows import FollowChoice, MailedComment, ThreadFollow
from .mail import QueuedMail, ReceivedReport, ReportKind, Suppression, SuppressionReason
from .moderation import CommentReport, SiteSetting
from .posts import Label, Post, PostStatus, Series, post_labels
from .subscriptions import Subscription
from .types import UTCDateTime
from .uploads import Upload
from .users import Role, User

__all__ = [
    "ANONYMOUS",
    "DELETED_USER",
    "REMOVED_STATES",
    "UNFINISHED_STATES",
    "Bulletin",
    "BulletinFeed",
    "Comment",
    "CommentReport",
    "CommentState",
    "DeliveryState",
    "DigestDelivery",
    "DigestRun",
    "FollowChoice",
    "Label",
    "MailedComment",
    "Post",
    "PostStatus",
    "QueuedMail",
    "ReceivedReport",
    "RemovedFeedItem",
    "ReportKind",
    "Role",
    "Series",
    "SiteSetting",
    "Subscription",
    "Suppression",
    "SuppressionReason",
    "ThreadFollow",
    "UTCDateTime",
    "Upload",
    "User",
    "post_labels",
]
