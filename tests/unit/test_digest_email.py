"""Building a digest email: a pure function of the content and the subscriber."""

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from itsdangerous import URLSafeSerializer

from blogapp import create_app
from blogapp.digest.build import Editions, Recipient, build_digest, digest_subject
from blogapp.digest.content import DigestContent, DigestItem
from blogapp.digest.conversation import ConversationComment, ConversationThread
from blogapp.following.tokens import MUTE_SALT
from blogapp.subscriptions.tokens import (
    InvalidUnsubscribeLink,
    read_unsubscribe_token,
    unsubscribe_token,
)

SATURDAY_MORNING = datetime(2016, 9, 24, 6, 0, tzinfo=UTC)  # 07:00 in London (BST)
FRIDAY_MORNING = datetime(2016, 9, 23, 6, 0, tzinfo=UTC)
MAX_SMTP_LINE = 998
SECRET = "test-secret-key-that-is-long-enough"


@pytest.fixture
def bare_app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
            "SITE_URL": "https://blog.example",
        }
    )
    with app.app_context():
        yield app


def post(number: int, **changes) -> DigestItem:
    values = {
        "title": f"Latest From Napo {number}",
        "url": f"https://blog.example/2016/09/latest-from-napo-{number}",
        "published_at": datetime(2016, 9, 23, 20, 42, tzinfo=UTC),
        "excerpt": "Pay talks resume next week, the union says.",
        "comment_count": number % 3,
    }
    return DigestItem(**{**values, **changes})


def bulletin(number: int) -> DigestItem:
    return DigestItem(
        title=f"Napo bulletin {number}",
        url=f"https://blog.example/bulletins/{number}-napo-bulletin-{number}",
        published_at=datetime(2016, 9, 23, 12, 0, tzinfo=UTC),
        excerpt="Members are balloted on the pay offer.",
        source="Napo",
    )


def content(posts: int, bulletins: int) -> DigestContent:
    return DigestContent(
        FRIDAY_MORNING,
        SATURDAY_MORNING,
        tuple(post(n) for n in range(1, posts + 1)),
        tuple(bulletin(n) for n in range(1, bulletins + 1)),
    )


READER = Recipient(user_id=7, email="reader@example.org")


def parse(outgoing):
    return message_from_bytes(outgoing.data, policy=policy.default)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def headers_but_the_boundary(message) -> list[tuple[str, str]]:
    return [(name, value) for name, value in message.items() if name != "Content-Type"]


@pytest.mark.parametrize(
    ("posts", "bulletins", "subject"),
    [
        (3, 2, "3 new posts and 2 bulletins — On Probation, Saturday 24 September 2016"),
        (1, 0, "1 new post — On Probation, Saturday 24 September 2016"),
        (0, 1, "1 bulletin — On Probation, Saturday 24 September 2016"),
    ],
)
def test_the_subject_counts_what_the_subscriber_gets(bare_app, posts, bulletins, subject):
    assert digest_subject(content(posts, bulletins)) == subject


def test_the_subject_counts_only_the_subscriber_s_choice(bare_app):
    posts_only = Recipient(7, "reader@example.org", wants_posts=True, wants_bulletins=False)
    message = parse(build_digest(content(3, 2), posts_only, "<1@blog.example>"))
    assert message["Subject"] == "3 new posts — On Probation, Saturday 24 September 2016"
    assert "Napo bulletin" not in text_of(message)
    assert "Napo bulletin" not in html_of(message)


def test_nothing_is_built_when_nothing_matches_the_choice(bare_app):
    bulletins_only = Recipient(7, "reader@example.org", wants_posts=False, wants_bulletins=True)
    assert build_digest(content(3, 0), bulletins_only, "<1@blog.example>") is None
    assert build_digest(content(0, 0), READER, "<1@blog.example>") is None


