"""The pages keep to the Content-Security-Policy: chromium visits the main pages of several
roles (and the admin and the API docs) against the demo district and any refusal by the
policy — an inline script or style, an event-handler attribute, an outside resource — or a
JavaScript error fails the test. It also checks that what moved out of the HTML still works."""

import re

import pytest
from playwright.sync_api import expect

from gridgov.core.tests.test_browser import browser, login  # noqa: F401 - fixture

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI + " "
                + e.sourceFile + ":" + e.lineNumber);
});
"""


class Watch:
    """Every policy refusal and script error on the pages of one browser context."""

    def __init__(self, browser, width=1280):  # noqa: F811
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.add_init_script(REPORT_VIOLATIONS)
        self.problems: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"{self.page.url}: {exc}"))

    def _console(self, msg):
        text = msg.text
        if "Content Security Policy" in text or "CSP violation" in text or "Refused to" in text:
            self.problems.append(f"{self.page.url}: {text}")

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        self.page.wait_for_load_state("load")
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        return self.page

    def close(self):
        self.context.close()
        return self.problems


@pytest.fixture
def watch(browser):  # noqa: F811
    watches = []

    def make(username=None, base=None, width=1280):
        w = Watch(browser, width)
        if username:
            login(w.page, base, username)
        watches.append(w)
        return w

    yield make
    problems = [p for w in watches for p in w.close()]
    assert problems == []


def test_public_pages_keep_to_the_policy(watch, live_demo):
    base = live_demo.url
    # street staff put up a sign for two categories, one of which asks for extra fields
    w = watch("street", base)
    page = w.visit(base + "/matters/signs/")
    page.fill("input[name=code]", "csp-01")
    page.fill("input[name=name]", "消防通道提示牌")
    page.fill("input[name=lat]", "29.65")
    page.fill("input[name=lon]", "94.36")
    page.select_option("select[name=categories]", ["fire-lane", "garbage"])
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#signs")).to_contain_text("csp-01")

    w = watch(width=375)
    w.visit(base + "/login/")
    w.visit(base + "/s/nyang-01/")
    page = w.visit(base + "/s/csp-01/")
    # the chosen category's own fields show and are sent; the others' do not (app.js)
    extra = page.locator("fieldset.extra[data-category=fire-lane]")
    page.select_option("select[name=category]", "garbage")
    expect(extra).to_be_hidden()
    expect(extra.locator("select").first).to_be_disabled()
    page.select_option("select[name=category]", "fire-lane")
    expect(extra).to_be_visible()
    expect(extra.locator("select").first).to_be_enabled()
    w.visit(base + "/typical-cases/")


def test_staff_pages_keep_to_the_policy(watch, live_demo):
    base = live_demo.url
    w = watch("worker", base, width=375)
    w.visit(base + "/")
    w.page.get_by_role("link", name=re.compile("珠曲登第1网格")).first.click()
    expect(w.page.locator(".map path.map-focus[data-kind=grids]")).to_have_count(1)
    page = w.visit(base + "/matters/")
    page.locator("table a[href^='/matters/']").first.click()
    page.wait_for_load_state("load")
    w.visit(base + "/matters/new/")

    w = watch("operator", base)
    for path in ("/", "/regions/", "/regions/coverage/", "/people/residents/", "/audit/"):
        w.visit(base + path)

    w = watch("street", base)
    page = w.visit(base + "/matters/meetings/")
    page.get_by_role("button", name="召集会议").click()
    page.wait_for_url(re.compile(r"/matters/meetings/\d+/$"))
    page.evaluate("window.print = function () { window.printed = true; }")
    page.click("a[data-print]")
    assert page.evaluate("window.printed") is True  # the print link still prints


def test_enforcement_pages_and_charts_keep_to_the_policy(watch, live_demo):
    base = live_demo.url
    w = watch("court", base)
    page = w.visit(base + "/enforcement/")
    page.locator("table a[href^='/enforcement/cases/']").first.click()
    page.wait_for_load_state("load")
    page = w.visit(base + "/enforcement/kpis/")
    chart = page.locator("#chart-months canvas")
    expect(chart).to_have_count(1)
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a tooltip
    page.wait_for_timeout(300)
    w = watch("finance", base)
    w.visit(base + "/enforcement/finance/")


def test_admin_and_api_docs_keep_to_the_policy(watch, live_demo):
    base = live_demo.url
    w = watch("admin", base)
    page = w.visit(base + "/admin/")
    page = w.visit(base + "/admin/people/resident/")
    page.locator("#result_list tbody a").first.click()
    page.wait_for_load_state("load")
    w.visit(base + "/admin/auth/group/")
    page = w.visit(base + "/api/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
