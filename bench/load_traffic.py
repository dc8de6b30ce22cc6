"""The load test's visitors: anonymous readers, logged-in readers and commenters, and a tally.

A closed loop: each virtual visitor does one action after another until the time is up, so
the rate is the highest the server holds with that many visitors waiting on it. An action is
anonymous reading (90%), logged-in reading (8%) or commenting (2%): fetching the post page
(or a comment's reply page) for the form and its CSRF token, then posting the form.
"""

import asyncio
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from load_http import Answer, Browser, TransportError, csrf_token, fetch

ACTIONS = {"anonymous reading": 90, "logged-in reading": 8, "commenting": 2}
ANONYMOUS_PAGES = {"home": 20, "post": 40, "archive": 10, "label": 8, "series": 2,
                   "search": 8, "feed": 10, "bulletins": 2}  # fmt: skip
LOGGED_IN_PAGES = {"post": 70, "home": 20, "label": 10}
SEARCH_WORDS = ["inspectorate", "caseloads", "ballot", "minister", "goodwill", "probation office",
                "case management system", "budget", "reforms", "managers"]  # fmt: skip
REPLY_SHARE = 0.25
FORM_ACTION = re.compile(r'<form class="comment-form"[^>]*action="([^"]+)"')
REPLY_LINK = re.compile(r'href="(/comments/\d+/reply)"')
SUCCESS = (201, 302)


@dataclass(frozen=True)
class PostLink:
    id: int
    path: str


