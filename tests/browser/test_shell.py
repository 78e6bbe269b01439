"""The first thing a ministry user sees: sign in, an Arabic right-to-left home page, and the language switcher."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveRasd

pytestmark = pytest.mark.browser


def test_it_signs_in_in_arabic_and_switches_language(live_rasd: LiveRasd, browser: Any, artifacts: Path) -> None:
    # An English-language browser still gets Arabic: rasd is Arabic first.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    failed_assets: list[str] = []
    page.on("requestfailed", lambda request: failed_assets.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed_assets.append(response.url))

    page.goto(f"{live_rasd.url}/")
    assert page.url.startswith(f"{live_rasd.url}/accounts/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.fill("#id_username", live_rasd.admin_username)
    page.fill("#id_password", live_rasd.admin_password)
    page.get_by_role("button", name="تسجيل الدخول").click()

    page.wait_for_url(f"{live_rasd.url}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text().startswith("مرحباً")
    # Bootstrap's right-to-left build is loaded and applied: the navigation starts on the right.
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert "Noto Sans Arabic" in page.evaluate("getComputedStyle(document.body).fontFamily")
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand is not None and brand["x"] > 640, "the brand should sit on the right in RTL"
    page.screenshot(path=str(artifacts / "home-ar.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand is not None and brand["x"] < 640, "the brand should sit on the left in LTR"
    page.screenshot(path=str(artifacts / "home-en.png"), full_page=True)

    page.get_by_role("button", name="کوردی").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ckb"
    page.screenshot(path=str(artifacts / "home-ckb.png"), full_page=True)

    # The choice sticks across pages.
    page.goto(f"{live_rasd.url}/accounts/users/")
    assert page.locator("html").get_attribute("lang") == "ckb"
    assert failed_assets == [], f"assets failed to load: {failed_assets}"
    context.close()
