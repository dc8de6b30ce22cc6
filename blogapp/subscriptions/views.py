"""Pages: /subscribe to choose, /unsubscribe/<token> to stop without logging in."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..errors import CSRF_TEXT
from ..extensions import csrf, db
from ..models import Subscription, User
from ..models.subscriptions import ConversationRhythm
from . import bp
from .forms import CONVERSATION_HINT, StopForm, SubscriptionForm, UnsubscribeForm
from .operations import (
    SubscriptionError,
    check_may_subscribe,
    current_subscription,
    save_rhythms,
    stop_subscription,
    subscription_of,
    unsubscribe,
)
from .tokens import InvalidUnsubscribeLink, UnsubscribeRequest, read_unsubscribe_token

INVALID_LINK = (
    "This unsubscribe link is not valid: it may have been cut short or changed on the way. "
    "Nothing was changed. Use the link from the email exactly as it is, or log in and choose "
    "what you receive on the Follow by email page."
)
#: What mail clients post for a one-click unsubscribe (RFC 8058).
ONE_CLICK = ("List-Unsubscribe", "One-Click")


def subscribe_page(form: SubscriptionForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "subscriptions/subscribe.html",
        form=form,
        stop_form=StopForm(),
        subscription=current_subscription(current_user),
        digest_time=current_app.config["DIGEST_TIME"],
    ), status


def show_current_choice(form: SubscriptionForm) -> SubscriptionForm:
    """Fill the form with the reader's current choice (every day for a newcomer)."""
    subscription = current_subscription(current_user)
    if subscription is not None and subscription.is_receiving:
        form.posts.data = subscription.posts_rhythm.value
        form.bulletins.data = subscription.bulletins_rhythm.value
        form.weekly_day.data = str(subscription.weekly_day)
    if subscription is not None:
        form.conversation.data = subscription.conversation_rhythm.value
    return form


def filled_form() -> SubscriptionForm:
    """The form as posted, or showing the reader's current choice."""
    form = SubscriptionForm()
    return form if form.is_submitted() else show_current_choice(form)


def choice_form_for_account() -> SubscriptionForm:
    """The same form on the account page, whatever other form of that page was posted."""
    return show_current_choice(SubscriptionForm(formdata=None))


def saved_message(subscription: Subscription) -> str:
    if subscription.is_receiving:
        return f"Saved: you will get {subscription.rhythm_words}."
    if subscription.conversation_rhythm == ConversationRhythm.AT_ONCE:
        return (
            "Saved: you chose never for posts and bulletins, so you get no daily email; "
            "replies and followed threads still come as they happen."
        )
    return "Saved: you chose never for everything, so you are not subscribed."


def what_a_visitor_gets() -> str:
    """The page a visitor lands on from "Follow by email": what they would get, and the two
    ways in (both come back here)."""
    return render_template("subscriptions/join.html", digest_time=current_app.config["DIGEST_TIME"])


@bp.route("/subscribe", methods=["GET", "POST"])
def subscribe() -> str | tuple[str, int] | Response:
    if not current_user.is_authenticated:
        if request.method == "GET":
            return what_a_visitor_gets()
        return current_app.login_manager.unauthorized()
    try:
        check_may_subscribe(current_user)
    except SubscriptionError as error:
        return render_template("subscriptions/not_yet.html", reason=str(error)), 403
    form = filled_form()
    if not form.is_submitted():
        return subscribe_page(form)
    if not form.validate():
        return subscribe_page(form, 422)
    subscription = save_rhythms(current_user, *form.rhythms)
    flash(saved_message(subscription), "success")
    return redirect(url_for("subscriptions.subscribe"))


@bp.post("/subscribe/stop")
@login_required
def stop() -> Response:
    """The stop button (CSRFProtect has checked the form's token)."""
    if stop_subscription(current_user):
        flash("Stopped: you will not get the daily email any more.", "info")
    return redirect(url_for("subscriptions.subscribe"))


def request_from(token: str) -> UnsubscribeRequest:
    try:
        return read_unsubscribe_token(token)
    except InvalidUnsubscribeLink:
        abort(400, INVALID_LINK)


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str) -> str:
    """A page with one button: following the link alone changes nothing (mail scanners do)."""
    wanted = request_from(token)
    user = db.session.get(User, wanted.user_id)
    subscription = subscription_of(user) if user is not None else None
    return render_template(
        "subscriptions/unsubscribe.html",
        form=UnsubscribeForm(),
        user=user,
        receiving=subscription is not None and subscription.active,
        list_title=wanted.list_title,
    )


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe_now(token: str) -> str:
    """The page's button, or a mail client's RFC 8058 one-click POST (no cookie, no CSRF token)."""
    wanted = request_from(token)
    one_click = request.form.get(ONE_CLICK[0]) == ONE_CLICK[1]
    if not one_click and not UnsubscribeForm().validate_on_submit():
        abort(400, CSRF_TEXT)
    result = unsubscribe(wanted)
    return render_template(
        "subscriptions/unsubscribed.html", result=result, list_title=wanted.list_title
    )


bp.add_app_template_global(current_subscription, "digest_subscription")
bp.add_app_template_global(choice_form_for_account, "digest_choice_form")
bp.add_app_template_global(CONVERSATION_HINT, "conversation_hint")
