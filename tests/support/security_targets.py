"""What the security tests' URLs name: each function makes a fresh thing in the cast's
blog and returns the rule arguments that name it, with any text only some may see."""

from blogapp.auth.tokens import confirmation_token, email_change_token, reset_token
from blogapp.blog.operations import unpublish_post
from blogapp.comments.operations import remove_comment
from blogapp.extensions import db
from blogapp.following.operations import choose
from blogapp.following.tokens import mute_token, stop_token
from blogapp.mail.lifting import lift_token
from blogapp.mail.suppression import suppress
from blogapp.models import CommentState, FollowChoice, Post, PostStatus, SuppressionReason
from blogapp.subscriptions.tokens import unsubscribe_token

from .security import READER_A, READER_B, Cast, Target, made_with_another_key


def address_of(post: Post) -> dict[str, object]:
    return {"year": post.published_year, "month": post.published_month, "slug": post.slug}


def public_post(cast: Cast) -> Target:
    return Target({"post_id": cast.post().id})


def scheduled_post(cast: Cast) -> Target:
    post = cast.post(PostStatus.SCHEDULED)
    return Target({"post_id": post.id}, post.title)


def draft_post(cast: Cast) -> Target:
    post = cast.post(PostStatus.DRAFT)
    return Target({"post_id": post.id}, post.title)


def public_post_address(cast: Cast) -> Target:
    return Target(address_of(cast.post()))


def scheduled_post_address(cast: Cast) -> Target:
    post = cast.post(PostStatus.SCHEDULED)
    return Target(address_of(post), post.title)


def address_of_post_with_held_comment(cast: Cast) -> Target:
    """A public post under which reader B's comment waits for approval."""
    held = cast.comment(cast[READER_B], CommentState.PENDING)
    return Target(address_of(held.post), held.body)


def public_post_year(cast: Cast) -> Target:
    return Target({"year": cast.post().published_year})


def scheduled_post_year(cast: Cast) -> Target:
    post = cast.post(PostStatus.SCHEDULED)
    return Target({"year": post.published_year}, post.title)


def public_post_month(cast: Cast) -> Target:
    post = cast.post()
    return Target({"year": post.published_year, "month": post.published_month})


def scheduled_post_month(cast: Cast) -> Target:
    post = cast.post(PostStatus.SCHEDULED)
    return Target({"year": post.published_year, "month": post.published_month}, post.title)


def with_old_address(post: Post) -> dict[str, object]:
    """Give ``post`` the address it had on Blogger; the rule's arguments for that address."""
    name = f"{post.slug}-on-blogger"
    post.legacy_path = f"/{post.published_year:04d}/{post.published_month:02d}/{name}.html"
    db.session.commit()
    return {"year": post.published_year, "month": post.published_month, "name": name}


def public_page_address(cast: Cast) -> Target:
    return Target({"slug": cast.page().slug})


def draft_page_address(cast: Cast) -> Target:
    page = cast.page(PostStatus.DRAFT)
    return Target({"slug": page.slug}, page.title)


def address_of_page_with_held_comment(cast: Cast) -> Target:
    """A public page under which reader B's comment waits for approval."""
    held = cast.comment(cast[READER_B], CommentState.PENDING, cast.page())
    return Target({"slug": held.post.slug}, held.body)


def old_address_of_public_page(cast: Cast) -> Target:
    page = cast.page()
    page.legacy_path = f"/p/{page.slug}-on-blogger.html"
    db.session.commit()
    return Target({"name": f"{page.slug}-on-blogger"})


def old_address_of_draft_page(cast: Cast) -> Target:
    page = cast.page(PostStatus.DRAFT)
    page.legacy_path = f"/p/{page.slug}-on-blogger.html"
    db.session.commit()
    return Target({"name": f"{page.slug}-on-blogger"}, page.title)


def old_address_of_public_post(cast: Cast) -> Target:
    return Target(with_old_address(cast.post()))


