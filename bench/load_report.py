"""The load test's figures: rate, latency percentiles and status codes, overall and per kind."""

from collections import Counter, defaultdict

from load_traffic import Sample, Tally


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def latency_ms(samples: list[Sample]) -> dict:
    ordered = sorted(sample.seconds * 1000 for sample in samples)
    if not ordered:
        return {"count": 0}
    return {
        "count": len(ordered),
        "p50": round(percentile(ordered, 0.50), 1),
        "p95": round(percentile(ordered, 0.95), 1),
        "p99": round(percentile(ordered, 0.99), 1),
        "max": round(ordered[-1], 1),
    }


def status_codes(samples: list[Sample]) -> dict[str, int]:
    counts = Counter(
        "no answer" if sample.status == 0 else str(sample.status) for sample in samples
    )
    return dict(sorted(counts.items()))


def grouped(samples: list[Sample], key) -> dict[str, list[Sample]]:
    groups: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[key(sample)].append(sample)
    return dict(sorted(groups.items()))


def page_cache_sources(samples: list[Sample]) -> dict[str, int]:
    sources = Counter(sample.page_cache for sample in samples)
    return {"hits": sources["hit"], "first_renders": sources["miss"],
            "renders_again": sources["miss again"]}  # fmt: skip


def page_cache_report(samples: list[Sample]) -> dict:
    """How many anonymous requests the page cache answered, and how many rendered a page:
    for the first time in the run (an address not asked for before), or again (after a
    change ended its cached copy)."""
    anonymous = [sample for sample in samples if sample.kind == "anonymous reading"]
    sources = page_cache_sources(anonymous)
    hits, again = sources["hits"], sources["renders_again"]
    by_page = grouped(anonymous, lambda sample: sample.page)
    return {
        "anonymous": len(anonymous),
        **sources,
        "hit_ratio": round(hits / len(anonymous), 3) if anonymous else None,
        "hit_ratio_after_first_render": round(hits / (hits + again), 3) if hits else 0.0,
        "by_page": {page: page_cache_sources(group) for page, group in by_page.items()},
    }


def traffic_report(tally: Tally, elapsed: float) -> dict:
    samples = tally.samples
    kinds = grouped(samples, lambda sample: sample.kind)
    pages = grouped(samples, lambda sample: f"{sample.kind}: {sample.page}")
    return {
        "requests": len(samples),
        "elapsed_seconds": round(elapsed, 1),
        "requests_per_second": round(len(samples) / elapsed, 1) if elapsed else None,
        "latency_ms": {"all": latency_ms(samples)}
        | {kind: latency_ms(group) for kind, group in kinds.items()},
        "status_codes": {"all": status_codes(samples)}
        | {kind: status_codes(group) for kind, group in kinds.items()},
        "pages": {name: latency_ms(group) for name, group in pages.items()},
        "page_cache": page_cache_report(samples),
        "comments_accepted": len(tally.accepted),
        "comments_refused": [f"{marker}: {status}" for marker, status in tally.refused_comments],
        "unexpected_answers": tally.unexpected,
        "transport_errors": tally.transport_errors[:20],
    }


def latency_line(name: str, figures: dict) -> str:
    if not figures.get("count"):
        return f"  {name:26} none"
    return (
        f"  {name:26} {figures['count']:7} requests  p50 {figures['p50']:7.1f} ms  "
        f"p95 {figures['p95']:7.1f} ms  p99 {figures['p99']:7.1f} ms"
    )


def summary_lines(report: dict) -> list[str]:
    mix, burst, checks = report["mix"], report["burst"], report["checks"]
    lines = [
        f"{report['database']}, {report['posts']} posts, {report['settings']['gunicorn']}",
        f"mix: {mix['requests_per_second']} requests/s over {mix['elapsed_seconds']} s "
        f"({report['settings']['client']}; client used {mix['client_cpu_seconds']} s of CPU, "
        f"server {mix['server_cpu_seconds']} s)",
    ]
    lines += [latency_line(kind, figures) for kind, figures in mix["latency_ms"].items()]
    lines.append(f"  status codes: {mix['status_codes']['all']}")
    cached = mix.get("page_cache")
    if cached and cached["anonymous"]:
        lines.append(
            f"  page cache: {cached['hit_ratio']:.1%} of {cached['anonymous']} anonymous "
            f"requests served from it ({cached['hits']} hits; {cached['first_renders']} "
            f"addresses rendered for the first time, {cached['renders_again']} again: "
            f"{cached['hit_ratio_after_first_render']:.1%} of the others)"
        )
    lines.append(
        f"burst: {report['settings']['burst']} in {burst['elapsed_seconds']} s, "
        f"status codes {burst['status_codes']['all']}"
    )
    lines.append(latency_line("burst post", burst["latency_ms"].get("burst post", {})))
    lines.append(
        f"checks: {checks['comments_stored']}/{checks['comments_accepted']} accepted comments "
        f"stored, {checks['pages_checked']} post pages checked, lost "
        f"{len(checks['lost_comments'])}, count mismatches {len(checks['count_mismatches'])}, "
        f"page mismatches {len(checks['page_mismatches'])}, failed requests "
        f"{checks['failed_requests']}, server log errors {len(checks['server_log_errors'])}"
    )
    lines.append("PASSED" if report["passed"] else "FAILED")
    return lines
