"""The maps in chromium against the demo district (issue 9, items 2 and 12): the district map
draws every grid, a tap on a grid opens it, the grid page shows it among its neighbours, and
a map in pick mode writes the tapped point — or the phone's location — into a form's inputs.
Any refusal by the Content-Security-Policy or script error fails. Screenshots at 375 and
1280 px are kept under var/screenshots/maps/ for people to look at."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gridgov.core.tests.test_browser import browser, login  # noqa: F401 - fixture
from gridgov.core.tests.test_csp_browser import REPORT_VIOLATIONS
from gridgov.testing.world import PASSWORD

SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots" / "maps"
GRID_PATH = ".map path[data-kind=grids]"


@pytest.fixture
def as_user(browser):  # noqa: F811
    contexts, problems = [], []

    def open_as(username, width, **options):
        context = browser.new_context(
            viewport={"width": width, "height": 900 if width > 600 else 740}, **options
        )
        context.add_init_script(REPORT_VIOLATIONS)
        page = context.new_page()

        def console(msg):
            if "CSP violation" in msg.text or "Refused to" in msg.text:
                problems.append(f"{page.url}: {msg.text}")

        page.on("console", console)
        page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
        contexts.append(context)
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert problems == []


def drawn(page):
    page.wait_for_selector(".map[data-map-drawn]")
    return int(page.locator(".map").first.get_attribute("data-map-drawn"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_the_district_map_draws_every_grid_and_a_tap_opens_one(as_user, live_demo):
    base = live_demo.url
    count = "from gridgov.regions.models import Grid; print(Grid.objects.count())"
    grids = int(live_demo.manage("shell", "-c", count).split()[-1])
    page = as_user("operator", 1280)
    login(page, base, "operator")
    page.get_by_role("link", name="地图").first.click()  # from the menu
    expect(page).to_have_url(re.compile(r"/regions/map/$"))
    drawn(page)
    expect(page.locator(GRID_PATH)).to_have_count(grids)
    assert grids > 10
    # the shading follows the list beside the map: the grid with most overdue is red
    worst = page.locator("#map-grids tbody tr").first
    assert int(worst.locator("td").nth(1).inner_text()) > 0  # the demo has overdue matters
    worst_code = worst.locator("a").get_attribute("href").strip("/").rsplit("/", 1)[-1]
    expect(page.locator(f'{GRID_PATH}[data-code="{worst_code}"]')).to_have_class(
        re.compile(r"\btone-danger\b")
    )
    shot(page, "district-1280.png")

    # a tap on a grid opens that grid's page (with the markers switched off in the legend,
    # so that the tap lands on the grid and not on a matter inside it)
    for kind in ("buildings", "signs", "matters"):
        box = page.locator(f".map-legend-{kind} input")
        if box.count():
            box.uncheck()
    target = page.locator(GRID_PATH).nth(grids // 2)
    code = target.get_attribute("data-code")
    target.click()
    expect(page).to_have_url(re.compile(rf"/regions/{code}/$"))
    # there the grid sits among its neighbours, with its buildings
    drawn(page)
    focus = page.locator(f"{GRID_PATH}.map-focus")
    expect(focus).to_have_attribute("data-code", code)
    assert page.locator(f"{GRID_PATH}.map-beside").count() >= 2
    assert page.locator(".map path[data-kind=buildings]").count() > 0
    shot(page, "grid-1280.png")
    # a tap on the grid itself stays; a tap on a neighbour opens the neighbour
    for kind in ("buildings", "signs", "matters"):  # the legend switches layers off
        page.locator(f".map-legend-{kind} input").uncheck()
    expect(page.locator(".map path[data-kind=buildings]")).to_have_count(0)
    focus.click(force=True)
    page.wait_for_timeout(300)
    expect(page).to_have_url(re.compile(rf"/regions/{code}/$"))
    neighbour = page.locator(f"{GRID_PATH}.map-beside").first
    other = neighbour.get_attribute("data-code")
    neighbour.click(force=True)
    expect(page).to_have_url(re.compile(rf"/regions/{other}/$"))

    # on a phone
    page = as_user("street", 375)
    login(page, base, "street")
    page.goto(base + "/regions/map/")
    n = drawn(page)
    assert n > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "district-375.png")


def test_a_grid_worker_sees_their_grid_alone_on_a_phone(as_user, live_demo):
    base = live_demo.url
    page = as_user("worker", 375)
    login(page, base, "worker")
    page.get_by_role("link", name=re.compile("珠曲登第1网格")).first.click()
    drawn(page)
    # the neighbours are not the worker's: only their own grid is drawn
    expect(page.locator(GRID_PATH)).to_have_count(1)
    expect(page.locator(f"{GRID_PATH}.map-focus")).to_have_count(1)
    assert page.locator(".map path[data-kind=buildings]").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "grid-375.png")


PICK_FORM = """
(function () {
  var box = document.createElement("div");
  box.id = "pick-test";
  box.innerHTML = '<input id="id_lat" name="lat"><input id="id_lon" name="lon">' +
    '<div class="map" data-layers=\\'[{"url": "/regions/geo/grids.geojson", "kind": "grids", ' +
    '"name": "grids"}]\\' data-pick-lat="#id_lat" data-pick-lon="#id_lon"></div>';
  document.querySelector("main").prepend(box);
  window.changes = [];
  box.querySelectorAll("input").forEach(function (input) {
    input.addEventListener("change", function () { window.changes.push(input.name); });
  });
  box.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true }));
})();
"""


def test_pick_mode_writes_the_tapped_point_and_my_location(as_user, live_demo):
    base = live_demo.url
    # the phone is inside the worker's grid (the demo's first: 94.330–94.338 E, 29.636–29.642 N)
    page = as_user(
        "worker",
        375,
        geolocation={"latitude": 29.639, "longitude": 94.334, "accuracy": 12},
        permissions=["geolocation"],
    )
    login(page, base, "worker")
    page.goto(base + "/regions/")
    page.evaluate(PICK_FORM)
    drawn(page)
    grid = page.locator("#pick-test " + GRID_PATH).first
    grid.click()  # in pick mode a tap on a grid picks the point; it does not leave the page
    expect(page).to_have_url(re.compile(r"/regions/$"))
    lat, lon = float(page.input_value("#id_lat")), float(page.input_value("#id_lon"))
    assert 29.636 < lat < 29.643 and 94.33 < lon < 94.339, (lat, lon)  # inside that grid
    assert page.evaluate("window.changes") == ["lat", "lon"]
    expect(page.locator("#pick-test .map path.map-pick")).to_have_count(1)
    # "use my location": the map centres there and the point is picked
    page.get_by_role("button", name="使用我的位置").click()
    expect(page.locator("#id_lat")).to_have_value("29.639000")
    expect(page.locator("#id_lon")).to_have_value("94.334000")
    assert page.evaluate("window.changes") == ["lat", "lon", "lat", "lon"]
    expect(page.locator("#pick-test .map-status")).to_contain_text("29.639000")
    shot(page, "pick-375.png")


def test_a_deployment_with_a_tile_source_gets_tiles_allowed_by_the_policy(as_user):
    """GRIDGOV_MAP_TILES on another origin (here the same server under another host name):
    tiles are drawn under the grids, and the policy lets exactly that origin in."""
    from gridgov.testing.server import LiveServer

    server = LiveServer("world")
    tiles = (
        f"http://localhost:{server.port}/static/vendor/leaflet/images/layers.png?{{z}}/{{x}}/{{y}}"
    )
    server.env.update(GRIDGOV_MAP_TILES=tiles, GRIDGOV_MAP_ATTRIBUTION="© test tiles")
    server.start()
    try:
        page = as_user("operator", 1280)
        page.goto(server.url + "/login/")
        page.fill("input[name=username]", "operator")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        response = page.goto(server.url + "/regions/map/")
        assert f"http://localhost:{server.port}" in response.headers["content-security-policy"]
        drawn(page)
        expect(page.locator(GRID_PATH)).to_have_count(3)
        loaded = "[...document.querySelectorAll('.map img.leaflet-tile')]"
        page.wait_for_function(f"{loaded}.some(i => i.complete && i.naturalWidth > 0)")
        expect(page.locator(".leaflet-control-attribution")).to_contain_text("© test tiles")
    finally:
        server.stop()
