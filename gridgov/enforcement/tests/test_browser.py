"""An officer and court finance work a case in a real browser against the demo: open it,
print its payment code, a signed payment arrives from the provider simulator, the balance
shows it, and finance approves the payout (above the second-person threshold) — after a
confirmation dialog; cancelling it sends nothing."""

import datetime
import re

from playwright.sync_api import expect

from gridgov.core.tests.test_browser import browser, login  # noqa: F401 - fixture
from gridgov.core.tests.test_browser_ui import SHOTS

NUMBER = f"（{datetime.date.today().year}）藏0402执910号"


def as_user(browser, live_demo, username, width=1280):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    login(page, live_demo.url, username)
    return context, page


def test_officer_prints_a_code_payment_arrives_finance_approves_payout(browser, live_demo):  # noqa: F811
    base = live_demo.url
    # 1. the officer finds the case and makes its payment code for 60,000 yuan
    ctx, page = as_user(browser, live_demo, "court")
    page.goto(base + "/enforcement/?q=" + NUMBER)
    page.get_by_role("link", name=NUMBER).click()
    expect(page.locator("h1")).to_contain_text(NUMBER)
    expect(page.locator("#days-left")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("#balance")).to_have_text("¥0.00")
    page.fill("form:has(#new-code) input[name=amount]", "60000")
    page.click("#new-code")
    sheet = page.locator("a[id^=sheet-]").first
    code = sheet.get_attribute("id").removeprefix("sheet-")
    case_url = page.url
    # 2. it prints: an A4 sheet naming case, court and amount, with the QR code
    svg = page.request.get(base + sheet.get_attribute("href"))
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")
    text = svg.text()
    assert NUMBER in text and "巴宜区人民法院" in text and "¥60,000.00" in text and "<path" in text
    # 3. the debtor pays; the provider's signed notice arrives
    out = live_demo.manage("simulate-payment", "demo-bank", code, "6000000", "--url", base)
    assert out.startswith("200")
    page.goto(case_url)
    expect(page.locator("#balance")).to_have_text("¥60,000.00")
    expect(page.locator("#payments")).to_contain_text("¥60,000.00")
    # 4. the applicant's account, verified by finance, then the payout asked for
    page.fill("input[name=holder]", "林芝雪域商贸有限公司")
    page.fill("input[name=bank]", "中国农业银行林芝分行")
    page.fill("input[name=account_no]", "6228480012345678901")
    page.get_by_role("button", name="登记账户").click()
    ctx.close()
    ctx, page = as_user(browser, live_demo, "finance")
    page.goto(case_url)
    page.get_by_role("button", name="核验").click()
    ctx.close()
    ctx, page = as_user(browser, live_demo, "court")
    page.goto(case_url)
    page.select_option("form:has(#request-payout) select[name=payee]", index=1)
    page.fill("form:has(#request-payout) input[name=amount]", "60000")
    page.click("#request-payout")
    page.locator("#confirm-dialog [data-yes]").click()  # a money step asks first
    expect(page.locator("#payouts")).to_contain_text("待审批")
    expect(page.locator("#balance")).to_have_text("¥60,000.00")  # nothing leaves before approval
    ctx.close()
    # 5. finance sees it waiting on the desk and approves; the money leaves the case
    ctx, page = as_user(browser, live_demo, "finance")
    page.goto(base + "/enforcement/finance/")
    page.get_by_role("link", name=NUMBER).click()
    approve = page.locator("#payouts [id^=approve-]").first
    approve.click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("¥60,000.00")  # the question names the amount and payee
    expect(dialog).to_contain_text("林芝雪域商贸有限公司")
    expect(dialog.locator("[data-no]")).to_be_focused()  # the safe choice, not the payout
    page.screenshot(path=str(SHOTS / "payout-confirm-1280.png"), full_page=True)
    dialog.locator("[data-no]").click()
    expect(dialog).to_be_hidden()
    page.reload()  # cancelled: nothing was sent
    expect(page.locator("#payouts")).to_contain_text("待审批")
    expect(page.locator("#balance")).to_have_text("¥60,000.00")
    approve.click()
    dialog.locator("[data-yes]").click()
    expect(page.locator("#payouts")).to_contain_text("已提交银行")
    expect(page.locator("#balance")).to_have_text("¥0.00")
    page.screenshot(path=str(SHOTS / "case-after-payout-1280.png"), full_page=True)
    page.goto(base + "/enforcement/finance/")
    expect(page.locator("#ledger-check")).to_contain_text("已平衡")
    ctx.close()
