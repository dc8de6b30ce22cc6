"""The tables; import models from here."""

from .backups import Backup
from .bulletins import Bulletin, BulletinFeed, RemovedFeedItem
from .comments import ANONYMOUS, DELETED_USER, REMOVED_STATES, Comment, CommentState
from .digests import (
    NOT_COVERING,
    UNFINISHED_STATES,
    DeliveryState,
    DigestDelivery,
    DigestDeliveryWindow,
    DigestRun,
    DigestStream,
)
from .follows import FollowChoice, MailedComment, ThreadFollow
from .mail import (
    DIGEST_ONLY_REASONS,
    LIFTABLE_REASONS,
    QueuedMail,
    ReceivedReport,
    ReportKind,
    Suppression,
    SuppressionLift,
    SuppressionReason,
)
from .moderation import CommentRemoval, CommentReport, ModerationMailing, SiteSetting
from .posts import Label, Post, PostKind, PostStatus, Series, post_labels
from .subscriptions import Subscription
from .types import UTCDateTime
from .uploads import Upload
from .users import Role, User

__all__ = [
    "ANONYMOUS",
    "DELETED_USER",
    "DIGEST_ONLY_REASONS",
    "LIFTABLE_REASONS",
    "NOT_COVERING",
    "REMOVED_STATES",
    "UNFINISHED_STATES",
    "Backup",
    "Bulletin",
    "BulletinFeed",
    "Comment",
    "CommentRemoval",
    "CommentReport",
    "CommentState",
    "DeliveryState",
    "DigestDelivery",
    "DigestDeliveryWindow",
    "DigestRun",
    "DigestStream",
    "FollowChoice",
    "Label",
    "MailedComment",
    "ModerationMailing",
    "Post",
    "PostKind",
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
    "SuppressionLift",
    "SuppressionReason",
    "ThreadFollow",
    "UTCDateTime",
    "Upload",
    "User",
    "post_labels",
]
