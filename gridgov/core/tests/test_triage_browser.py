"""Triage lists in the browser, on a phone and a laptop, against the demo district: the
header's search box is usable at 375 px and leads to grouped results; the worklist, the
case list and resident results are drawn. Screenshots are kept under
var/screenshots/triage/ for people to look at."""

from pathlib import Path

import pytest
from django.conf import settings

pytest.importorskip("playwright")

from gridgov.core.tests.test_browser import browser, login  # noqa: E402, F401

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "triage"
SIZES = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 900}}


def shoot(page, name: str, width: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", SIZES)
def test_triage_lists_and_the_header_search(browser, live_demo, width):  # noqa: F811
    for username, pages in [
        ("worker", [("worklist", "/matters/?state="), ("residents", "/people/residents/?q=扎西")]),
        ("community", [("worklist-community", "/matters/")]),
        ("court", [("cases", "/enforcement/")]),
    ]:
        context = browser.new_context(viewport=SIZES[width])
        page = context.new_page()
        login(page, live_demo.url, username)
        for name, url in pages:
            response = page.goto(live_demo.url + url)
            assert response.status == 200, url
            assert page.locator("table.cards tbody tr").count() > 0, url
            shoot(page, name, width)
        if username == "worker":
            box = page.locator(".site-search input[name=q]")
            assert box.is_visible()
            bounds = box.bounding_box()
            assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= SIZES[width]["width"]
            assert bounds["width"] >= 120  # room to type a name on a phone
            box.fill("扎西")
            box.press("Enter")
            page.wait_for_selector("#search-people")
            assert page.locator("#search-people li").count() > 0
            shoot(page, "search", width)
            page.locator("#search-people li a").first.click()
            assert "/people/residents/" in page.url
        context.close()
