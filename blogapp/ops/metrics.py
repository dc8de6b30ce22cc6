"""``/metrics`` in Prometheus' text format, for those allowed to read it.

The request and page-cache counters are counted as requests come (``counters``); the rest
is read when Prometheus asks, in two queries and one cache read: the latest digest run's
deliveries by state, the mail queue's length with the failing bulletin feeds, and the
scheduler's last heartbeat. Under gunicorn, set PROMETHEUS_MULTIPROC_DIR (an empty folder,
emptied at each start) so that every worker's counts are added up, whichever one answers.
"""

import hmac
import logging
import os
from collections.abc import Iterator

from flask import Flask, abort, current_app, request
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..extensions import db
from ..health import last_heartbeat
from ..models import BulletinFeed, DigestDelivery, DigestRun, QueuedMail
from ..models.digests import DeliveryState

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LOCAL_ADDRESSES = {"127.0.0.1", "::1"}
WAITING_MAIL = (DeliveryState.PENDING, DeliveryState.SENDING)


class ThisProcess(Collector):
    """The counters kept in this process (when workers do not share a folder)."""

    def collect(self) -> Iterator[Metric]:
        return REGISTRY.collect()


def deliveries_by_state() -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "blogapp_digest_deliveries",
        "Deliveries of the latest digest run, by state.",
        labels=["state"],
    )
    latest_run = select(func.max(DigestRun.id)).scalar_subquery()
    counts = dict(
        db.session.execute(
            select(DigestDelivery.state, func.count())
            .where(DigestDelivery.run_id == latest_run)
            .group_by(DigestDelivery.state)
        ).all()
    )
    for state in DeliveryState:
        family.add_metric([state.value], counts.get(state, 0))
    return family


def queue_and_feeds() -> Iterator[GaugeMetricFamily]:
    waiting = select(func.count()).where(QueuedMail.state.in_(WAITING_MAIL)).scalar_subquery()
    failing = select(func.count()).where(BulletinFeed.last_error.is_not(None)).scalar_subquery()
    queued, feeds = db.session.execute(select(waiting, failing)).one()
    yield GaugeMetricFamily(
        "blogapp_mail_queue_length", "Queued messages not yet sent or given up.", value=queued
    )
    yield GaugeMetricFamily(
        "blogapp_bulletin_feeds_failing",
        "Bulletin feeds whose last fetch failed.",
        value=feeds,
    )


class ReadAtScrape(Collector):
    """What the database and the shared cache say when Prometheus asks."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        heartbeat = last_heartbeat(self.app)
        yield GaugeMetricFamily(
            "blogapp_scheduler_last_heartbeat_timestamp_seconds",
            "When the acting scheduler last ran a job (Unix time; 0 when never seen).",
            value=heartbeat.timestamp() if heartbeat else 0,
        )
        try:
            yield deliveries_by_state()
            yield from queue_and_feeds()
        except SQLAlchemyError as error:
            db.session.rollback()
            log.warning("/metrics could not read the database: %s", error.orig or error)


def exposition(app: Flask) -> bytes:
    """Every metric, in Prometheus' text format."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(ThisProcess())
    registry.register(ReadAtScrape(app))
    return generate_latest(registry)


def may_read_metrics() -> bool:
    """With the bearer token METRICS_TOKEN, or from this machine when METRICS_LOCALHOST."""
    token = current_app.config["METRICS_TOKEN"]
    offered = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return True
    return bool(current_app.config["METRICS_LOCALHOST"]) and request.remote_addr in LOCAL_ADDRESSES


def metrics() -> Response:
    """The metrics, or the same 404 as any unknown address for whoever may not read them."""
    if not may_read_metrics():
        abort(404)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    response = Response(exposition(app), content_type=CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_metrics(app: Flask) -> None:
    app.add_url_rule("/metrics", "metrics", metrics)
