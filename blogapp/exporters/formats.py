"""The export formats, by name, as the command and the admin page offer them."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from sqlalchemy import func, select

from ..extensions import db
from ..models import Comment, Post
from .blogger import export_blogger
from .json_format import count_rows, export_json, exported_tables
from .source import MODERATED_STATES
from .wxr import export_wxr


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    file_suffix: str
    media_type: str


FORMATS = {
    "blogger": Format(
        "blogger", "Blogger (Atom, for Blogger's Import content)", "xml", "application/atom+xml"
    ),
    "wxr": Format("wxr", "WordPress (WXR 1.2)", "xml", "application/rss+xml"),
    "json": Format("json", "Everything, for blogapp (JSON)", "json", "application/json"),
}


def rows_to_export(format_name: str) -> int:
    """How many rows the export will write (for a progress bar)."""
    if format_name == "json":
        return count_rows(exported_tables())
    comments = select(func.count()).select_from(Comment).where(Comment.state.in_(MODERATED_STATES))
    return db.session.scalar(select(func.count()).select_from(Post)) + db.session.scalar(comments)


def export_to(
    format_name: str,
    out: IO[bytes],
    *,
    without_emails: bool = False,
    progress: Callable[[int], None] | None = None,
) -> None:
    if format_name == "json":
        text = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        export_json(text, without_emails=without_emails, progress=progress)
        text.flush()
        text.detach()
    elif format_name == "blogger":
        export_blogger(out, progress)
    else:
        export_wxr(out, progress)