def old_address_of_scheduled_post(cast: Cast) -> Target:
    post = cast.post(PostStatus.SCHEDULED)
    return Target(with_old_address(post), post.title)


def with_blogger_number(post: Post) -> dict[str, object]:
    """Give ``post`` the entry id it had on Blogger; the rule's arguments naming its number."""
    number = 7_000_000 + post.id
    post.legacy_id = f"tag:blogger.com,1999:blog-42.post-{number}"
    db.session.commit()
    return {"post_number": number, "kind": "default"}


def old_comment_feed_of_public_post(cast: Cast) -> Target:
    return Target(with_blogger_number(cast.post()))


def old_comment_feed_of_scheduled_post(cast: Cast) -> Target:
    post = cast.post(PostStatus.SCHEDULED)
    return Target(with_blogger_number(post), post.title)


def old_label_feed_address(cast: Cast) -> Target:
    post = cast.post(labels=[cast.unique("Label")])
    return Target({"kind": "summary", "name": post.labels[0].name})


def old_feed_address(cast: Cast) -> Target:
    return Target({"kind": "default"})


def label_of_public_post(cast: Cast) -> Target:
    post = cast.post(labels=[cast.unique("Label")])
    return Target({"slug": post.labels[0].slug})


def label_only_on_scheduled_post(cast: Cast) -> Target:
    post = cast.post(PostStatus.SCHEDULED, labels=[cast.unique("Label")])
    return Target({"slug": post.labels[0].slug}, post.title)


def old_label_address(cast: Cast) -> Target:
    post = cast.post(labels=[cast.unique("Label")])
    return Target({"name": post.labels[0].name})


def series_of_public_post(cast: Cast) -> Target:
    post = cast.post(series_name=cast.unique("Series"), series_number=1)
    return Target({"slug": post.series.slug})


def series_only_on_scheduled_post(cast: Cast) -> Target:
    post = cast.post(PostStatus.SCHEDULED, series_name=cast.unique("Series"), series_number=1)
    return Target({"slug": post.series.slug}, post.title)


def comment_by_b(cast: Cast) -> Target:
    return Target({"comment_id": cast.comment(cast[READER_B]).id})


def held_comment_by_b(cast: Cast) -> Target:
    held = cast.comment(cast[READER_B], CommentState.PENDING)
    return Target({"comment_id": held.id}, held.body)


def comment_removed_by_b(cast: Cast) -> Target:
    """B's comment that B has just removed (and may still bring back)."""
    comment = cast.comment(cast[READER_B])
    remove_comment(comment, cast[READER_B])
    return Target({"comment_id": comment.id})


def comment_on_unpublished_post(cast: Cast) -> Target:
    """B's comment under a post the editors have since taken off the blog."""
    comment = cast.comment(cast[READER_B])
    unpublish_post(comment.post)
    return Target({"comment_id": comment.id}, comment.body)


def bulletin(cast: Cast) -> Target:
    return Target({"bulletin_id": cast.bulletin().id})


def future_bulletin(cast: Cast) -> Target:
    hidden = cast.bulletin(future=True)
    return Target({"bulletin_id": hidden.id}, hidden.title)


def bulletin_address(cast: Cast) -> Target:
    shown = cast.bulletin()
    return Target({"bulletin_id": shown.id, "slug": shown.slug})


def future_bulletin_address(cast: Cast) -> Target:
    hidden = cast.bulletin(future=True)
    return Target({"bulletin_id": hidden.id, "slug": hidden.slug}, hidden.title)


def feed(cast: Cast) -> Target:
    return Target({"feed_id": cast.feed().id})


def another_reader(cast: Cast) -> Target:
    return Target({"user_id": cast.person("Reader C").id})


def outbox_message(cast: Cast) -> Target:
    name, subject = cast.outbox_message()
    return Target({"name": name}, subject)


def stylesheet(cast: Cast) -> Target:
    return Target({"filename": "css/site.css"})


def uploaded_image(cast: Cast) -> Target:
    return Target({"filename": cast.upload().path})


