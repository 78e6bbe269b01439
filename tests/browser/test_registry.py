"""The facility list and the map, in Arabic, with the demo facility list: rows, a search that ignores spelling
variants, and a map drawn from rasd's own boundaries with no request leaving the server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveRasd

pytestmark = pytest.mark.browser

# How people often type Arabic: hamza dropped, ta marbuta as ha, alef maqsura as ya.
VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "ة": "ه", "ى": "ي"})


def _page_error(message: Any) -> bool:
    return bool(message.type == "error")


def _signed_in(live_rasd: LiveRasd, browser: Any) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    failed: list[str] = []
    errors: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.on("console", lambda message: _page_error(message) and errors.append(f"{message.text} {message.location}"))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_rasd.url}/accounts/login/")
    page.fill("#id_username", live_rasd.admin_username)
    page.fill("#id_password", live_rasd.admin_password)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(f"{live_rasd.url}/")
    return context, page, failed, errors


def test_the_facility_list_searches_in_arabic(live_rasd: LiveRasd, browser: Any, artifacts: Path) -> None:
    context, page, failed, errors = _signed_in(live_rasd, browser)
    page.locator('.navbar a.nav-link[href="/registry/facilities/"]').click()
    page.wait_for_url(f"{live_rasd.url}/registry/facilities/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    rows = page.locator("#facility-rows tbody tr")
    assert rows.count() == 50
    page.screenshot(path=str(artifacts / "registry-list-ar.png"))

    wanted = rows.nth(7)
    code = wanted.locator("td").nth(0).inner_text().strip()
    name = wanted.locator("td").nth(1).inner_text().strip()
    typed = " ".join(name.translate(VARIANTS).split()[:3])
    with page.expect_response(lambda response: "/registry/facilities/?" in response.url):
        page.get_by_role("searchbox").fill(typed)
    page.wait_for_function("() => !document.querySelector('#facility-rows').classList.contains('htmx-request')")
    codes = [cell.strip() for cell in page.locator("#facility-rows tbody tr td:first-child").all_inner_texts()]
    assert code in codes and len(codes) < 50
    assert "q=" in page.url  # the search is in the address, so it can be shared and survives a reload

    assert failed == [], f"requests failed: {failed}"
    assert errors == [], f"console errors: {errors}"
    context.close()


def test_the_map_draws_boundaries_and_facilities_offline(live_rasd: LiveRasd, browser: Any, artifacts: Path) -> None:
    context, page, failed, errors = _signed_in(live_rasd, browser)
    outside: list[str] = []
    page.on("request", lambda request: request.url.startswith(live_rasd.url) or outside.append(request.url))
    page.goto(f"{live_rasd.url}/registry/map/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    map_box = page.locator("#facility-map")
    assert map_box.get_attribute("dir") == "ltr"
    page.wait_for_selector("#facility-map[data-state=ready]", timeout=20_000)
    assert int(map_box.get_attribute("data-points") or 0) > 250
    assert int(map_box.get_attribute("data-areas") or 0) == 18 + 101
    # Leaflet paints its canvases on the next animation frames: wait until both have pixels.
    painted = """([selector, least]) => {
        const canvas = document.querySelector(selector);
        if (!canvas || !canvas.width) return false;
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) count++;
        return count >= least;
    }"""
    page.wait_for_function(painted, arg=[".leaflet-boundaries-pane canvas", 100_000], timeout=10_000)
    page.wait_for_function(painted, arg=[".leaflet-overlay-pane canvas", 1_000], timeout=10_000)
    legend = page.locator("[data-map-legend] li")
    assert legend.count() == 4 and legend.first.inner_text().strip() != ""
    page.screenshot(path=str(artifacts / "registry-map-ar.png"))

    # The filters are the list's: choosing a status redraws the points.
    before = map_box.get_attribute("data-points")
    with page.expect_response(lambda response: "facilities.geojson?status=" in response.url):
        page.select_option("select[name=status]", "temporarily_closed")
    page.wait_for_function(f"() => document.querySelector('#facility-map').dataset.points !== '{before}'")
    assert "status=temporarily_closed" in page.url

    assert outside == [], f"the map asked another host: {outside}"
    assert failed == [], f"requests failed: {failed}"
    assert errors == [], f"console errors: {errors}"
    context.close()
