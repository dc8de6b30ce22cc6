"""/admin/mail: how the blog's mail is doing, the suppressed addresses (each can be lifted),
the reports nothing could be read from, and a DNS check on demand."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..blog.views import requested_page
from ..dates import utcnow
from ..extensions import db, limiter
from ..mail.dns_check import DnsReport, check_mail_dns
from ..mail.health import (
    DAYS_SHOWN,
    RATE_LINE,
    mail_by_day,
    suppressions_newest_first,
    totals,
    unrecognised_reports,
)
from ..mail.suppression import lift_suppression
from . import bp
from .digest import current_user_key

SUPPRESSIONS_PER_PAGE = 50
#: The longest address there is (RFC 5321 path limits).
LONGEST_ADDRESS = 320


def mail_page(dns: DnsReport | None = None) -> str:
    days = mail_by_day(utcnow())
    suppressions = db.paginate(
        suppressions_newest_first(),
        page=requested_page(),
        per_page=SUPPRESSIONS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "admin/mail.html",
        days=days,
        total=totals(days),
        days_shown=DAYS_SHOWN,
        line=RATE_LINE,
        suppressions=suppressions,
        reports=unrecognised_reports(),
        dns=dns,
    )


@bp.get("/mail")
def mail_health() -> str:
    return mail_page()


@bp.post("/mail/dns-check")
@limiter.limit("30 per hour", key_func=current_user_key)
def check_dns() -> str:
    """Look the records up now (a page load never does: DNS may be slow or away)."""
    return mail_page(dns=check_mail_dns())


@bp.post("/mail/lift")
def lift() -> Response:
    """Send to a suppressed address again (logged with who asked)."""
    address = request.form.get("address", "").strip()
    if not address or len(address) > LONGEST_ADDRESS or not address.isprintable():
        abort(400, "Say which address to send to again.")
    if lift_suppression(address, lifted_by=current_user._get_current_object()):
        flash(f"{address} will get the blog's mail again.", "success")
    else:
        flash(f"{address} was not suppressed, so nothing changed.", "info")
    return redirect(url_for("admin.mail_health"))
