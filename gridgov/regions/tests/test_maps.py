"""The maps' GeoJSON endpoints, the map page and the grid page's map (issue 9, item 2):
every layer holds only what the user may see, grids are shaded by their open and overdue
matters, and the tile source is the deployment's choice (none by default)."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from gridgov.matters import public
from gridgov.matters.actions import MatterInput, report_matter
from gridgov.matters.models import Matter
from gridgov.matters.workflow import transition
from gridgov.regions import actions as region_actions
from gridgov.regions.models import Level
from gridgov.testing.world import english_client

A1, A2, B1 = "540402001001001", "540402001001002", "540402002001001"


def client_for(world, key):
    c = english_client()
    c.force_login(world.users[key])
    return c


def geojson(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    if status != 200:
        return None
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return data


def codes(data):
    return sorted(f["properties"]["code"] for f in data["features"])


@pytest.fixture
def mapped(world, settings, tmp_path):
    """Both grids of community A (and B1) with a building, a sign and matters with a place:
    A1 has an overdue matter, A2 an open one, B1 none."""
    settings.MEDIA_ROOT = tmp_path
    r = world.regions
    street = world.user("street_a")
    compound_a2 = region_actions.create_region(
        r["grid_a2"], Level.COMPOUND, A2 + "001", "工布花园", actor=street
    )
    region_actions.create_region(
        compound_a2, Level.BUILDING, A2 + "001001", "2号楼", actor=street, lat=29.655, lon=94.375
    )
    region_actions.create_region(
        r["compound_a1"],
        Level.BUILDING,
        A1 + "001002",
        "3号楼",
        actor=street,
        lat=29.655,
        lon=94.365,
    )
    cats = [world.categories["dumping"], world.categories["fire_lane"]]
    for code, grid, lon in (("sign-a1", "grid_a1", 94.365), ("sign-a2", "grid_a2", 94.375)):
        public.create_sign(
            code, code, r[grid], 29.655, lon, cats, world.units["bureau"], actor=street
        )

    def report(who, grid, lon):
        data = MatterInput(
            category=world.categories["fire_lane"],
            description="消防通道被堵塞",
            region=r[grid],
            lat=29.652,
            lon=lon,
        )
        return report_matter(data, actor=world.user(who))

    late = transition(
        report("worker_a1", "grid_a1", 94.362), "register", actor=world.user("community_a")
    )
    Matter.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(days=2))
    report("worker_a1", "grid_a1", 94.364)  # reported, not yet registered: open, not late
    report("worker_a2", "grid_a2", 94.372)
    return world


def test_a_grid_worker_map_holds_nothing_of_the_next_grid(mapped):
    c = client_for(mapped, "worker_a1")
    everything = ""
    for url in (
        "/regions/geo/grids.geojson",
        f"/regions/geo/grids.geojson?near={A1}",
        "/regions/geo/buildings.geojson",
        "/matters/geo/signs.geojson",
        "/matters/geo/matters.geojson",
    ):
        data = geojson(c, url)
        everything += json.dumps(data, ensure_ascii=False)
        if url.startswith("/regions/"):
            assert all(f["properties"]["code"].startswith(A1) for f in data["features"]), url
    assert codes(geojson(c, "/regions/geo/grids.geojson")) == [A1]
    assert codes(geojson(c, "/regions/geo/buildings.geojson")) == [A1 + "001002"]
    assert codes(geojson(c, "/matters/geo/signs.geojson")) == ["sign-a1"]
    assert len(geojson(c, "/matters/geo/matters.geojson")["features"]) == 2
    # not a name, a sign, a coordinate of A2 anywhere
    for trace in (A2, "觉木二网格", "工布花园", "2号楼", "sign-a2", "94.375", "94.372"):
        assert trace not in everything
    # asking for the next grid by name is "not found", as everywhere
    geojson(c, f"/regions/geo/grids.geojson?near={A2}", status=404)
    geojson(c, f"/matters/geo/matters.geojson?in={A2}", status=404)
    geojson(c, f"/regions/geo/buildings.geojson?in={A2}", status=404)
    # and the grid page's map asks only for layers of the worker's own grid
    page = c.get(f"/regions/{A1}/").content.decode()
    layers = json.loads(
        re.search(r'class="map" data-layers="([^"]*)"', page).group(1).replace("&quot;", '"')
    )
    # the apps' layers (regions, matters, visits' patrols), in their order
    assert [layer["kind"] for layer in layers] == [
        "grids",
        "buildings",
        "signs",
        "matters",
        "patrols",
    ]
    assert all(A1 in layer["url"] for layer in layers)
    assert f'data-focus="{A1}"' in page
    # a compound has no outline of its own: no map there
    assert 'class="map"' not in c.get(f"/regions/{A1}001/").content.decode()


def test_a_community_page_maps_its_grids(mapped):
    page = client_for(mapped, "community_a").get("/regions/540402001001/").content.decode()
    layers = json.loads(
        re.search(r'class="map" data-layers="([^"]*)"', page).group(1).replace("&quot;", '"')
    )
    assert layers[0] == {
        "url": "/regions/geo/grids.geojson?in=540402001001",
        "kind": "grids",
        "name": "Grids",
    }
    assert "data-focus" not in page


def test_grids_are_shaded_by_overdue_and_open_matters(mapped):
    data = geojson(client_for(mapped, "operator"), "/regions/geo/grids.geojson")
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert sorted(props) == [A1, A2, B1]
    assert (props[A1]["open"], props[A1]["overdue"], props[A1]["tone"]) == (2, 1, "danger")
    assert (props[A2]["open"], props[A2]["overdue"], props[A2]["tone"]) == (1, 0, "warn")
    assert (props[B1]["open"], props[B1]["overdue"], props[B1]["tone"]) == (0, 0, "")
    assert props[A2]["url"] == f"/regions/{A2}/"
    assert data["features"][0]["geometry"]["type"] == "Polygon"
    # a matter's own dot is red when it is overdue
    matters = geojson(client_for(mapped, "operator"), f"/matters/geo/matters.geojson?in={A1}")
    assert sorted(f["properties"]["tone"] for f in matters["features"]) == ["danger", "warn"]


def test_who_sees_no_matters_is_not_told_there_are_none(mapped):
    data = geojson(client_for(mapped, "court_officer"), "/regions/geo/grids.geojson")
    assert codes(data) == [A1, A2, B1]
    assert all("open" not in f["properties"] for f in data["features"])
    assert {f["properties"]["tone"] for f in data["features"]} == {""}


def test_a_grid_sits_among_the_neighbours_the_user_sees(mapped):
    near = f"/regions/geo/grids.geojson?near={A1}"
    assert codes(geojson(client_for(mapped, "community_a"), near)) == [A1, A2]
    assert codes(geojson(client_for(mapped, "operator"), near)) == [A1, A2, B1]
    assert codes(
        geojson(client_for(mapped, "operator"), "/regions/geo/grids.geojson?in=540402002")
    ) == [B1]


def test_buildings_without_a_location_are_counted_not_drawn(mapped):
    data = geojson(client_for(mapped, "community_a"), "/regions/geo/buildings.geojson")
    assert codes(data) == [A1 + "001002", A2 + "001001"]
    assert data["unplaced"] == 1  # the world's 1号楼 has no coordinates


def test_the_map_page_lists_every_grid_worst_first_and_is_in_the_menu(mapped):
    c = client_for(mapped, "operator")
    page = c.get("/")
    assert b'href="/regions/map/"' in page.content
    page = c.get("/regions/map/").content.decode()
    assert "Map of 巴宜区" in page
    rows = re.findall(r'<a href="/regions/(\d{15})/">', page)
    assert rows == [A1, A2, B1]
    assert 'class="map map-large"' in page
    # one grid: no map page in the menu (the grid page has the map)
    assert b'href="/regions/map/"' not in client_for(mapped, "worker_a1").get("/").content
    # no role: refused
    stranger = client_for(mapped, "stranger")
    assert stranger.get("/regions/map/").status_code == 403
    assert stranger.get("/regions/geo/grids.geojson").status_code == 403


def test_no_tiles_unless_the_deployment_sets_a_source(world, settings):
    from gridgov.regions.templatetags.maps import map_script
    from gridgov.settings import _tile_source

    config = json.loads(
        re.search(r'data-map-config="([^"]*)"', map_script()).group(1).replace("&quot;", '"')
    )
    assert config["tiles"] == []
    assert config["leaflet"].endswith("vendor/leaflet/leaflet.js")
    assert all(
        "tianditu" not in s for s in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    )
    settings.GRIDGOV_MAP_TILES = ["https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&tk=K"]
    config = json.loads(
        re.search(r'data-map-config="([^"]*)"', map_script())
        .group(1)
        .replace("&quot;", '"')
        .replace("&amp;", "&")
    )
    assert config["tiles"] == settings.GRIDGOV_MAP_TILES
    assert _tile_source(settings.GRIDGOV_MAP_TILES[0]) == "https://*.tianditu.gov.cn"
    assert _tile_source("https://tiles.example.org/{z}/{x}/{y}.png") == "https://tiles.example.org"