@dataclass
class Site:
    """The URLs of the generated blog, newest posts first."""

    posts: list[PostLink]
    busy_posts: list[PostLink]
    months: list[str]
    #: Each label's slug and how many pages of posts it has.
    labels: dict[str, int]
    series: list[str]
    bulletins: list[str]
    posts_per_page: int = 10

    def post(self, rng: random.Random) -> PostLink:
        """A breaking story draws most readers; the busy threads and the archive the rest."""
        roll = rng.random()
        if roll < 0.5:
            return rng.choice(self.posts[:10])
        if roll < 0.7:
            return rng.choice(self.busy_posts)
        return rng.choice(self.posts)

    def page(self, kind: str, rng: random.Random) -> str:
        if kind == "home":
            pages = min(20, -(-len(self.posts) // self.posts_per_page))
            return "/" if rng.random() < 0.8 or pages < 2 else f"/?page={rng.randint(2, pages)}"
        if kind == "post":
            return self.post(rng).path
        if kind == "archive":
            month = rng.choice(self.months)
            return month if rng.random() < 0.8 else month[:6]
        if kind == "label":
            slug = rng.choice(list(self.labels))
            pages = min(10, self.labels[slug])
            if rng.random() < 0.7 or pages < 2:
                return f"/label/{slug}"
            return f"/label/{slug}?page={rng.randint(2, pages)}"
        if kind == "series":
            return f"/series/{rng.choice(self.series)}"
        if kind == "search":
            query = quote_plus(rng.choice(SEARCH_WORDS))
            return f"/search?q={query}" if rng.random() < 0.7 else f"/search?q={query}&page=2"
        if kind == "feed":
            label_feed = f"/label/{rng.choice(list(self.labels))}/feed.atom"
            post_feed = f"{self.post(rng).path}/comments.atom"
            feeds = ["/feeds/posts.atom", "/feeds/comments.atom", "/feeds/bulletins.atom"]
            return rng.choice([*feeds, label_feed, post_feed])
        return rng.choice(["/bulletins/", rng.choice(self.bulletins)])


@dataclass
class Sample:
    kind: str
    page: str
    status: int  # 0: no answer (refused, reset, timed out)
    seconds: float
    #: The server's X-Page-Cache: "hit", "miss", or None where the page is not cached; a
    #: miss for an address rendered before in the run is "miss again".
    page_cache: str | None = None


@dataclass
class Accepted:
    """A comment the server said it took: its marker, post and the address it sent us to."""

    marker: str
    post_id: int
    status: int
    location: str


@dataclass
class Tally:
    samples: list[Sample] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    accepted: list[Accepted] = field(default_factory=list)
    refused_comments: list[tuple[str, int]] = field(default_factory=list)
    #: The first few requests answered 4xx or 5xx, to say which.
    unexpected: list[str] = field(default_factory=list)
    #: The addresses the server rendered for an anonymous reader so far.
    rendered: set[str] = field(default_factory=set)

    def page_cache_source(self, path: str, answer: Answer) -> str | None:
        """What the server's X-Page-Cache said, telling a page rendered again from one
        rendered for the first time in the run."""
        source = answer.header("x-page-cache")
        if source == "miss" and path in self.rendered:
            return "miss again"
        if source == "miss":
            self.rendered.add(path)
        return source

    def statuses(self) -> Counter:
        return Counter(sample.status for sample in self.samples)


@dataclass
class Visitors:
    """What every virtual visitor shares: the server, the site's URLs and the tally."""

    address: tuple[str, int]
    site: Site
    accounts: list[Browser]
    run: str
    tally: Tally = field(default_factory=Tally)
    mix: dict[str, int] = field(default_factory=lambda: dict(ACTIONS))
    comments_sent: int = 0

    async def timed(
        self, kind: str, page: str, browser: Browser, path: str, form: dict | None = None
    ) -> Answer | None:
        started = time.perf_counter()
        try:
            answer = await fetch(self.address, browser, path, form)
        except TransportError as error:
            self.tally.transport_errors.append(str(error))
            self.tally.samples.append(Sample(kind, page, 0, time.perf_counter() - started))
            return None
        source = self.tally.page_cache_source(path, answer)
        self.tally.samples.append(Sample(kind, page, answer.status, answer.seconds, source))
        if answer.status >= 400 and len(self.tally.unexpected) < 20:
            self.tally.unexpected.append(f"{answer.status} {path}")
        return answer

    async def read_anonymously(self, rng: random.Random) -> None:
        page = rng.choices(list(ANONYMOUS_PAGES), weights=list(ANONYMOUS_PAGES.values()))[0]
        await self.timed("anonymous reading", page, Browser(), self.site.page(page, rng))

    async def read_logged_in(self, rng: random.Random) -> None:
        page = rng.choices(list(LOGGED_IN_PAGES), weights=list(LOGGED_IN_PAGES.values()))[0]
        browser = rng.choice(self.accounts)
        await self.timed("logged-in reading", page, browser, self.site.page(page, rng))

    def next_marker(self) -> str:
        self.comments_sent += 1
        return f"load-{self.run}-{self.comments_sent}"

    async def comment(self, rng: random.Random, kind: str = "comment") -> None:
        """Read the post (and maybe a comment's reply page), then send its comment form."""
        browser, post = rng.choice(self.accounts), self.site.post(rng)
        form_page = await self.timed(f"{kind} form", "post", browser, post.path)
        if form_page is None:
            return
        replies = REPLY_LINK.findall(form_page.text)
        if replies and rng.random() < REPLY_SHARE:
            form_page = await self.timed(f"{kind} form", "reply", browser, rng.choice(replies))
            if form_page is None:
                return
        await self.send_comment(kind, browser, post, form_page.text, rng)

    async def send_comment(
        self, kind: str, browser: Browser, post: PostLink, page: str, rng: random.Random
    ) -> None:
        token, action = csrf_token(page), FORM_ACTION.search(page)
        if token is None or action is None:
            self.tally.refused_comments.append(("no comment form on " + post.path, 0))
            return
        reply_to = re.search(r'name="reply_to"[^>]*value="(\d*)"', page)
        marker = self.next_marker()
        form = {
            "csrf_token": token,
            "body": f"Load test comment {marker}: the same here.\n\nCaseloads are rising.",
            "anonymous": "y" if rng.random() < 0.6 else "",
            "reply_to": reply_to.group(1) if reply_to else "",
        }
        answer = await self.timed(f"{kind} post", "comment", browser, action.group(1), form)
        if answer is None:
            return
        if answer.status in SUCCESS:
            location = answer.header("location") or ""
            self.tally.accepted.append(Accepted(marker, post.id, answer.status, location))
        else:
            self.tally.refused_comments.append((marker, answer.status))

    async def act(self, rng: random.Random) -> None:
        action = rng.choices(list(self.mix), weights=list(self.mix.values()))[0]
        if action == "anonymous reading":
            await self.read_anonymously(rng)
        elif action == "logged-in reading":
            await self.read_logged_in(rng)
        else:
            await self.comment(rng)


async def visit_until(visitors: Visitors, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        await visitors.act(rng)


async def run_mix(visitors: Visitors, clients: int, seconds: float) -> float:
    """Run ``clients`` visitors for ``seconds``; the wall time until the last one finished."""
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(visit_until(visitors, deadline, seed) for seed in range(clients)))
    return time.monotonic() - started


async def log_in(address: tuple[str, int], email: str, password: str, tally: Tally) -> Browser:
    """Log in through the real form; the browser then carries that account's session."""
    browser = Browser()
    visitors = Visitors(address, Site([], [], [], {}, [], []), [], "", tally)
    form_page = await visitors.timed("login", "login form", browser, "/auth/login")
    token = csrf_token(form_page.text) if form_page else None
    if token is None:
        raise RuntimeError(f"no login form at /auth/login ({form_page and form_page.status})")
    form = {"csrf_token": token, "email": email, "password": password}
    answer = await visitors.timed("login", "log in", browser, "/auth/login", form)
    if answer is None or answer.status != 302 or "session" not in browser.cookies:
        raise RuntimeError(f"{email} could not log in ({answer and answer.status})")
    return browser


async def log_in_all(
    address: tuple[str, int], emails: list[str], password: str, tally: Tally
) -> list[Browser]:
    """Log the accounts in a few at a time, as readers arriving would."""
    browsers: list[Browser] = []
    for start in range(0, len(emails), 4):
        batch = emails[start : start + 4]
        browsers += await asyncio.gather(*(log_in(address, e, password, tally) for e in batch))
    return browsers


async def comment_burst(visitors: Visitors, comments_each: int) -> float:
    """Every account loads a post's form, then all post ``comments_each`` comments at once."""
    rng = random.Random(7)
    pages = []
    for browser in visitors.accounts:
        post = rng.choice(visitors.site.posts[:3])
        page = await visitors.timed("burst form", "post", browser, post.path)
        pages.append((browser, post, page.text if page else ""))

    async def post_all(browser: Browser, post: PostLink, page: str) -> None:
        for _ in range(comments_each):
            await visitors.send_comment("burst", browser, post, page, rng)

    started = time.monotonic()
    await asyncio.gather(*(post_all(*entry) for entry in pages))
    return time.monotonic() - started
