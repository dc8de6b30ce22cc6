"""Backups made of the blog: kept in the database so every host's admin page sees the last."""

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class Backup(db.Model):
    __tablename__ = "backups"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(100))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