def test_the_email_has_both_parts_the_list_headers_and_its_message_id(bare_app):
    data = build_digest(content(2, 1), READER, "<digest-1@blog.example>").data
    parsed = message_from_bytes(data, policy=policy.default)

    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert b"\r\nList-Unsubscribe: <https://blog.example/unsubscribe/" in data, "not encoded"

    assert parsed["Message-ID"] == "<digest-1@blog.example>"
    assert parsed["To"] == "reader@example.org"
    assert parsed["From"] == "On Probation <noreply@blog.example>"
    assert parsed["Date"]
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["List-Id"] == "On Probation daily digest <digest.blog.example>"
    unsubscribe = parsed["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://blog.example/unsubscribe/")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = unsubscribe.removeprefix("<https://blog.example/unsubscribe/").removesuffix(">")
    assert read_unsubscribe_token(token).user_id == 7

    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert "NEW POSTS" in text
    assert "UNION BULLETINS" in text
    assert "Latest From Napo 2" in text
    assert "23 September 2016 at 21:42" in text
    assert "https://blog.example/2016/09/latest-from-napo-1" in text
    assert "Napo · 23 September 2016 at 13:00" in text
    assert "Change what you receive: https://blog.example/subscribe" in text
    assert f"Unsubscribe: {unsubscribe[1:-1]}" in text
    assert "1 comment" in text
    assert "2 comments" in text
    assert '<h2 style="' in html, "the stylesheet is inlined"
    assert "<style" not in html
    assert 'href="https://blog.example/bulletins/1-napo-bulletin-1"' in html
    assert 'href="https://blog.example/subscribe"' in html


def test_long_and_non_ascii_text_keeps_smtp_lines_short(bare_app):
    long_title = "Probation “reform” — what the inspectorate found " * 6
    long_excerpt = "Ëxcerpt words with accents, quotes “and” dashes — " * 6
    item = post(1, title=long_title.strip(), excerpt=long_excerpt.strip())
    busy = DigestContent(FRIDAY_MORNING, SATURDAY_MORNING, (item,) * 5)
    data = build_digest(busy, READER, "<1@blog.example>").data
    assert max(len(line) for line in data.split(b"\r\n")) <= MAX_SMTP_LINE
    parsed = message_from_bytes(data, policy=policy.default)
    assert "Probation “reform”" in parsed.get_body(preferencelist=("plain",)).get_content()


def test_an_unsubscribe_token_names_the_reader_and_the_list(bare_app):
    request = read_unsubscribe_token(unsubscribe_token(42))
    assert (request.user_id, request.list_name) == (42, "digest")


@pytest.mark.parametrize("change", ["flip", "truncate", "other-salt", "unknown-list"])
def test_a_tampered_unsubscribe_token_is_refused(bare_app, change):

    token = unsubscribe_token(42)
    tampered = {
        "flip": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "truncate": token[:-5],
        "other-salt": URLSafeSerializer(bare_app.config["SECRET_KEY"], salt="x").dumps(
            [42, "digest"]
        ),
        "unknown-list": URLSafeSerializer(
            bare_app.config["SECRET_KEY"], salt="blogapp.unsubscribe"
        ).dumps([42, "everything"]),
    }[change]
    with pytest.raises(InvalidUnsubscribeLink):
        read_unsubscribe_token(tampered)


def test_each_subscriber_s_message_is_the_edition_with_their_own_details(bare_app):
    editions = Editions(content(2, 1))
    first = editions.message_for(READER, "<a@blog.example>")
    second = editions.message_for(Recipient(8, "other@example.org"), "<b@blog.example>")

    assert len(editions.rendered) == 1, "rendered once for both"
    for outgoing, address, message_id, user_id in (
        (first, "reader@example.org", "<a@blog.example>", 7),
        (second, "other@example.org", "<b@blog.example>", 8),
    ):
        assert b"slot.invalid" not in outgoing.data
        assert b"token-" not in outgoing.data
        message = parse(outgoing)
        assert (outgoing.recipient, message["To"], message["Message-ID"]) == (
            address,
            address,
            message_id,
        )
        token = unsubscribe_token(user_id)
        assert message["List-Unsubscribe"] == f"<https://blog.example/unsubscribe/{token}>"
        assert f"https://blog.example/unsubscribe/{token}" in text_of(message)
        assert f'href="https://blog.example/unsubscribe/{token}"' in html_of(message)


def test_a_message_filled_in_is_the_message_encoded_on_its_own(bare_app):
    edition = Editions(content(3, 2)).edition(READER)
    filled = parse(edition.message_for(READER, "<a@blog.example>"))
    alone = message_from_bytes(
        edition.encoded_alone(READER, "<a@blog.example>"), policy=policy.default
    )

    assert headers_but_the_boundary(filled) == headers_but_the_boundary(alone)
    assert filled.get_content_type() == alone.get_content_type() == "multipart/alternative"
    assert text_of(filled) == text_of(alone)
    assert html_of(filled) == html_of(alone)


