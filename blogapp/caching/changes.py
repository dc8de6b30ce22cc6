"""Ending cached pages when a commit changed what readers see (``blogapp.changes``)."""

from collections.abc import Set

from flask import Flask

from ..changes import may_wait
from ..signals import changes_committed
from .generations import end_generation_within, is_caching, start_generation


def end_generation_for(app: Flask | None, topics: Set[str]) -> None:
    """Every change starts a new generation at once, but new comments (and the counts they
    change) only end it within ``COMMENT_CACHE_SECONDS``."""
    if app is None or not topics or not is_caching(app.config):
        return
    if may_wait(topics) and app.config["COMMENT_CACHE_SECONDS"] > 0:
        end_generation_within(app.config["COMMENT_CACHE_SECONDS"])
    else:
        start_generation()


def listen_for_content_changes() -> None:
    """Follow the change journal, once per process."""
    changes_committed.connect(end_generation_for)
