"""Accounts: readers, editors and administrators.

The row is read on every request, so what a reader chooses or is refused about mail
(subscriptions, and later suppression, follows, mutes, badges) lives in tables of its own.
"""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String, false
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..dates import utcnow
from ..extensions import db
from .types import UTCDateTime, text_enum


class Role(enum.StrEnum):
    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(text_enum(Role), default=Role.READER)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    banned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Part of the login cookie: changing it ends every session of this account.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    #: Tick "Post as Anonymous" on the comment form unless the user unticks it.
    anonymous_by_default: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Send one email for each reply to this user's comments.
    notify_replies: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Commenting on a post follows its thread. New accounts start with it on; accounts made
    #: before there was such a choice keep what they had (off).
    follow_on_comment: Mapped[bool] = mapped_column(default=True, server_default=false())
    #: An editor's wish for an hourly email of held and reported comments.
    mail_moderation_queue: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Set when the owner deleted the account; the row stays so their comments keep a name.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Log this account out everywhere (remember-me cookies included)."""
        self.session_token = new_session_token()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_active(self) -> bool:
        return not self.banned and self.email is not None

    @property
    def is_editor(self) -> bool:
        return self.role in (Role.EDITOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None
