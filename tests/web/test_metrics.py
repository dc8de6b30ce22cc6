"""/metrics: Prometheus' text format for those allowed (a bearer token, or this machine when
asked), a 404 for everyone else; requests, latency and page-cache hits counted as they come,
the digest, the mail queue, the feeds and the scheduler read at scrape time in few queries."""

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from blogapp.bulletins.operations import add_feed
from blogapp.dates import utcnow
from blogapp.extensions import db
from blogapp.models import DeliveryState, DigestDelivery, DigestRun, QueuedMail
from blogapp.scheduler import Job, run_job

TOKEN = "a-long-metrics-token-for-tests"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "METRICS_TOKEN": TOKEN}


def scrape(client) -> dict[str, dict[tuple, float]]:
    """Every sample by name, keyed by its labels' values in order."""
    response = client.get("/metrics", headers=BEARER, buffered=True)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=0.0.4")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def requests_of(samples: dict, endpoint: str, status: str) -> float:
    labels = (("endpoint", endpoint), ("method", "GET"), ("status", status))
    return samples.get("blogapp_http_requests_total", {}).get(labels, 0)


def cache_lookups(samples: dict, result: str) -> float:
    return samples.get("blogapp_page_cache_lookups_total", {}).get((("result", result),), 0)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"X-Token": TOKEN}],
)
def test_without_the_token_metrics_are_not_found(client, headers):
    response = client.get("/metrics", headers=headers)

    assert response.status_code == 404
    assert b"blogapp_http_requests" not in response.data


def test_without_a_token_configured_no_bearer_opens_them(app, client):
    app.config["METRICS_TOKEN"] = ""

    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.parametrize(("address", "status"), [("127.0.0.1", 200), ("203.0.113.9", 404)])
def test_metrics_localhost_opens_them_to_this_machine_only(app, client, address, status):
    app.config.update(METRICS_TOKEN="", METRICS_LOCALHOST=True)

    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})

    assert response.status_code == status


def test_requests_are_counted_by_endpoint_and_status_with_their_latency(client, make_post):
    make_post("Counted")
    before = scrape(client)

    client.get("/", buffered=True)
    client.get("/", buffered=True)
    client.get("/no-such-page/at/all", buffered=True)
    after = scrape(client)

    assert requests_of(after, "blog.home", "200") - requests_of(before, "blog.home", "200") == 2
    assert requests_of(after, "unmatched", "404") - requests_of(before, "unmatched", "404") == 1
    count = after["blogapp_http_request_duration_seconds_count"][(("endpoint", "blog.home"),)]
    assert count >= 2
    slowest = (("endpoint", "blog.home"), ("le", "+Inf"))
    assert after["blogapp_http_request_duration_seconds_bucket"][slowest] == count


def test_page_cache_hits_and_misses_are_counted(client, make_post):
    make_post("Cached")
    before = scrape(client)

    client.get("/", buffered=True)
    client.get("/", buffered=True)
    client.get("/", buffered=True)
    after = scrape(client)

    assert cache_lookups(after, "miss") - cache_lookups(before, "miss") == 1
    assert cache_lookups(after, "hit") - cache_lookups(before, "hit") == 2


def add_latest_run_deliveries(make_user) -> None:
    now = utcnow()
    old = DigestRun(window_start=now - timedelta(days=2), window_end=now - timedelta(days=1))
    latest = DigestRun(window_start=now - timedelta(days=1), window_end=now)
    states = [DeliveryState.SENT, DeliveryState.SENT, DeliveryState.FAILED]
    users = [make_user(email=f"reader{number}@example.org") for number in range(3)]
    db.session.add_all([old, latest])
    db.session.add_all(
        DigestDelivery(run=run, user=user, state=state)
        for run in (old, latest)
        for user, state in zip(users, states, strict=True)
    )
    db.session.add(DigestDelivery(run=old, user=make_user(email="x@example.org")))
    db.session.commit()


def queue_mail(count: int, state: DeliveryState) -> None:
    db.session.add_all(
        QueuedMail(
            kind="comment_reply",
            recipient=f"someone{number}@example.org",
            envelope_from="bounces@blog.test",
            message_id=f"<{state}{number}@blog.test>",
            state=state,
        )
        for number in range(count)
    )
    db.session.commit()


def test_the_digest_the_mail_queue_and_the_feeds_are_read_at_scrape(
    app, client, make_user, count_queries
):
    add_latest_run_deliveries(make_user)
    queue_mail(2, DeliveryState.PENDING)
    queue_mail(3, DeliveryState.SENT)
    add_feed("Napo", "https://napo.example/feed").last_error = "HTTP 500"
    add_feed("Unison", "https://unison.example/feed")
    db.session.commit()
    run_job(app, Job("test", "A job", lambda: None, list))

    with count_queries() as statements:
        samples = scrape(client)

    deliveries = samples["blogapp_digest_deliveries"]
    assert deliveries[(("state", "sent"),)] == 2
    assert deliveries[(("state", "failed"),)] == 1
    assert deliveries[(("state", "pending"),)] == 0
    assert samples["blogapp_mail_queue_length"][()] == 2
    assert samples["blogapp_bulletin_feeds_failing"][()] == 1
    heartbeat = samples["blogapp_scheduler_last_heartbeat_timestamp_seconds"][()]
    assert abs(heartbeat - utcnow().timestamp()) < 60
    assert len(statements) <= 2
