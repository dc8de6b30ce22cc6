"""Summarise bench/results/*.json: a Markdown table and an SVG chart for the README.

.venv/bin/python bench/report.py
"""

import json
from html import escape
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
MODE_COLOURS = {"page cache": "#1d3557", "page cache off": "#457b9d", "no caching": "#a8b5c8"}
TARGETS = {"page cache": 0.5, "page cache off": 0.1}
LOGGED_IN_TARGET = 0.05
BAR, GAP, LABEL_WIDTH, CHART_WIDTH = 11, 10, 230, 420


def load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def largest_size(pages: dict) -> tuple[str, dict]:
    size = max(pages["sizes"], key=int)
    return size, pages["sizes"][size]


def ratio_rows(size: dict) -> list[tuple[str, dict[str, float]]]:
    """Page name -> {mode: median ratio to hello world}."""
    names = [row["name"] for row in next(iter(size["modes"].values()))["pages"]]
    return [
        (name, {mode: next(r["ratio"] for r in measured["pages"] if r["name"] == name)
                for mode, measured in size["modes"].items()})
        for name in names
    ]  # fmt: skip


def chart(pages: dict) -> str:
    """Grouped horizontal bars: each page's throughput over hello world, per cache mode."""
    size, measured = largest_size(pages)
    rows = ratio_rows(measured)
    scale = CHART_WIDTH / max(1.0, max(max(r.values()) for _, r in rows))
    group = BAR * len(MODE_COLOURS) + GAP
    height = 40 + group * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH + CHART_WIDTH + 60}" '
        f'height="{height}" font-family="sans-serif" font-size="11">',
        f'<text x="4" y="16" font-size="13" font-weight="bold">Throughput as a share of '
        f"hello-world Flask, {int(size):,} posts</text>",
    ]
    for index, (mode, colour) in enumerate(MODE_COLOURS.items()):
        x = LABEL_WIDTH + index * 130
        parts.append(f'<rect x="{x}" y="24" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="33">{escape(mode)}</text>')
    for row_index, (name, ratios) in enumerate(rows):
        top = 40 + row_index * group
        parts.append(f'<text x="4" y="{top + group / 2}">{escape(name)}</text>')
        for bar_index, (mode, colour) in enumerate(MODE_COLOURS.items()):
            ratio = ratios.get(mode, 0)
            y = top + bar_index * BAR
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{ratio * scale:.1f}" '
                f'height="{BAR - 2}" fill="{colour}"/>'
            )
            parts.append(f'<text x="{LABEL_WIDTH + ratio * scale + 4:.1f}" y="{y + 8}">'
                         f"{ratio:.3f}</text>")  # fmt: skip
    for target in (*TARGETS.values(), LOGGED_IN_TARGET):
        x = LABEL_WIDTH + target * scale
        parts.append(f'<line x1="{x:.1f}" y1="38" x2="{x:.1f}" y2="{height - 24}" '
                     'stroke="#b00" stroke-dasharray="3,3"/>')  # fmt: skip
        parts.append(f'<text x="{x + 2:.1f}" y="{height - 12}" fill="#b00">{target}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def pages_table(pages: dict) -> list[str]:
    hello, rounds = pages["hello_world_rps"], pages["settings"]["rounds"]
    lines = [f"Hello-world Flask under the same gunicorn: {hello['median']:,.0f} requests/s "
             f"(median; {hello['lowest']:,.0f} to {hello['highest']:,.0f} over the run). Each "
             f"figure is the median of {rounds} rounds, each page's rate over hello world's "
             "measured just before it.", "",
             "| posts | page | page cache | page cache off | no caching | queries |",
             "| ---: | --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for size, measured in sorted(pages["sizes"].items(), key=lambda item: int(item[0])):
        for name, ratios in ratio_rows(measured):
            queries = measured["queries"].get(name, "")
            cells = " | ".join(f"{ratios.get(mode, 0):.3f}" for mode in MODE_COLOURS)
            lines.append(f"| {int(size):,} | {name} | {cells} | {queries} |")
    return lines


def digest_lines(digest: dict) -> list[str]:
    lines = ["| subscribers | messages/s | raw smtplib messages/s | ratio |",
             "| ---: | ---: | ---: | ---: |"]  # fmt: skip
    for run in digest["runs"]:
        lines.append(
            f"| {run['subscribers']:,} | {run['digest_messages_per_second']:,.0f} | "
            f"{run['smtplib_prebuilt_messages_per_second']:,.0f} | {run['ratio_to_smtplib']:.2f} |"
        )
    lines.append(f"\nRate at the largest size over the smallest: "
                 f"{digest['rate_at_largest_over_smallest']:.2f} (1.00 is flat).")  # fmt: skip
    return lines


def import_lines(imports: dict) -> list[str]:
    return [
        f"- {run['database']}: {run['export_mb']:.0f} MB export, {run['posts']:,} posts and "
        f"{run['comments']:,} comments in {run['seconds']} s, "
        f"peak memory +{run['peak_growth_mb']} MB"
        for run in imports["import_blogger_50mb"]
    ]


def hit_ratio(traffic: dict) -> str:
    ratio = traffic.get("page_cache", {}).get("hit_ratio")
    return "" if ratio is None else f"{ratio:.1%}"


def export_backup_lines(figures: dict) -> list[str]:
    blog, small = figures["blog"], figures["small_blog"]
    lines = [f"The blog of the {blog['export_mb']:.0f} MB Blogger export ({blog['posts']:,} posts, "
             f"{blog['comments']:,} comments), each command in a process of its own; peak memory "
             f"beside the same export of a {small['export_mb']:.0f} MB blog.", "",
             "| export | file MB | seconds | peak memory MB | small blog's peak MB |",
             "| --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
    lines += [
        f"| {run['format']} | {run['file_mb']} | {run['seconds']} | {run['peak_rss_mb']} | "
        f"{run['small_blog_peak_rss_mb']} |"
        for run in figures["exports"]
    ]
    lines += ["", "| database | backup MB | backup seconds | restore seconds |",
              "| --- | ---: | ---: | ---: |"]  # fmt: skip
    lines += [
        f"| {run['database']} | {run['backup_mb']} | {run['backup_seconds']} | "
        f"{run['restore_seconds']} |"
        for run in figures["backups"]
    ]
    return lines


def load_lines(runs: list[dict]) -> list[str]:
    lines = ["| database | requests/s | p99 ms | 5xx | anonymous from page cache "
             "| comments accepted / stored | checks |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]  # fmt: skip
    for run in runs:
        traffic, checks = run["mix"], run["checks"]
        codes = traffic["status_codes"]["all"]
        errors = sum(count for code, count in codes.items() if code.startswith("5"))
        lines.append(
            f"| {run['database']} | {traffic['requests_per_second']:,.0f} | "
            f"{traffic['latency_ms']['all']['p99']} | {errors} | {hit_ratio(traffic)} | "
            f"{checks['comments_accepted']} / {checks['comments_stored']} | "
            f"{'passed' if run['passed'] else 'FAILED'} |"
        )
    settings = runs[0]["settings"]
    mix = ", ".join(f"{share} % {name}" for name, share in settings["mix_percent"].items())
    lines.append(
        f"\n{settings['seconds']:.0f} s of mixed traffic ({mix}), then a burst of "
        f"{settings['burst']}; every accepted comment must be stored and shown."
    )
    return lines


def summary() -> str:
    sections = []
    if pages := load("pages.json"):
        sections += ["### Reading pages (ratio to hello world)", "", *pages_table(pages), ""]
        (RESULTS / "pages.svg").write_text(chart(pages))
    if digest := load("digest.json"):
        sections += ["### Daily digest, build and send", "", *digest_lines(digest), ""]
    if digest := load("digest_conversation.json"):
        title = "### Daily digest with everyone's conversation in it"
        sections += [title, "", *digest_lines(digest), ""]
    if imports := load("import.json"):
        sections += ["### Blogger import", "", *import_lines(imports), ""]
    if exports := load("export_backup.json"):
        figures = exports["export_backup_50mb"]
        sections += ["### Export, backup and restore", "", *export_backup_lines(figures), ""]
    if runs := [
        run for name in ("load-sqlite.json", "load-postgresql.json") if (run := load(name))
    ]:
        sections += ["### Load", "", *load_lines(runs), ""]
    return "\n".join(sections)


def main() -> None:
    text = summary()
    (RESULTS / "summary.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