def confirmation_link(cast: Cast) -> Target:
    return Target({"token": confirmation_token(cast.person("Newcomer", confirmed=False))})


def forged_confirmation_link(cast: Cast) -> Target:
    newcomer = cast.person("Newcomer", confirmed=False)
    return Target({"token": made_with_another_key(cast.app, lambda: confirmation_token(newcomer))})


def email_change_link(cast: Cast) -> Target:
    person = cast.person("Mover")
    return Target({"token": email_change_token(person, f"moved-{person.id}@example.org")})


def forged_email_change_link(cast: Cast) -> Target:
    """B's address changed to the attacker's, as the link would say if the site signed it."""
    victim = cast[READER_B]
    token = made_with_another_key(
        cast.app, lambda: email_change_token(victim, "attacker@evil.example")
    )
    return Target({"token": token})


def reset_link(cast: Cast) -> Target:
    return Target({"token": reset_token(cast.person("Forgetful"))})


def forged_reset_link(cast: Cast) -> Target:
    victim = cast[READER_B]
    return Target({"token": made_with_another_key(cast.app, lambda: reset_token(victim))})


def unsubscribe_link(cast: Cast) -> Target:
    follower = cast.person("Follower")
    cast.subscribe(follower)
    return Target({"token": unsubscribe_token(follower.id)})


def forged_unsubscribe_link(cast: Cast) -> Target:
    cast.subscribe(cast[READER_B])
    victim = cast[READER_B]
    return Target({"token": made_with_another_key(cast.app, lambda: unsubscribe_token(victim.id))})


def subscription_of_a(cast: Cast) -> Target:
    cast.subscribe(cast[READER_A])
    return Target({})


def nothing(cast: Cast) -> Target:
    return Target({})


def post_with_held_comment(cast: Cast) -> Target:
    """A public post, and B's comment on it waiting for approval (named in the reply form)."""
    held = cast.comment(cast[READER_B], CommentState.PENDING)
    return Target({"post_id": held.post.id}, held.body, form={"reply_to": held.id})


def bounced_person(cast: Cast):
    person = cast.person("Bounced")
    entry = suppress(person.email, SuppressionReason.BOUNCE)
    db.session.commit()
    return person, entry


def resume_mail_link(cast: Cast) -> Target:
    return Target({"token": lift_token(*bounced_person(cast))})


def forged_resume_mail_link(cast: Cast) -> Target:
    """A link lifting someone's suppression, as it would be if the site had signed it."""
    person, entry = bounced_person(cast)
    return Target({"token": made_with_another_key(cast.app, lambda: lift_token(person, entry))})


def post_commented_on_by_b(cast: Cast) -> Target:
    """A public post under which B has commented (so B may mute its thread)."""
    return Target({"post_id": cast.comment(cast[READER_B]).post_id})


def thread_stop_link(cast: Cast) -> Target:
    follower = cast.person("Thread follower")
    post = cast.post()
    choose(follower, post, FollowChoice.FOLLOWING)
    return Target({"token": stop_token(follower.id, post.id)})


def forged_thread_stop_link(cast: Cast) -> Target:
    victim = cast[READER_B]
    post = cast.post()
    choose(victim, post, FollowChoice.FOLLOWING)
    return Target({"token": made_with_another_key(cast.app, lambda: stop_token(victim.id))})


def thread_mute_link(cast: Cast) -> Target:
    """The digest's "mute this thread" link of someone following a thread."""
    follower = cast.person("Thread follower")
    post = cast.post()
    choose(follower, post, FollowChoice.FOLLOWING)
    return Target({"token": mute_token(follower.id, post.id)})


def forged_thread_mute_link(cast: Cast) -> Target:
    victim = cast[READER_B]
    post = cast.post()
    choose(victim, post, FollowChoice.FOLLOWING)
    return Target(
        {"token": made_with_another_key(cast.app, lambda: mute_token(victim.id, post.id))}
    )
