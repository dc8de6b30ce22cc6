"""The security tests' cast: a visitor, two readers, an editor and an administrator, each
with a signed-in client, and factories for the things they own; the app's routes as its
URL map lists them; and what counts as a refusal."""

import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count

from flask import Flask
from PIL import Image
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from blogapp.blog.operations import PostFields, create_post
from blogapp.bulletins.operations import BulletinFields, add_feed, create_bulletin
from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.images import store_image
from blogapp.mail.catcher import outbox_folder, save_to_outbox
from blogapp.models import Comment, CommentState, Post, PostKind, PostStatus, Role, Upload, User
from blogapp.subscriptions.operations import save_subscription
from blogapp.text import render_comment_text

from .accounts import TEST_PASSWORD
from .client import BlogClient

VISITOR, READER_A, READER_B, EDITOR, ADMIN = "visitor", "reader_a", "reader_b", "editor", "admin"
ROLES = (VISITOR, READER_A, READER_B, EDITOR, ADMIN)
#: A reader who has not confirmed their address yet (not one of the ROLES compared).
NEWCOMER = "newcomer"
EVERYONE = frozenset(ROLES)
MEMBERS = EVERYONE - {VISITOR}
EDITORS = frozenset({EDITOR, ADMIN})
NOBODY: frozenset[str] = frozenset()
#: Methods that change things, each of which must carry a CSRF token.
CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Who plays each role: name, account role, whether the address is confirmed.
ROLES_PLAYED = {
    READER_A: ("Reader A", Role.READER, True),
    READER_B: ("Reader B", Role.READER, True),
    EDITOR: ("Ed Itor", Role.EDITOR, True),
    ADMIN: ("Ad Ministrator", Role.ADMIN, True),
    NEWCOMER: ("New Comer", Role.READER, False),
}
#: A port nothing listens on, so fetching a feed there fails at once, off the network.
CLOSED_PORT_URL = "http://127.0.0.1:9"
#: Tokens are bearer credentials made with the site's key; these are made with another.
ATTACKERS_KEY = "a-key-the-attacker-guessed-but-the-site-never-used"


def sign_in(client: BlogClient, user: User) -> BlogClient:
    """Give ``client`` the session cookie that logging in as ``user`` would (no password hash)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def png_bytes(size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Target:
    """What a URL names: its rule's arguments, and text only those allowed may ever see."""

    values: dict[str, object]
    secret: str | None = None
    #: Fields naming the thing in the form rather than in the URL (merged into what is sent).
    form: dict[str, object] = field(default_factory=dict)


@dataclass
class Cast:
    """Everyone the security tests need, signed in, and what each of them owns."""

    app: Flask
    people: dict[str, User | None] = field(default_factory=dict)
    clients: dict[str, BlogClient] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    numbers: count = field(default_factory=lambda: count(1))

    def __post_init__(self) -> None:
        for role in (VISITOR, *ROLES_PLAYED):
            self.recast(role)

    def recast(self, role: str) -> None:
        """Someone new in ``role``, signed in on a client of their own."""
        name, account_role, confirmed = ROLES_PLAYED.get(role, (None, None, False))
        client = self.app.test_client()
        self.tokens.pop(role, None)
        if name is None:
            self.people[role], self.clients[role] = None, client
            return
        password = TEST_PASSWORD if role == READER_A else None
        user = self.person(name, account_role, confirmed, password)
        self.people[role], self.clients[role] = user, sign_in(client, user)

    def path(self, rule: Rule, target: Target) -> str:
        return path_for(self.app, rule, target.values)

    def token(self, role: str) -> str:
        """The CSRF token of ``role``'s session, read once from a page with a form."""
        if role not in self.tokens:
            self.tokens[role] = csrf_token_for(self.clients[role], role)
        return self.tokens[role]

    def __getitem__(self, role: str) -> User:
        user = self.people[role]
        assert user is not None, f"{role} has no account"
        return user

    def unique(self, text: str) -> str:
        return f"{text} {next(self.numbers)}"

    def person(
        self,
        name: str,
        role: Role = Role.READER,
        confirmed: bool = True,
        password: str | None = None,
    ) -> User:
        """An account made directly (hashing a password for each would make the tests slow)."""
        number = next(self.numbers)
        user = User(
            email=f"person{number}-{secrets.token_hex(3)}@example.org",
            display_name=name,
            role=role,
            email_confirmed_at=utcnow() if confirmed else None,
        )
        if password:
            user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    def post(self, status: PostStatus = PostStatus.PUBLISHED, **fields: object) -> Post:
        """A public post (an hour old); a scheduled one goes out in a year's time."""
        title = self.unique(str(fields.pop("title", "Secret post")))
        when = {
            PostStatus.PUBLISHED: utcnow() - timedelta(hours=1),
            PostStatus.SCHEDULED: utcnow() + timedelta(days=400),
            PostStatus.DRAFT: None,
        }[status]
        values = PostFields(title=title, body_source=f"The body of {title}.", **fields)
        return create_post(values, self.people[EDITOR], status, when)

    def page(self, status: PostStatus = PostStatus.PUBLISHED) -> Post:
        """A page (an hour old), or a draft one."""
        title = self.unique("Secret page")
        when = None if status == PostStatus.DRAFT else utcnow() - timedelta(hours=1)
        values = PostFields(title=title, body_source=f"The body of {title}.")
        return create_post(values, self.people[EDITOR], status, when, PostKind.PAGE)

    def comment(
        self, author: User, state: CommentState = CommentState.VISIBLE, post: Post | None = None
    ) -> Comment:
        body = self.unique(f"A {state.value} comment by {author.display_name}")
        comment = Comment(
            post=post or self.post(),
            user=author,
            body=body,
            body_html=render_comment_text(body),
            state=state,
            created_at=utcnow(),
        )
        db.session.add(comment)
        db.session.commit()
        return comment

    def bulletin(self, future: bool = False):
        title = self.unique("Secret bulletin" if future else "A bulletin")
        when = utcnow() + (timedelta(days=400) if future else -timedelta(hours=1))
        return create_bulletin(BulletinFields("Napo", title, f"<p>{title}</p>", None, when))

    def feed(self):
        number = next(self.numbers)
        return add_feed(f"Union {number}", f"{CLOSED_PORT_URL}/feed-{number}.xml")

    def upload(self) -> Upload:
        return store_image(io.BytesIO(png_bytes()), "chart.png", self.people[EDITOR])

    def outbox_message(self) -> tuple[str, str]:
        """A message as the local mail catcher files it: its file name and subject."""
        subject = self.unique("Secret message")
        content = (
            f"From: blog@blog.test\r\nTo: someone@example.org\r\nSubject: {subject}\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{subject}\r\n"
        ).encode()
        return save_to_outbox(outbox_folder(), content).name, subject

    def subscribe(self, user: User) -> None:
        save_subscription(user, True, True)