def test_an_address_that_needs_quoting_and_a_line_too_long_for_8_bit_still_go(bare_app):
    one_long_word = "É" * 600
    busy = DigestContent(FRIDAY_MORNING, SATURDAY_MORNING, (post(1, excerpt=one_long_word),))
    quoted = Recipient(9, '"pat reader"@example.org')

    outgoing = build_digest(busy, quoted, "<q@blog.example>")

    assert max(len(line) for line in outgoing.data.split(b"\r\n")) <= MAX_SMTP_LINE
    message = parse(outgoing)
    assert message["To"] == '"pat reader"@example.org'
    assert one_long_word in text_of(message)
    assert unsubscribe_token(9) in message["List-Unsubscribe"]


def talk(post_id: int, *bodies: str) -> ConversationThread:
    """A thread of the conversation with a comment per body, at 22:42 London time."""
    return ConversationThread(
        post_id=post_id,
        title=f"Latest From Napo {post_id}",
        url=f"https://blog.example/2016/09/latest-from-napo-{post_id}",
        comments=tuple(
            ConversationComment(
                author="Anonymous",
                created_at=datetime(2016, 9, 23, 21, 42, tzinfo=UTC),
                first_lines=body,
                url=f"https://blog.example/comments/{post_id}{number}",
                text_lines=body,
                html_lines=body,
            )
            for number, body in enumerate(bodies)
        ),
    )


def mute_links(message, reader_id: int) -> set[tuple[int, int]]:
    """Whom and which post each mute link in both parts names."""
    named = set()
    for part in (text_of(message), html_of(message)):
        for token in re.findall(r"/threads/mute/([\w.-]+)", part):
            named.add(tuple(URLSafeSerializer(SECRET, salt=MUTE_SALT).loads(token)))
    return named


def test_readers_with_conversations_share_the_edition_and_each_thread_s_rendering(bare_app):
    shared, other = talk(41, "Caseloads are “unsafe”, & worse."), talk(42, "Agreed.")
    ann = Recipient(7, "ann@example.org", conversation=(shared,))
    bob = Recipient(8, "bob@example.org", conversation=(shared, other))
    editions = Editions(content(1, 0))

    messages = {
        reader: parse(editions.message_for(reader, f"<{reader.user_id}@blog.example>"))
        for reader in (ann, bob, READER)
    }

    assert len(editions.rendered) == 2, "one edition with a conversation, one without"
    assert len(editions.blocks.rendered) == 2, "each thread rendered once"
    assert messages[ann]["Subject"] == (
        "1 new post and 1 reply — On Probation, Saturday 24 September 2016"
    )
    assert messages[bob]["Subject"].startswith("1 new post and 2 replies — ")
    assert messages[READER]["Subject"].startswith("1 new post — ")
    assert mute_links(messages[ann], 7) == {(7, 41)}
    assert mute_links(messages[bob], 8) == {(8, 41), (8, 42)}
    assert "CONVERSATION" not in text_of(messages[READER])
    for message in messages.values():
        assert b"slot" not in message.as_bytes()
    assert "Caseloads are “unsafe”, &amp; worse." in html_of(messages[bob])
    assert "Caseloads are “unsafe”, & worse." in text_of(messages[bob])
    assert 'style="color: #1d4f91;">Mute this thread</a>' in html_of(messages[bob])


def test_a_message_with_a_conversation_filled_in_is_the_message_encoded_on_its_own(bare_app):
    reader = Recipient(7, "ann@example.org", conversation=(talk(41, "One\nTwo"), talk(42, "É")))
    edition = Editions(content(2, 1)).edition(reader)
    filled = parse(edition.message_for(reader, "<a@blog.example>"))
    alone = message_from_bytes(
        edition.encoded_alone(reader, "<a@blog.example>"), policy=policy.default
    )

    assert headers_but_the_boundary(filled) == headers_but_the_boundary(alone)
    assert text_of(filled) == text_of(alone)
    assert html_of(filled) == html_of(alone)
    assert "  One\n  Two" in text_of(filled).replace("\r\n", "\n")


def test_a_conversation_line_too_long_for_8_bit_still_goes(bare_app):
    one_long_word = "É" * 600
    reader = Recipient(7, "ann@example.org", conversation=(talk(41, one_long_word),))

    outgoing = Editions(content(1, 0)).message_for(reader, "<a@blog.example>")

    assert max(len(line) for line in outgoing.data.split(b"\r\n")) <= MAX_SMTP_LINE
    assert one_long_word in text_of(parse(outgoing))
