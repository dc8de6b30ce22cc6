"""Who may use each route, and on what: the tables the security tests are driven by.

``ACCESS`` classifies every route that takes arguments (ids, addresses, tokens, file
names): for each thing it can be called with, the roles that may use it. Everyone else
must be refused (403/404, or sent to log in) and change nothing. A route added to the
app without an entry here fails ``test_every_route_with_arguments_is_classified``, so
whoever adds it has to decide who may use it.

``ATTEMPTS`` names, for every route that changes something, someone with the right to do
it and the form they would send: the CSRF, redirect and malformed-input tests replay it.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from .accounts import TEST_PASSWORD
from .exports import CLASSIC_HEAD, TAIL, classic_post
from .security import (
    ADMIN,
    CLOSED_PORT_URL,
    EDITORS,
    EVERYONE,
    MEMBERS,
    NEWCOMER,
    NOBODY,
    READER_A,
    READER_B,
    VISITOR,
    Cast,
    Target,
    png_bytes,
    reading_rules,
)
from .security_targets import (
    address_of_page_with_held_comment,
    address_of_post_with_held_comment,
    another_reader,
    bulletin,
    bulletin_address,
    comment_by_b,
    comment_on_unpublished_post,
    comment_removed_by_b,
    confirmation_link,
    draft_page_address,
    draft_post,
    email_change_link,
    feed,
    forged_confirmation_link,
    forged_email_change_link,
    forged_reset_link,
    forged_resume_mail_link,
    forged_thread_mute_link,
    forged_thread_stop_link,
    forged_unsubscribe_link,
    future_bulletin,
    future_bulletin_address,
    held_comment_by_b,
    label_of_public_post,
    label_only_on_scheduled_post,
    nothing,
    old_address_of_draft_page,
    old_address_of_public_page,
    old_address_of_public_post,
    old_address_of_scheduled_post,
    old_comment_feed_of_public_post,
    old_comment_feed_of_scheduled_post,
    old_feed_address,
    old_label_address,
    old_label_feed_address,
    outbox_message,
    post_commented_on_by_b,
    post_with_held_comment,
    public_page_address,
    public_post,
    public_post_address,
    public_post_month,
    public_post_year,
    reset_link,
    resume_mail_link,
    scheduled_post,
    scheduled_post_address,
    scheduled_post_month,
    scheduled_post_year,
    series_of_public_post,
    series_only_on_scheduled_post,
    stylesheet,
    subscription_of_a,
    thread_mute_link,
    thread_stop_link,
    unsubscribe_link,
    uploaded_image,
)

NEW_PASSWORD = "a brand new passphrase for this"
FormData = dict[str, object] | Callable[[Cast], dict[str, object]]
BULLETIN_FORM = {"source": "Napo", "title": "Edited bulletin", "body": "<p>Edited.</p>"}


# Who may use what --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A route called on one kind of thing, and the roles that may use it on that thing."""

    target: Callable[[Cast], Target]
    allowed: frozenset[str]
    #: The form an allowed person sends (POST); the refused send the same.
    data: FormData = field(default_factory=dict)
    #: Statuses that count as refusing someone (besides sending a visitor to log in).
    refusals: frozenset[int] = frozenset({403, 404})
    #: Statuses beside 2xx/3xx that still mean an allowed person was let in.
    also_ok: frozenset[int] = frozenset()
    #: Who may see the target's secret text; by default, those allowed.
    shown_to: frozenset[str] | None = None


TOKEN_REFUSED = frozenset({400})
COMMENT_FORM = {"body": "A comment on that."}
OWNER_B_AND_EDITORS = frozenset({READER_B}) | EDITORS