def made_with_another_key(app: Flask, make: Callable[[], str]) -> str:
    """A token as ``make`` builds it, but signed with a key the site never used."""
    real = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = ATTACKERS_KEY
    try:
        return make()
    finally:
        app.config["SECRET_KEY"] = real


#: Mail providers' webhooks: machine calls proved by a signature or a secret, not by a
#: session, so they have no forms (tests/web/test_mail_webhooks*.py: 403 unsigned, 404 off).
MACHINE_BLUEPRINTS = {"mail_webhooks"}


def rules_of(app: Flask) -> list[Rule]:
    """Every rule people's browsers use (not the machine calls)."""
    rules = (
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.partition(".")[0] not in MACHINE_BLUEPRINTS
    )
    return sorted(rules, key=lambda rule: (rule.rule, rule.endpoint))


def changing_rules(app: Flask) -> list[tuple[Rule, str]]:
    """Every (rule, method) that may change something."""
    return [
        (rule, method)
        for rule in rules_of(app)
        for method in sorted((rule.methods or set()) & CHANGING_METHODS)
    ]


def reading_rules(app: Flask) -> list[Rule]:
    return [rule for rule in rules_of(app) if "GET" in (rule.methods or set())]


def path_for(app: Flask, rule: Rule, values: dict[str, object]) -> str:
    """The path of ``rule`` with ``values`` (built as the app builds links)."""
    with app.test_request_context():
        return rule.build(values, append_unknown=False)[1]


def is_login_redirect(response: TestResponse) -> bool:
    """Sent to log in first (Flask-Login adds where to come back to)."""
    return response.status_code in (301, 302, 303) and response.headers.get(
        "Location", ""
    ).startswith("/auth/login?next=")


def csrf_token_for(client: BlogClient, role: str) -> str:
    """A valid token of this client's session, read from a page with a form on it."""
    return client.csrf_token("/auth/login" if role == VISITOR else "/account")


def methods_of(rule: Rule) -> list[str]:
    """The methods a rule answers that a person would use, GET first."""
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}, key=lambda name: name != "GET")


def rule_for(app: Flask, endpoint: str) -> Rule:
    (rule,) = [rule for rule in rules_of(app) if rule.endpoint == endpoint]
    return rule


def send(
    cast: Cast,
    role: str,
    rule: Rule,
    method: str,
    target: Target,
    data: dict[str, object] | None = None,
    **kwargs: object,
) -> TestResponse:
    """``role`` using ``rule`` on ``target``; a change carries the role's own CSRF token."""
    client = cast.clients[role]
    path = path_for(cast.app, rule, target.values)
    if method == "GET":
        response = client.get(path, **kwargs)
    else:
        form = {**(data or {}), **target.form, "csrf_token": cast.token(role)}
        response = client.open(path, method=method, data=form, **kwargs)
    response.get_data()
    response.close()
    return response


def text_of(response: TestResponse) -> str:
    return response.get_data().decode("utf-8", "replace")
