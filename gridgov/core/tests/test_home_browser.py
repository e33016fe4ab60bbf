"""Every demo login's home page in chromium: their work is there with its main action one
tap away, each figure equals the rows of the list it links to, and screenshots at 375 px
and 1280 px are kept under var/screenshots/home/ for people to look at."""

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from playwright.sync_api import sync_playwright

from gridgov.core.tests.test_browser import ARGS, CHROMIUM, login
from gridgov.demo.build import DEMO_LOGINS

SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots" / "home"
PAGER = re.compile(r"(\d+)\s*/\s*(\d+)")

# what each login must find first: (panel id, href of the first button or None, or a
# pattern it must match)
FIRST_WORK = {
    "worker": ("panel-matters-work", "/matters/new/"),
    "police": ("panel-matters-work", "/matters/new/"),
    "liaison": ("panel-matters-work", "/matters/new/"),
    "handler": ("panel-matters-work", re.compile(r"^/matters/[^/]+-\d{4}-\d+/$")),
    "community": ("panel-matters-work", re.compile(r"^/matters/[^/]+-\d{4}-\d+/$")),
    "street": ("panel-matters-work", None),
    "operator": ("panel-matters-work", None),
    "admin": ("panel-matters-work", None),
    "leader": ("panel-matters-work", None),
    "volunteer": ("panel-regions-places", None),
    "court": ("panel-enforcement-cases", None),
    "court-city": ("panel-enforcement-cases", None),
    "finance": ("panel-enforcement-finance", "/enforcement/finance/"),
    "finance-city": ("panel-enforcement-finance", "/enforcement/finance/"),
}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _with_page(url: str, n: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("page", n)]), fragment=""))


def _rows_here(page, fragment: str) -> int:
    box = page.locator(f"#{fragment}") if fragment else page.locator("main")
    if box.locator("table").count():
        return box.locator("table tbody tr:has(a)").count()
    return box.locator("li:has(a)").count()


def rows_behind(page, base: str, href: str) -> int:
    """The rows of the list at `href`, across its pages: the first page's rows times the
    pages before the last, plus the last page's rows."""
    fragment = urlsplit(href).fragment
    page.goto(base + href)
    first = _rows_here(page, fragment)
    pager = page.locator(".pager")
    if not pager.count():
        return first
    found = PAGER.search(pager.first.inner_text())
    assert found, f"cannot read the pager of {href}"
    pages = int(found.group(2))
    if pages == 1:
        return first
    page.goto(base + _with_page(href, pages))
    return first * (pages - 1) + _rows_here(page, fragment)


def test_every_demo_home_opens_on_its_work_and_counts_right(browser, live_demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_demo.url
    for username, _role, _where in DEMO_LOGINS:
        context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
        page = context.new_page()
        login(page, base, username)
        page.goto(base + "/")
        panel_id, first_href = FIRST_WORK[username]
        panels = page.locator("section.panel")
        assert panels.first.get_attribute("id") == panel_id, username
        if first_href is not None:
            href = panels.first.locator("a.button").first.get_attribute("href")
            if isinstance(first_href, str):
                assert href == first_href, (username, href)
            else:
                assert first_href.match(href), (username, href)
        # no tiles of zeros where there is nothing: an empty panel says what will come
        for i in range(panels.count()):
            figures = panels.nth(i).locator("a.figure")
            counts = [
                int(figures.nth(j).get_attribute("data-count")) for j in range(figures.count())
            ]
            assert not counts or any(counts), (username, panels.nth(i).get_attribute("id"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, username
        page.screenshot(path=str(SHOTS / f"{username}-375.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SHOTS / f"{username}-1280.png"), full_page=True)

        links = page.locator("a.figure, #breakdown a[data-count]")
        figures = [
            (links.nth(i).get_attribute("href"), int(links.nth(i).get_attribute("data-count")))
            for i in range(links.count())
        ]
        for href, count in figures:
            assert rows_behind(page, base, href) == count, (username, href)
        context.close()