ACCESS: dict[str, list[Case]] = {
    # Editors' pages: editors and administrators only, whatever the id.
    "admin.edit_bulletin": [Case(bulletin, EDITORS, BULLETIN_FORM)],
    "admin.remove_bulletin_page": [Case(bulletin, EDITORS)],
    "admin.set_comments_open": [Case(public_post, EDITORS, {"open": "0"})],
    "admin.fetch_feed_now": [Case(feed, EDITORS)],
    "admin.pause_feed": [Case(feed, EDITORS)],
    "admin.resume_feed": [Case(feed, EDITORS)],
    "admin.remove_feed_page": [Case(feed, EDITORS)],
    "admin.outbox_message": [Case(outbox_message, EDITORS)],
    "admin.edit_post": [Case(draft_post, EDITORS, {"action": "draft", "title": "Edited"})],
    "admin.preview_post": [Case(draft_post, EDITORS), Case(scheduled_post, EDITORS)],
    "admin.delete_post": [Case(draft_post, EDITORS)],
    "admin.unpublish_post": [Case(scheduled_post, EDITORS)],
    "admin.ban": [Case(another_reader, EDITORS, {"banned": "1"})],
    # Only administrators give or take away roles.
    "admin.set_role": [Case(another_reader, frozenset({ADMIN}), {"role": "editor"})],
    # Reading pages: what is public is public; a post or bulletin given a time still to
    # come is hidden from everyone there (editors preview it on their own pages), and a
    # held comment is shown only to its author and to editors.
    "blog.post": [
        Case(public_post_address, EVERYONE),
        Case(scheduled_post_address, NOBODY),
        Case(address_of_post_with_held_comment, EVERYONE, shown_to=OWNER_B_AND_EDITORS),
    ],
    "comments.post_comments_feed": [
        Case(public_post_address, EVERYONE),
        Case(scheduled_post_address, NOBODY),
        Case(address_of_post_with_held_comment, EVERYONE, shown_to=NOBODY),
    ],
    "blog.archive_year": [Case(public_post_year, EVERYONE), Case(scheduled_post_year, NOBODY)],
    "blog.archive_month": [Case(public_post_month, EVERYONE), Case(scheduled_post_month, NOBODY)],
    "blog.label": [
        Case(label_of_public_post, EVERYONE),
        Case(label_only_on_scheduled_post, EVERYONE, shown_to=NOBODY),
    ],
    "blog.label_feed": [
        Case(label_of_public_post, EVERYONE),
        Case(label_only_on_scheduled_post, EVERYONE, shown_to=NOBODY),
    ],
    "blog.series": [
        Case(series_of_public_post, EVERYONE),
        Case(series_only_on_scheduled_post, EVERYONE, shown_to=NOBODY),
    ],
    "legacy.old_post": [
        Case(old_address_of_public_post, EVERYONE),
        Case(old_address_of_scheduled_post, NOBODY),
    ],
    "blog.page": [
        Case(public_page_address, EVERYONE),
        Case(draft_page_address, NOBODY),
        Case(address_of_page_with_held_comment, EVERYONE, shown_to=OWNER_B_AND_EDITORS),
    ],
    "legacy.old_page": [
        Case(old_address_of_public_page, EVERYONE),
        Case(old_address_of_draft_page, NOBODY),
    ],
    "legacy.old_label": [Case(old_label_address, EVERYONE)],
    "legacy.old_label_feed": [Case(old_label_feed_address, EVERYONE)],
    "legacy.old_posts_feed": [Case(old_feed_address, EVERYONE)],
    "legacy.old_comments_feed": [Case(old_feed_address, EVERYONE)],
    "legacy.old_post_comments_feed": [
        Case(old_comment_feed_of_public_post, EVERYONE),
        Case(old_comment_feed_of_scheduled_post, NOBODY),
    ],
    "bulletins.bulletin": [Case(bulletin_address, EVERYONE), Case(future_bulletin_address, NOBODY)],
    "bulletins.bulletin_without_slug": [Case(bulletin, EVERYONE), Case(future_bulletin, NOBODY)],
    # Files: the stylesheet, and images for posts (random names, served to anyone).
    "static": [Case(stylesheet, EVERYONE)],
    "media.upload": [Case(uploaded_image, EVERYONE)],
    # Comments: anyone may open a shown comment's reply page, but only its author and
    # editors may see a held one (they are told it cannot be answered yet); only the
    # author and editors remove; confirmed readers report other people's shown comments.
    "comments.reply": [
        Case(comment_by_b, EVERYONE),
        Case(held_comment_by_b, OWNER_B_AND_EDITORS, also_ok=frozenset({409})),
        Case(comment_on_unpublished_post, NOBODY),
    ],
    "comments.remove": [
        Case(comment_by_b, OWNER_B_AND_EDITORS),
        Case(held_comment_by_b, OWNER_B_AND_EDITORS),
        Case(comment_on_unpublished_post, NOBODY),
    ],
    # Only its author edits a comment (for a few minutes) or undoes its removal.
    "comments.edit": [
        Case(comment_by_b, frozenset({READER_B}), COMMENT_FORM),
        Case(held_comment_by_b, frozenset({READER_B}), COMMENT_FORM),
    ],
    "comments.undo_removal": [Case(comment_removed_by_b, frozenset({READER_B}))],
    "comments.report": [
        Case(comment_by_b, frozenset({READER_A}) | EDITORS, {"reason": "Spam"}),
        Case(held_comment_by_b, NOBODY, {"reason": "Spam"}),
    ],
    "comments.write": [
        Case(public_post, MEMBERS, COMMENT_FORM),
        Case(scheduled_post, NOBODY, COMMENT_FORM),
        Case(draft_post, NOBODY, COMMENT_FORM),
        Case(post_with_held_comment, OWNER_B_AND_EDITORS, COMMENT_FORM),
    ],
    # Links sent by mail: whoever holds a link the site signed may use it (that is what
    # the link is for); one it did not sign is refused and changes nothing.
    "auth.confirm_email": [
        Case(confirmation_link, EVERYONE),
        Case(forged_confirmation_link, NOBODY, refusals=TOKEN_REFUSED),
    ],
    "account.resume_mail": [
        Case(resume_mail_link, EVERYONE),
        Case(forged_resume_mail_link, NOBODY, refusals=TOKEN_REFUSED),
    ],
    "account.confirm_email_change": [
        Case(email_change_link, EVERYONE),
        Case(forged_email_change_link, NOBODY, refusals=TOKEN_REFUSED),
    ],
    "auth.reset_password": [
        Case(reset_link, EVERYONE, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}),
        Case(
            forged_reset_link,
            NOBODY,
            {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
            refusals=TOKEN_REFUSED,
        ),
    ],
    "subscriptions.unsubscribe_page": [
        Case(unsubscribe_link, EVERYONE),
        Case(forged_unsubscribe_link, NOBODY, refusals=TOKEN_REFUSED),
    ],
    "subscriptions.unsubscribe_now": [
        Case(unsubscribe_link, EVERYONE, {"List-Unsubscribe": "One-Click"}),
        Case(forged_unsubscribe_link, NOBODY, {"List-Unsubscribe": "One-Click"}, TOKEN_REFUSED),
    ],
    # A comment's lasting address opens its page for whoever may see the comment.
    "comments.permalink": [
        Case(comment_by_b, EVERYONE),
        Case(held_comment_by_b, OWNER_B_AND_EDITORS),
        Case(comment_on_unpublished_post, NOBODY),
    ],
    # Following a thread: any member, on a public post; muting: those who commented there.
    "following.follow": [Case(public_post, MEMBERS), Case(scheduled_post, NOBODY)],
    "following.unfollow": [Case(public_post, MEMBERS), Case(scheduled_post, NOBODY)],
    "following.mute": [
        Case(post_commented_on_by_b, frozenset({READER_B})),
        Case(scheduled_post, NOBODY),
    ],
    "following.stop_page": [
        Case(thread_stop_link, EVERYONE),
        Case(forged_thread_stop_link, NOBODY, refusals=TOKEN_REFUSED),
    ],
    "following.stop_now": [
        Case(thread_stop_link, EVERYONE, {"List-Unsubscribe": "One-Click"}),
        Case(forged_thread_stop_link, NOBODY, {"List-Unsubscribe": "One-Click"}, TOKEN_REFUSED),
    ],
    # The digest's mute link: whoever holds it, without logging in (a page, then its button).
    "following.mute_page": [
        Case(thread_mute_link, EVERYONE),
        Case(forged_thread_mute_link, NOBODY, refusals=TOKEN_REFUSED),
    ],
    "following.mute_now": [
        Case(thread_mute_link, EVERYONE),
        Case(forged_thread_mute_link, NOBODY, refusals=TOKEN_REFUSED),
    ],
}


