"""The shared look in a real browser (Debian chromium) against the demo: an irreversible step
asks first in a dialog — cancelling changes nothing, confirming does it —, and the phone
menu is a button a keyboard reaches, legible on the red header. Screenshots of the pages
at 375 and 1280 px are kept under var/screenshots/visual/ for people to look at."""

import re
from pathlib import Path

from playwright.sync_api import expect

from gridgov.core.tests.test_browser import browser, login  # noqa: F401 - fixture

SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots" / "visual"

REPORT = """
from django.contrib.auth import get_user_model
from gridgov.accounts.models import RoleAssignment
from gridgov.matters.actions import MatterInput, report_matter
from gridgov.matters.models import Category
worker = get_user_model().objects.get(username="worker")
grid = RoleAssignment.objects.filter(user=worker).select_related("region").first().region
m = report_matter(
    MatterInput(
        category=Category.objects.get(code="fire-lane"),
        description="小区北门消防通道被三轮车堵住（确认对话测试）",
        region=grid,
    ),
    actor=worker,
)
print(m.code)
"""


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _contrast(fg: str, bg: str) -> float:
    def lum(css):
        r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_rejecting_a_matter_asks_first_and_cancel_changes_nothing(browser, live_demo):  # noqa: F811
    code = live_demo.manage("shell", "-c", REPORT).strip().splitlines()[-1]
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
        page = context.new_page()
        login(page, live_demo.url, "community")
        page.goto(f"{live_demo.url}/matters/{code}/")
        expect(page.locator("#state")).to_have_text("已上报")
        shot(page, f"matter-detail-{width}")
        if width == 1280:
            break  # only the wide screen goes on to reject
        context.close()
    form = page.locator("form:has(#do-reject)")
    form.locator("textarea[name=reason]").fill("不属于本网格受理范围")
    page.click("#do-reject")
    dialog = page.locator("dialog#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("不予立案")
    # the safe choice has the focus; the confirm button says what it does
    expect(dialog.locator("[data-no]")).to_be_focused()
    expect(dialog.locator("[data-yes]")).to_have_text("不予立案")
    shot(page, "confirm-dialog-1280")
    dialog.locator("[data-no]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#state")).to_have_text("已上报")
    page.reload()
    expect(page.locator("#state")).to_have_text("已上报")  # nothing was sent
    # Escape cancels too
    form.locator("textarea[name=reason]").fill("不属于本网格受理范围")
    page.click("#do-reject")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#state")).to_have_text("已上报")
    # confirmed: the report is rejected, with the reason typed
    page.click("#do-reject")
    dialog.locator("[data-yes]").click()
    expect(page.locator("#state")).to_have_text("不予立案")
    expect(page.locator("#timeline")).to_contain_text("不属于本网格受理范围")
    context.close()


def test_the_phone_menu_is_a_legible_button_a_keyboard_opens(browser, live_demo):  # noqa: F811
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    login(page, live_demo.url, "operator")
    page.goto(live_demo.url + "/matters/meetings/")
    button = page.locator("#menu-button")
    expect(button).to_be_visible()
    expect(page.locator("#site-nav")).to_be_hidden()
    colour = button.evaluate("b => getComputedStyle(b).color")
    header = page.locator("header.top").evaluate("h => getComputedStyle(h).backgroundColor")
    assert _contrast(colour, header) >= 4.5, (colour, header)
    # the unread count and the inbox are on the closed bar
    expect(page.locator("#inbox-link")).to_be_visible()
    # reached with Tab, opened with Enter; the current page is marked
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "menu-button":
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#site-nav")).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator('#site-nav a[aria-current="page"]')).to_have_text("会议")
    shot(page, "menu-open-375")
    page.keyboard.press("Escape")
    expect(page.locator("#site-nav")).to_be_hidden()
    expect(button).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
    # on a wide screen the groups are a bar; a group opens from the keyboard
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    login(page, live_demo.url, "operator")
    page.goto(live_demo.url + "/matters/meetings/")
    expect(page.locator("#menu-button")).to_be_hidden()
    group = page.locator(".nav-group.current .nav-group-label")
    group.focus()
    page.keyboard.press("Enter")
    expect(group).to_have_attribute("aria-expanded", "true")
    expect(page.locator('.nav-group.current a[aria-current="page"]')).to_be_visible()
    shot(page, "menu-group-open-1280")
    context.close()
