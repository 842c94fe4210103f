"""Chromium for the browser journeys: Debian's (Playwright's own download cannot work on
these machines), axe-core run in the page, and screenshots at 1366x768.

Without /usr/bin/chromium the journeys skip, except in CI (``CI=true``) or wherever
PostgreSQL is required, where they fail: ``.ci/run`` installs Chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.stores import postgres_required

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}
BLOCKING = ("serious", "critical")


def chromium_or_skip() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if postgres_required():  # CI: the gate must not pass without its browser tests
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")


def axe_violations(page: Any) -> list[str]:
    """The serious and critical WCAG 2.1 A/AA violations on the page, one line each.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern,
    so the page is checked as it is served, CSP and all."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


class Journey:
    """One browser tab's walk through the console: each page checked and photographed."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page, self.folder, self.shots = page, folder, 0
        self.csp_reports: list[str] = []
        page.on("console", self.heard)
        folder.mkdir(parents=True, exist_ok=True)

    def heard(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp_reports.append(message.text)

    def check(self, name: str) -> None:
        """axe on the page as it stands, then its screenshot."""
        assert axe_violations(self.page) == [], name
        self.shots += 1
        self.page.screenshot(path=str(self.folder / f"{self.shots:02d}-{name}.png"))


def store_name(database_url: str) -> str:
    return "postgres" if database_url.startswith("postgresql") else "sqlite"