# Someone with the right to change each thing -----------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """A change as someone allowed to make it would send it."""

    role: str
    target: Callable[[Cast], Target] = nothing
    data: FormData = field(default_factory=dict)


def small_blogger_export() -> bytes:
    post = classic_post(1, "Imported post", "<p>Imported.</p>", "2016-09-24T10:00:00.000Z")
    return (CLASSIC_HEAD + post + TAIL).encode()


def login_form(cast: Cast) -> dict[str, object]:
    return {"email": cast[READER_A].email, "password": TEST_PASSWORD, "remember": "y"}


def comment_to_moderate(cast: Cast) -> dict[str, object]:
    return {"action": "remove", "comment": str(cast.comment(cast[READER_B]).id)}


ATTEMPTS: dict[str, Attempt] = {
    "account.update_profile": Attempt(READER_A, data={"profile-display_name": "Renamed"}),
    "account.change_email": Attempt(
        READER_A,
        data={"email-email": "new-address@example.org", "email-current_password": TEST_PASSWORD},
    ),
    "account.change_password": Attempt(
        READER_A,
        data={
            "password-current_password": TEST_PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-password_again": NEW_PASSWORD,
        },
    ),
    "account.delete_account": Attempt(
        READER_A, data={"delete-current_password": TEST_PASSWORD, "delete-understood": "y"}
    ),
    "account.log_out_everywhere": Attempt(READER_A),
    "account.download_data": Attempt(READER_A, data={"data-current_password": TEST_PASSWORD}),
    "account.ask_to_resume_mail": Attempt(READER_A),
    "admin.add_feed_page": Attempt(
        ADMIN, data={"name": "A union", "url": f"{CLOSED_PORT_URL}/another.xml"}
    ),
    "admin.ban": Attempt(ADMIN, another_reader, {"banned": "1"}),
    "admin.delete_post": Attempt(ADMIN, public_post),
    "admin.edit_bulletin": Attempt(ADMIN, bulletin, BULLETIN_FORM),
    "admin.edit_post": Attempt(
        ADMIN, public_post, {"action": "update", "title": "Edited", "body": "Edited body."}
    ),
    "admin.check_dns": Attempt(ADMIN),
    "admin.fetch_feed_now": Attempt(ADMIN, feed),
    "admin.import_blogger": Attempt(
        ADMIN, data=lambda cast: {"export": (io.BytesIO(small_blogger_export()), "blog.xml")}
    ),
    "admin.lift": Attempt(ADMIN, data={"address": "bounced@example.org"}),
    "admin.moderate_comments": Attempt(ADMIN, data=comment_to_moderate),
    "admin.new_bulletin": Attempt(ADMIN, data=BULLETIN_FORM),
    "admin.new_post": Attempt(ADMIN, data={"action": "publish", "title": "New", "body": "Body."}),
    "admin.new_page": Attempt(
        ADMIN, data={"action": "publish", "title": "New page", "body": "Body."}
    ),
    "admin.export_blog": Attempt(ADMIN, data={"format": "json"}),
    "admin.pause_feed": Attempt(ADMIN, feed),
    "admin.remove_bulletin_page": Attempt(ADMIN, bulletin),
    "admin.remove_feed_page": Attempt(ADMIN, feed),
    "admin.resume_feed": Attempt(ADMIN, feed),
    "admin.send_digest_to_me": Attempt(ADMIN),
    "admin.set_comments_open": Attempt(ADMIN, public_post, {"open": "0"}),
    "admin.set_role": Attempt(ADMIN, another_reader, {"role": "editor"}),
    "admin.site_settings": Attempt(ADMIN, data={"hold_first_comments": "3"}),
    "admin.unpublish_post": Attempt(ADMIN, public_post),
    "admin.upload_image": Attempt(
        ADMIN, data=lambda cast: {"image": (io.BytesIO(png_bytes()), "chart.png")}
    ),
    "auth.login": Attempt(VISITOR, data=login_form),
    "auth.logout": Attempt(READER_A),
    "auth.register": Attempt(
        VISITOR,
        data={
            "email": "newcomer@example.org",
            "display_name": "Newcomer",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    ),
    "auth.resend_confirmation": Attempt(NEWCOMER),
    "auth.reset_request": Attempt(VISITOR, data=lambda cast: {"email": cast[READER_A].email}),
    "auth.reset_password": Attempt(
        VISITOR, reset_link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    ),
    "comments.remove": Attempt(READER_B, comment_by_b),
    "comments.edit": Attempt(READER_B, comment_by_b, COMMENT_FORM),
    "comments.undo_removal": Attempt(READER_B, comment_removed_by_b),
    "comments.report": Attempt(READER_A, comment_by_b, {"reason": "Abusive"}),
    "comments.write": Attempt(READER_A, public_post, COMMENT_FORM),
    "subscriptions.subscribe": Attempt(READER_A, data={"posts": "daily"}),
    "subscriptions.stop": Attempt(READER_A, subscription_of_a),
    # The unsubscribe page's own button (not a mail client's one-click POST).
    "subscriptions.unsubscribe_now": Attempt(VISITOR, unsubscribe_link),
    "following.follow": Attempt(READER_A, public_post),
    "following.unfollow": Attempt(READER_A, public_post),
    "following.mute": Attempt(READER_B, post_commented_on_by_b),
    # The stop page's own button (not a mail client's one-click POST).
    "following.stop_now": Attempt(VISITOR, thread_stop_link),
    "following.mute_now": Attempt(VISITOR, thread_mute_link),
}


#: Changes after which their maker is someone else, or no longer signed in as before.
CHANGES_WHO_IS_SIGNED_IN = {
    "auth.login",
    "auth.logout",
    "account.change_password",
    "account.delete_account",
    "account.log_out_everywhere",
}


def form_data(data: FormData, cast: Cast) -> dict[str, object]:
    return data(cast) if callable(data) else dict(data)


def page_paths(cast: Cast) -> list[str]:
    """Every page a person opens: each rule without arguments, and each with one that names
    something an administrator may see."""
    paths = []
    for rule in reading_rules(cast.app):
        cases = [case for case in ACCESS.get(rule.endpoint, []) if ADMIN in case.allowed]
        if rule.arguments and not cases:
            continue
        paths.append(cast.path(rule, cases[0].target(cast)) if cases else rule.rule)
    return paths
