"""A grid worker's first walk through gridgov in a real browser (Debian chromium), on a
phone-sized screen, against the demo district served by gunicorn."""

import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from gridgov.demo.build import DEMO_PASSWORD

CHROMIUM = os.environ.get("GRIDGOV_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def login(page, base, username):
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def test_grid_worker_walk_through(browser, live_demo, tmp_path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    login(page, live_demo.url, "worker")
    # home → my grid
    page.get_by_role("link", name=re.compile("珠曲登第1网格")).first.click()
    expect(page.locator("h1")).to_contain_text("珠曲登第1网格")
    expect(page.locator(".map path.map-focus[data-kind=grids]")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "grid.png"), full_page=True)
    # the page fits a phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # find a resident of the grid, masked
    page.get_by_role("link", name=re.compile("居民|Residents here")).last.click()
    first = page.locator("#residents tbody tr td a").first
    name = first.inner_text()
    page.fill("input[name=q]", name)
    page.locator("form.search button[type=submit]").click()
    expect(page.locator("#residents tbody")).to_contain_text(name)
    page.locator("#residents tbody tr td a", has_text=name).first.click()
    id_cell = page.locator("#id-number")
    expect(id_cell).to_have_text(re.compile(r"^\d{6}\*{8}\d{3}[\dX]$"))
    # reveal: the whole number, after saying why
    page.fill("input[name=reason]", "入户核实")
    page.click("#reveal")
    expect(page.locator("#id-number")).to_have_text(re.compile(r"^\d{17}[\dX]$"))
    # the neighbouring grid is refused
    response = page.goto(live_demo.url + "/regions/540402001001002/")
    assert response.status == 404
    context.close()


def test_coverage_shows_the_deliberate_gap(browser, live_demo, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_demo.url, "operator")
    page.goto(live_demo.url + "/regions/coverage/")
    gap_rows = page.locator("#coverage tbody tr.gap-row")
    expect(gap_rows).to_have_count(1)
    expect(gap_rows.first).to_contain_text("福建路第3网格")
    page.screenshot(path=str(tmp_path / "coverage.png"), full_page=True)
    context.close()


def test_chinese_first_with_an_english_switch(browser, live_demo):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-US")
    page = context.new_page()
    page.goto(live_demo.url + "/login/")
    expect(page.locator("h1")).to_have_text("登录")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Log in")
    context.close()


def test_a_matter_through_its_whole_life_with_four_people(browser, live_demo, tmp_path):
    def as_user(username, width=1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        login(page, live_demo.url, username)
        return context, page

    # 1. the grid worker reports from a phone
    ctx, page = as_user("worker", 375)
    page.goto(live_demo.url + "/matters/new/")
    page.select_option("select[name=place]", "540402001001001")
    page.get_by_role("button", name="继续").click()
    page.get_by_role("button", name=re.compile("消防通道堵塞")).click()
    page.fill("textarea[name=description]", "3号楼前消防通道被私家车堵塞")
    page.select_option("select[name=attr_blocked_by]", "车辆")
    page.locator("#continue").click()
    page.get_by_role("button", name="确认上报").click()
    code = page.locator("#reported-code").inner_text()
    page.get_by_role("link", name="查看事项").click()
    expect(page.locator("#state")).to_have_text("已上报")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ctx.close()

    # 2. community staff register and dispatch (to the category's default unit)
    ctx, page = as_user("community")
    page.goto(f"{live_demo.url}/matters/{code}/")
    page.click("#do-register")
    expect(page.locator("#state")).to_have_text("已立案")
    expect(page.locator("select[name=unit]")).to_have_value(
        page.locator("select[name=unit] option", has_text="消防救援大队").get_attribute("value")
    )
    page.click("#do-dispatch")
    expect(page.locator("#state")).to_have_text("已派遣")
    ctx.close()

    # 3. the fire brigade's handler takes it and reports back; no verify button for them
    ctx, page = as_user("h02")
    page.goto(live_demo.url + "/matters/")
    page.get_by_role("link", name=code).click()
    page.click("#do-accept")
    page.fill("#actions form:has(#do-handle) textarea[name=note]", "已联系车主挪车，通道畅通")
    page.click("#do-handle")
    expect(page.locator("#state")).to_have_text("已反馈")
    expect(page.locator("#do-verify")).to_have_count(0)
    ctx.close()

    # 4. another community worker verifies and closes
    ctx, page = as_user("cw101")
    page.goto(f"{live_demo.url}/matters/{code}/")
    page.click("#do-verify")
    expect(page.locator("#state")).to_have_text("已核查")
    page.click("#do-close")
    page.locator("#confirm-dialog [data-yes]").click()  # closing cannot be undone: asked first
    expect(page.locator("#state")).to_have_text("已结案")
    expect(page.locator("#timeline li")).to_have_count(7)
    page.screenshot(path=str(tmp_path / "matter.png"), full_page=True)
    ctx.close()
