"""The webhook endpoints: check the call, then hand what it reports to ``intake``."""

import logging

from flask import abort, current_app, request
from werkzeug.wrappers import Response

from ...extensions import csrf, limiter
from ..intake import Event, keep_report
from . import bp, mailgun, postmark, sns
from .common import MAX_BODY_BYTES, Refused, json_object, same_secret

log = logging.getLogger(__name__)


def webhook_limit() -> str:
    return current_app.config["MAIL_WEBHOOK_LIMIT"]


def setting_or_404(name: str) -> str:
    """A provider's secret; without it the provider has no endpoint."""
    value = current_app.config.get(name)
    if not value:
        abort(404)
    return value


def body() -> bytes:
    return request.get_data(cache=True)[:MAX_BODY_BYTES]


def refused(provider: str, error: Refused) -> Response:
    log.warning("Refused a %s webhook call from %s: %s", provider, request.remote_addr, error)
    return Response("Refused.\n", 403, mimetype="text/plain")


def kept(raw: bytes, events: list[Event]) -> Response:
    reports = [keep_report(raw, event) for event in events]
    said = "; ".join(f"report {report.id}: {report.kind}" for report in reports)
    return Response(f"Kept {said}.\n", 200, mimetype="text/plain")


@bp.post("/mailgun")
@csrf.exempt
@limiter.limit(webhook_limit)
def mailgun_webhook() -> Response:
    key = setting_or_404("MAILGUN_WEBHOOK_SIGNING_KEY")
    raw = body()
    try:
        payload = json_object(raw)
        mailgun.verify(payload, key, current_app.config["MAILGUN_WEBHOOK_MAX_AGE"])
    except Refused as error:
        return refused("Mailgun", error)
    return kept(raw, [mailgun.read_event(payload)])


@bp.post("/postmark", defaults={"secret": None})
@bp.post("/postmark/<secret>")
@csrf.exempt
@limiter.limit(webhook_limit)
def postmark_webhook(secret: str | None) -> Response:
    expected = setting_or_404("POSTMARK_WEBHOOK_SECRET")
    given = secret if secret is not None else getattr(request.authorization, "password", None)
    raw = body()
    try:
        if not same_secret(given, expected):
            raise Refused("wrong secret")
        payload = json_object(raw)
    except Refused as error:
        return refused("Postmark", error)
    return kept(raw, [postmark.read_event(payload)])


@bp.post("/ses")
@csrf.exempt
@limiter.limit(webhook_limit)
def ses_webhook() -> Response:
    setting_or_404("SES_SNS_TOPIC_ARNS")
    raw = body()
    try:
        message = json_object(raw)
        sns.verify(message)
        if message.get("Type") == "SubscriptionConfirmation":
            sns.confirm_subscription(message)
    except Refused as error:
        return refused("SNS", error)
    except OSError as error:
        log.warning("Could not reach SNS to check or confirm a message: %s", error)
        return Response("Try again later.\n", 503, mimetype="text/plain")
    if message.get("Type") != "Notification":
        return Response("Confirmed.\n", 200, mimetype="text/plain")
    return kept(raw, sns.events_of(message))
