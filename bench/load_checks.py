"""After the load test: no comment lost, every count and page right, nothing in the error log."""

import re
from collections import defaultdict

from load_http import Browser, TransportError, fetch
from load_traffic import Accepted, Tally
from sqlalchemy import create_engine, text

MARKER = re.compile(r"Load test comment (load-[0-9a-f]+b?-\d+):")
SHOWN_COMMENT = 'class="comment comment--visible"'
#: The link to a thread's next page of comments (``COMMENTS_PER_PAGE`` top-level ones a page).
NEWER_COMMENTS = re.compile(r'class="comment-pages__newer" rel="next" href="[^"?]*\?page=(\d+)')
LOG_PROBLEMS = re.compile(r"Traceback|OperationalError|database is locked|\[ERROR\]|\[CRITICAL\]"
                          r"|WORKER TIMEOUT|Exception on ")  # fmt: skip
COUNT_MISMATCHES = text(
    "SELECT posts.id, posts.comment_count, (SELECT count(*) FROM comments WHERE "
    "comments.post_id = posts.id AND comments.state = 'visible') AS shown FROM posts"
)


def stored_markers(connection) -> dict[str, tuple[int, int, str]]:
    """Each load-test comment in the database: its id, post and state, by marker."""
    rows = connection.execute(
        text("SELECT id, post_id, state, body FROM comments WHERE body LIKE 'Load test comment %'")
    )
    return {MARKER.match(row.body).group(1): (row.id, row.post_id, row.state) for row in rows}


def lost(accepted: list[Accepted], stored: dict[str, tuple[int, int, str]]) -> list[str]:
    """Comments answered 201/302 that are missing, misplaced or not where the answer pointed."""
    problems = []
    for comment in accepted:
        found = stored.get(comment.marker)
        if found is None:
            problems.append(f"{comment.marker}: answered {comment.status}, not stored")
        elif found[1] != comment.post_id or not comment.location.endswith(f"#c{found[0]}"):
            problems.append(f"{comment.marker}: stored as {found}, answer said {comment.location}")
    return problems


async def whole_thread(address: tuple[str, int], path: str) -> tuple[int, str]:
    """A post's thread as an anonymous reader sees it, every page of it: the status of the
    first answer that was not a page, or 200, and the pages' text together."""
    texts, page = [], path
    while page is not None:
        answer = await fetch(address, Browser(), page)
        if answer.status != 200:
            return answer.status, "".join(texts)
        texts.append(answer.text)
        newer = NEWER_COMMENTS.search(answer.text)
        page = f"{path}?page={newer.group(1)}" if newer else None
    return 200, "".join(texts)


async def page_mismatches(
    address: tuple[str, int], paths: dict[int, str], counts: dict[int, int], markers: dict
) -> list[str]:
    """Each commented post as an anonymous reader sees it (every page of its thread): its
    count and its new comments."""
    problems = []
    for post_id, path in paths.items():
        try:
            status, thread = await whole_thread(address, path)
        except TransportError as error:
            problems.append(f"{path}: {error}")
            continue
        shown = thread.count(SHOWN_COMMENT)
        if status != 200 or shown != counts[post_id]:
            problems.append(f"{path}: {status}, {shown} shown, count {counts[post_id]}")
        missing = [marker for marker in markers[post_id] if marker not in thread]
        if missing:
            problems.append(f"{path}: {len(missing)} accepted comments not shown")
    return problems


async def check_comments(
    database_url: str, address: tuple[str, int], tallies: list[Tally], paths: dict[int, str]
) -> dict:
    accepted = [comment for tally in tallies for comment in tally.accepted]
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = stored_markers(connection)
        rows = connection.execute(COUNT_MISMATCHES).all()
    engine.dispose()
    counts = {row.id: row.comment_count for row in rows}
    markers: dict[int, list[str]] = defaultdict(list)
    for comment in accepted:
        markers[comment.post_id].append(comment.marker)
    commented = {post_id: paths[post_id] for post_id in markers}
    return {
        "comments_accepted": len(accepted),
        "comments_stored": sum(comment.marker in stored for comment in accepted),
        "lost_comments": lost(accepted, stored),
        "count_mismatches": [
            f"post {row.id}: count {row.comment_count}, shown {row.shown}"
            for row in rows
            if row.comment_count != row.shown
        ],
        "pages_checked": len(commented),
        "page_mismatches": await page_mismatches(address, commented, counts, markers),
    }


def server_log_errors(log: str) -> list[str]:
    """Lines of gunicorn's and the app's output that report an error."""
    return [line for line in log.splitlines() if LOG_PROBLEMS.search(line)][:50]
