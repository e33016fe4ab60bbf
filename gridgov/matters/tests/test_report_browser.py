"""A grid worker reports from their phone in the demo district (Debian chromium through
Playwright, a 375-px screen, geolocation granted at a point inside their grid): from the
home page to "reported" in at most five taps plus typing. A screenshot of every step is
kept under var/screenshots/report/ for people to look at."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from gridgov.core.tests.test_browser import browser, login  # noqa: F401 (a fixture)
from gridgov.matters.tests.test_public import jpeg_with_location

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "report"
POINT_IN_WORKERS_GRID = """
from shapely.geometry import shape
from gridgov.accounts.models import RoleAssignment
a = RoleAssignment.objects.select_related("region").get(user__username="worker", role="grid_worker")
p = shape(a.region.grid.polygon).representative_point()
from gridgov.regions.models import Grid
other = Grid.objects.exclude(region=a.region).first()
q = shape(other.polygon).representative_point()
print(p.y, p.x, q.y, q.x, a.region.name)
"""


class Taps:
    """Counts what the reporter taps (typing and picking a photo are not taps)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        self.count += 1
        locator.click()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.fixture(scope="module")
def worker_point(live_demo):
    out = live_demo.manage("shell", "-c", POINT_IN_WORKERS_GRID).strip().splitlines()[-1]
    lat, lon, other_lat, other_lon, grid = out.split(maxsplit=4)
    return float(lat), float(lon), grid.strip(), (float(other_lat), float(other_lon))


def test_a_grid_worker_reports_with_a_photo_and_their_location_in_five_taps(
    browser,  # noqa: F811
    live_demo,
    worker_point,
    tmp_path,
):
    lat, lon, grid, _elsewhere = worker_point
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        locale="zh-CN",
        geolocation={"latitude": lat, "longitude": lon},
        permissions=["geolocation"],
    )
    page = context.new_page()
    login(page, live_demo.url, "worker")
    taps = Taps(page)
    start = reverse("matters:report")

    page.goto(live_demo.url + "/")
    report_link = page.locator(f"main a[href='{start}']").first
    expect(report_link).to_be_visible()  # the home page's 上报事项
    shot(page, "0-home")
    taps.tap(report_link)

    # 1. place: "use my location" finds the grid and goes on
    expect(page.locator("h1")).to_have_text("在哪里？")
    expect(page.locator("#id_place")).to_have_value(re.compile(r"^\d{15}$"))  # their grid
    shot(page, "1-place")
    taps.tap(page.get_by_role("button", name="使用我的位置"))
    page.wait_for_url(re.compile(r"/matters/new/category/$"))

    # 2. category: one tap
    expect(page.locator(".report-recap")).to_contain_text(grid)
    shot(page, "2-category")
    taps.tap(page.get_by_role("button", name=re.compile("消防通道堵塞")))

    # 3. details: typing and a photo from the camera
    expect(page.locator("h1")).to_have_text("描述情况")
    expect(page.locator(".field-error")).to_have_count(0)  # nothing said before typing
    expect(page.locator("input[name=priority][value='2']")).to_be_checked()
    page.fill("#id_description", "3号楼前消防通道被私家车堵塞")
    photo = tmp_path / "fire-lane.jpg"
    photo.write_bytes(jpeg_with_location())
    page.set_input_files("#id_photos", str(photo))
    shot(page, "3-details")
    taps.tap(page.locator("#continue"))

    # 4. check your answers, with the photo kept
    expect(page.locator("h1")).to_have_text("核对上报内容")
    expect(page.locator(".summary-list")).to_contain_text(grid)
    expect(page.locator(".summary-list img")).to_have_count(1)
    assert page.locator(".summary-list img").evaluate("img => img.naturalWidth") > 0
    shot(page, "4-check")
    taps.tap(page.get_by_role("button", name="确认上报"))

    # 5. reported: who takes it next, by when
    expect(page.locator("#reported")).to_contain_text("已上报")
    expect(page.locator("#next-register")).to_contain_text("立案")
    expect(page.locator("#next-deadline")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    shot(page, "5-done")
    assert taps.count <= 5

    page.get_by_role("link", name="查看事项").click()
    expect(page.locator("#state")).to_have_text("已上报")
    expect(page.locator(".photos img")).to_have_count(1)
    context.close()


def test_without_location_the_worker_reports_from_their_own_grid(
    browser,  # noqa: F811
    live_demo,
    worker_point,
):
    """Location refused (no permission): the step says so and the worker's own grid,
    chosen already, takes the report; an error on the way loses nothing."""
    _lat, _lon, grid, _elsewhere = worker_point
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    login(page, live_demo.url, "worker")
    page.goto(live_demo.url + reverse("matters:report"))
    page.get_by_role("button", name="使用我的位置").click()
    expect(page.locator("[data-locate-status]")).to_contain_text("无法获取您的位置")
    page.get_by_role("button", name="继续").click()
    page.get_by_role("button", name=re.compile("消防通道堵塞")).click()
    page.select_option("#id_attr_blocked_by", "车辆")
    page.locator("#continue").click()  # no description yet
    expect(page.locator(".error-summary a[href='#id_description']")).to_be_visible()
    expect(page.locator("#id_attr_blocked_by")).to_have_value("车辆")
    shot(page, "3-details-error")
    page.fill("#id_description", "楼道口堆放杂物")
    page.locator("#continue").click()
    expect(page.locator(".summary-list")).to_contain_text(grid)
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "4-check-1280")
    context.close()


def test_a_location_outside_the_workers_grids_is_said_and_not_used(
    browser,  # noqa: F811
    live_demo,
    worker_point,
):
    _lat, _lon, grid, (lat, lon) = worker_point
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        locale="zh-CN",
        geolocation={"latitude": lat, "longitude": lon},
        permissions=["geolocation"],
    )
    page = context.new_page()
    login(page, live_demo.url, "worker")
    page.goto(live_demo.url + reverse("matters:report"))
    page.get_by_role("button", name="使用我的位置").click()
    expect(page.locator("[data-locate-status]")).to_have_text("该位置不在您的网格内。")
    shot(page, "1-place-elsewhere")
    page.get_by_role("button", name="继续").click()  # their own grid, chosen already
    expect(page.locator(".report-recap")).to_contain_text(grid)
    context.close()
