"""Follow, mute and stop buttons under a post's comments, and the stop link of thread mail."""

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..errors import CSRF_TEXT
from ..extensions import csrf, db
from ..models import FollowChoice, Post, User
from ..subscriptions.forms import UnsubscribeForm
from ..urls import address_of
from . import bp
from .operations import choose, has_commented, mute_by_link, stop_following
from .tokens import InvalidStopLink, StopRequest, read_mute_token, read_stop_token

#: What mail clients post for a one-click unsubscribe (RFC 8058).
ONE_CLICK = ("List-Unsubscribe", "One-Click")
INVALID_LINK = (
    "This stop link is not valid: it may have been cut short or changed on the way. Nothing "
    "was changed. Use the link from the email exactly as it is, or log in and press "
    "“Stop following” under the post's comments."
)
MUTE_NEEDS_A_COMMENT = "You can mute a thread once you have commented on it."
CHOICE_MESSAGES = {
    FollowChoice.FOLLOWING: "You follow this thread: new comments will be mailed to you, "
    "at most once an hour.",
    FollowChoice.MUTED: "Muted: you will get no reply notices or mail from this thread.",
    None: "You no longer follow or mute this thread.",
}


def public_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not post.is_public:
        abort(404)
    return post


def chosen(post_id: int, choice: FollowChoice | None) -> Response:
    """Save the reader's choice about the thread and take them back to it."""
    post = public_post(post_id)
    reader = current_user._get_current_object()
    if choice == FollowChoice.MUTED and not has_commented(reader, post):
        abort(403, MUTE_NEEDS_A_COMMENT)
    choose(reader, post, choice)
    flash(CHOICE_MESSAGES[choice], "success")
    return redirect(address_of(post, _anchor="follow"))


@bp.post("/comments/on/<int:post_id>/follow")
@login_required
def follow(post_id: int) -> Response:
    return chosen(post_id, FollowChoice.FOLLOWING)


@bp.post("/comments/on/<int:post_id>/mute")
@login_required
def mute(post_id: int) -> Response:
    return chosen(post_id, FollowChoice.MUTED)


@bp.post("/comments/on/<int:post_id>/unfollow")
@login_required
def unfollow(post_id: int) -> Response:
    return chosen(post_id, None)


def request_from(token: str, read: Callable[[str], StopRequest] = read_stop_token) -> StopRequest:
    try:
        return read(token)
    except InvalidStopLink:
        abort(400, INVALID_LINK)


def stop_context(wanted: StopRequest) -> dict[str, object]:
    post = db.session.get(Post, wanted.post_id) if wanted.post_id is not None else None
    return {"user": db.session.get(User, wanted.user_id), "post": post}


@bp.get("/threads/stop/<token>")
def stop_page(token: str) -> str:
    """A page with one button: following the link alone changes nothing (mail scanners do)."""
    wanted = request_from(token)
    return render_template("following/stop.html", form=UnsubscribeForm(), **stop_context(wanted))


@bp.post("/threads/stop/<token>")
@csrf.exempt
def stop_now(token: str) -> str:
    """The page's button, or a mail client's RFC 8058 one-click POST (no cookie, no CSRF token)."""
    wanted = request_from(token)
    one_click = request.form.get(ONE_CLICK[0]) == ONE_CLICK[1]
    if not one_click and not UnsubscribeForm().validate_on_submit():
        abort(400, CSRF_TEXT)
    stopped = stop_following(wanted)
    return render_template("following/stopped.html", stopped=stopped, **stop_context(wanted))


@bp.get("/threads/mute/<token>")
def mute_page(token: str) -> str:
    """The digest's "mute this thread" link: a page with one button, as the stop link's."""
    wanted = request_from(token, read_mute_token)
    return render_template("following/mute.html", form=UnsubscribeForm(), **stop_context(wanted))


@bp.post("/threads/mute/<token>")
def mute_now(token: str) -> str:
    """The mute page's button (CSRFProtect has checked its token), no log-in needed."""
    wanted = request_from(token, read_mute_token)
    muted = mute_by_link(wanted)
    return render_template("following/muted.html", muted=muted, **stop_context(wanted))
