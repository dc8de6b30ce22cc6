"""The Prometheus counters every part of the blog adds to; ``metrics`` serves them.

Under gunicorn with PROMETHEUS_MULTIPROC_DIR set, prometheus_client keeps each worker's
values in that folder and ``/metrics`` adds them up, whichever worker is asked.
"""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "blogapp_http_requests",
    "Requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "blogapp_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by endpoint.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE_LOOKUPS = Counter(
    "blogapp_page_cache_lookups",
    "Anonymous pages looked up in the shared page cache: result is hit or miss.",
    ["result"],
)


def count_page_cache_lookup(found: bool) -> None:
    """Count one look in the page cache, for the hit ratio."""
    PAGE_CACHE_LOOKUPS.labels("hit" if found else "miss").inc()
