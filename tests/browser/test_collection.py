"""Collection pages in Arabic, right to left, on the demo: the round and its progress map, a collector's device
with its ODK Collect QR code, and a submission with its answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveRasd
from tests.browser.test_registry import _signed_in

pytestmark = pytest.mark.browser


def test_a_manager_finds_the_round_a_collectors_qr_code_and_a_submission(
    live_rasd: LiveRasd, browser: Any, artifacts: Path
) -> None:
    context, page, failed, errors = _signed_in(live_rasd, browser)

    page.locator('.navbar a.nav-link[href="/rounds/"]').click()
    page.wait_for_url(f"{live_rasd.url}/rounds/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("table a[href^='/rounds/']").first.click()
    page.wait_for_url(f"{live_rasd.url}/rounds/*/")
    page.screenshot(path=str(artifacts / "round-ar.png"), full_page=True)

    page.locator("a[href$='/progress/']").first.click()
    page.wait_for_url(f"{live_rasd.url}/rounds/*/progress/")
    page.wait_for_selector("#progress-map[data-points]")  # set once the facilities are drawn on the map
    assert int(page.locator("#progress-map").get_attribute("data-points") or 0) > 0
    assert int(page.locator("[data-total='received']").inner_text()) > 0
    page.screenshot(path=str(artifacts / "round-progress-ar.png"), full_page=True)

    page.locator("a[href$='/collectors/']").first.click()
    page.wait_for_url(f"{live_rasd.url}/rounds/*/collectors/")
    page.locator("a[href^='/rounds/tokens/']").first.click()
    page.wait_for_url(f"{live_rasd.url}/rounds/tokens/*/")
    qr = page.locator("svg").first
    assert qr.is_visible()
    assert "/openrosa/key/" in page.content()
    # The long server URL wraps inside its box instead of pushing the page sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "collector-qr-ar.png"), full_page=True)

    page.locator('.navbar a.nav-link[href="/submissions/"]').click()
    page.wait_for_url(f"{live_rasd.url}/submissions/*")
    page.locator("main table a[href^='/submissions/']").first.click()
    page.wait_for_url(f"{live_rasd.url}/submissions/*/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path=str(artifacts / "submission-ar.png"))

    assert failed == [], f"requests failed: {failed}"
    assert errors == [], f"console errors: {errors}"
    context.close()
