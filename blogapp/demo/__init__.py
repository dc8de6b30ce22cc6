"""The demo blog ``make run`` shows on an empty database: posts written for this project."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from ..auth.operations import create_user
from ..blog.operations import PostFields, create_post
from ..dates import blog_zone, utcnow
from ..extensions import db
from ..instance_files import write_private_file
from ..models import PostStatus, Role, User
from .bulletins import load_demo_bulletins
from .comments import load_demo_comments

POSTS_FOLDER = Path(__file__).parent / "posts"
DEMO_CREDENTIALS_FILE = "demo_editor.txt"
DEMO_EDITOR_EMAIL = "editor@example.com"
DEMO_EDITOR_NAME = "Frank Milner"


@dataclass
class DemoPost:
    """A post file: 'key: value' lines, a line '---', then the Markdown body."""

    fields: PostFields
    days_ago: int
    time_of_day: time
    draft: bool
    #: Its address on Blogger, before the blog moved (redirected to the post).
    old_address: str | None = None


def read_demo_post(path: Path) -> DemoPost:
    header, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    meta = dict(line.split(":", 1) for line in header.splitlines() if ":" in line)
    meta = {key.strip(): value.strip() for key, value in meta.items()}
    fields = PostFields(
        title=meta["title"],
        body_source=body.strip() + "\n",
        labels=[name.strip() for name in meta.get("labels", "").split(",") if name.strip()],
        series_name=meta.get("series"),
        series_number=int(meta["number"]) if meta.get("number") else None,
    )
    return DemoPost(
        fields=fields,
        days_ago=int(meta["days_ago"]),
        time_of_day=time.fromisoformat(meta["time"]),
        draft=meta.get("status") == "draft",
        old_address=meta.get("old_address"),
    )


def demo_publication_time(days_ago: int, time_of_day: time) -> datetime:
    """``time_of_day`` in the blog's zone, ``days_ago`` days before today."""
    day = (utcnow().astimezone(blog_zone()) - timedelta(days=days_ago)).date()
    return datetime.combine(day, time_of_day, tzinfo=blog_zone()).astimezone(UTC)


def write_credentials(path: Path, password: str) -> None:
    """Keep the demo editor's password where only this machine's owner can read it."""
    write_private_file(path, f"{DEMO_EDITOR_EMAIL}\n{password}\n".encode())


def demo_login_hint(credentials_path: Path) -> str:
    """How to log in as the demo editor, when the demo was loaded here."""
    if not credentials_path.exists():
        return "Log in with an account made by `flask users create`."
    email, password = credentials_path.read_text().split()[:2]
    return f"Log in as the demo editor: {email} / {password} (saved in {credentials_path})."


def create_demo_editor(credentials_path: Path) -> User:
    password = secrets.token_urlsafe(12)
    editor = create_user(DEMO_EDITOR_EMAIL, DEMO_EDITOR_NAME, password, Role.EDITOR, confirmed=True)
    write_credentials(credentials_path, password)
    return editor


def load_demo(credentials_path: Path) -> None:
    """Create the demo editor, publish the demo posts (oldest first) and bulletins, add comments."""
    editor = create_demo_editor(credentials_path)
    posts = sorted(
        (read_demo_post(path) for path in POSTS_FOLDER.glob("*.md")),
        key=lambda demo: (-demo.days_ago, demo.time_of_day),
    )
    for demo in posts:
        when = demo_publication_time(demo.days_ago, demo.time_of_day)
        status = PostStatus.DRAFT if demo.draft else PostStatus.PUBLISHED
        post = create_post(demo.fields, editor, status, None if demo.draft else when)
        if demo.old_address:
            post.legacy_path = demo.old_address
            db.session.commit()
    load_demo_bulletins(demo_publication_time)
    load_demo_comments()
