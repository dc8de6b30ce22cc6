"""Bounces and complaints from the mail providers a blog may relay through, by their
signed webhooks: Amazon SES (through SNS), Mailgun and Postmark.

Each provider's call is checked first (a signature, or the shared secret) and refused with
403, changing nothing, when the check fails; a provider whose secret is not set has no
endpoint at all (404). What a call reports then goes through ``intake.keep_report``, as a
bounce delivered by mail does: kept raw, and acted on only when it is understood.
"""

from flask import Blueprint

bp = Blueprint("mail_webhooks", __name__)

from . import views  # noqa: E402, F401 - the routes register themselves on ``bp``
