"""axe-core, the accessibility engine, run in the page Chromium shows (axe.min.js ships in the
axe-playwright-python package, so nothing is downloaded at test time)."""

from axe_playwright_python.sync_playwright import Axe

#: The rules that hold for this site: WCAG 2.1 A and AA, and axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

_axe = Axe()


def accessibility_violations(page) -> list[str]:
    """What axe-core finds wrong on the page as it is now, one line per rule and element."""
    results = _axe.run(page, options=AXE_OPTIONS).response
    return [
        f"{violation['id']} ({violation['impact']}): {' '.join(node['target'])}: "
        f"{node['failureSummary'].splitlines()[-1].strip()}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]
