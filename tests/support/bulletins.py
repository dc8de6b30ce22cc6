"""Making bulletins for tests, through the same operation editors use."""

from datetime import datetime

from blogapp.bulletins.operations import BulletinFields, create_bulletin
from blogapp.models import Bulletin


def add_bulletin(
    title: str = "Pay talks resume",
    body: str = "<p>The union met the employer today.</p>",
    source: str = "Napo",
    published_at: datetime | None = None,
    link: str | None = None,
) -> Bulletin:
    """A bulletin as an editor would type it (the app context must be pushed)."""
    return create_bulletin(BulletinFields(source, title, body, link, published_at))
